import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { escapeHtml, jsonForScript } from './_text.js';

/** One chart the page draws with uPlot: columns of numbers, built from the report model. */
export interface ChartSpec {
  id: string;
  title: string;
  /** x values; epoch seconds when `time`. */
  x: number[];
  series: Array<{ label: string; values: Array<number | null>; color: string }>;
  xLabel: string;
  yLabel: string;
  time?: boolean;
  xLog?: boolean;
  bars?: boolean;
  /** Custom x tick labels for the percentile curve (x = 1 / (1 − p)). */
  nines?: boolean;
  /**
   * Bars at x = 0, 1, 2… labelled by these (the seed's bins "0–10 ms"…): each bin as wide
   * as the next, whatever its edges.
   */
  categories?: string[];
  /**
   * The point the legend shows while the pointer is off the chart: the last (a timeline's
   * latest interval, the curve's p99.99) or the tallest bar. Never "--".
   */
  legendAt?: 'last' | 'peak';
}

let uplotAssets: { js: string; css: string } | undefined;

/** uPlot's minified build and CSS, read once from node_modules and inlined into every page. */
function uplot(): { js: string; css: string } {
  if (!uplotAssets) {
    const require = createRequire(import.meta.url);
    const dist = join(dirname(require.resolve('uplot/package.json')), 'dist');
    uplotAssets = {
      // A `</script` inside would end the element early; uPlot has none, but stay safe.
      js: readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8').replace(
        /<\/script/gi,
        '<\\/script',
      ),
      css: readFileSync(join(dist, 'uPlot.min.css'), 'utf8'),
    };
  }
  return uplotAssets;
}

const CSS = `
:root { --good: #1b7f3b; --warning: #a05a00; --bad: #c62828; --muted: #555; }
* { box-sizing: border-box; }
body { font-family: system-ui, Arial, sans-serif; margin: 0; padding: 20px; background-color: #f5f5f5; color: #222; line-height: 1.4; }
.container { max-width: 1200px; margin: 0 auto; background-color: #fff; padding: 20px; border-radius: 8px; box-shadow: 0 2px 4px rgba(0,0,0,0.1); }
.header { text-align: center; margin-bottom: 30px; padding-bottom: 20px; border-bottom: 2px solid #e0e0e0; }
.section { margin: 20px 0; padding: 20px; border: 1px solid #e0e0e0; border-radius: 5px; background-color: #fafafa; }
.metric-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 15px; margin: 20px 0; }
.metric-card { background-color: #fff; padding: 15px; border-radius: 5px; box-shadow: 0 1px 3px rgba(0,0,0,0.1); text-align: center; }
.metric-value { font-size: 24px; font-weight: bold; color: #333; }
.metric-label { font-size: 14px; color: var(--muted); margin-top: 5px; }
.rating { display: inline-block; font-size: 12px; font-weight: bold; border-radius: 3px; padding: 1px 6px; margin-top: 4px; border: 1px solid currentColor; }
.good { color: var(--good); } .warning { color: var(--warning); } .bad { color: var(--bad); }
.improvement { color: var(--good); font-weight: bold; } .regression { color: var(--bad); font-weight: bold; } .unchanged { color: var(--muted); }
.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; margin: 20px 0; }
th, td { border: 1px solid #ddd; padding: 8px 12px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background-color: #f2f2f2; font-weight: bold; }
tr:nth-child(even) { background-color: #f9f9f9; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); gap: 20px; }
figure.chart { margin: 0; background: #fff; padding: 10px; border-radius: 5px; min-width: 0; }
figure.chart figcaption { font-weight: bold; margin-bottom: 6px; }
.chart-canvas { width: 100%; min-height: 260px; }
.bar { display: inline-block; height: 0.8em; background: #3f6fb5; vertical-align: middle; }
.note { color: var(--muted); font-size: 14px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.meta dt { font-weight: bold; } dl.meta dd { margin: 0; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #fff; padding: 8px; border: 1px solid #ddd; }
@media (max-width: 600px) { body { padding: 0; } .container { border-radius: 0; padding: 12px; } .section { padding: 12px; } th, td { padding: 6px; } }
@media print { body { background: #fff; padding: 0; } .container { box-shadow: none; max-width: none; } .section, figure.chart { break-inside: avoid; } a { color: inherit; } }
`;

/**
 * Draws every chart of the page's JSON with uPlot. Plain browser JS (inlined as text):
 * sizes charts to their box, redraws on resize, and counts drawn charts in
 * `window.perfsightChartsDrawn` so tests and the bench can wait for them.
 */
const CLIENT = `
(function () {
  var data = JSON.parse(document.getElementById('perfsight-data').textContent);
  var plots = [];
  window.perfsightChartsDrawn = 0;
  // Each drawn chart by its id: tests read the ticks and legend uPlot computed.
  window.perfsightCharts = {};
  function nines(v) { var p = 100 - 100 / v; return (Math.round(p * 1000) / 1000) + '%'; }
  // Times as the rest of the report gives them: UTC, to the second.
  function clock(v) { return new Date(v * 1000).toISOString().slice(11, 19); }
  function figure(v) { return v == null ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: 2 }); }
  // Whole seconds and up: a timeline's points are at least a second apart.
  var TIME_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];
  function legendIndex(c) {
    if (c.legendAt !== 'peak') return c.x.length - 1;
    var first = c.series[0].values, best = 0;
    for (var i = 1; i < first.length; i++) if ((first[i] || 0) > (first[best] || 0)) best = i;
    return best;
  }
  data.charts.forEach(function (c) {
    var box = document.getElementById(c.id);
    if (!box) return;
    var xValue = c.nines ? function (u, v) { return v == null ? '–' : nines(v); }
      : c.categories ? function (u, v) { return v == null ? '–' : c.categories[v]; }
      : c.time ? function (u, v) { return v == null ? '–' : clock(v); }
      : function (u, v) { return figure(v); };
    var series = [{ label: c.xLabel, value: xValue }];
    c.series.forEach(function (s) {
      var spec = { label: s.label, stroke: s.color, width: 2, value: function (u, v) { return figure(v); } };
      if (c.bars) { spec.fill = s.color + '99'; spec.paths = uPlot.paths.bars({ size: [0.8, 40] }); }
      series.push(spec);
    });
    var x = { time: !!c.time };
    if (c.xLog) { x.distr = 3; x.log = 10; }
    if (c.categories) { var n = c.categories.length; x.range = function () { return [-0.5, n - 0.5]; }; }
    // One interval (a sub-second run): a one-second window, not an axis spanning years.
    if (c.x.length === 1 && !c.categories) x.range = function () { return [c.x[0] - 1, c.x[0] + 1]; };
    var xAxis = { label: c.xLabel };
    if (c.nines) {
      xAxis.splits = function () { return [1, 10, 100, 1000, 10000]; };
      xAxis.values = function (u, vals) { return vals.map(nines); };
    } else if (c.categories) {
      xAxis.splits = function () { return c.categories.map(function (_, i) { return i; }); };
      xAxis.values = function (u, vals) { return vals.map(function (v) { return c.categories[v]; }); };
      xAxis.grid = { show: false };
      xAxis.font = '11px system-ui, sans-serif';
    } else if (c.time) {
      xAxis.incrs = TIME_INCRS;
      xAxis.values = function (u, vals) { return vals.map(clock); };
      xAxis.space = 70;
    }
    var opts = {
      width: Math.max(280, box.clientWidth),
      height: 260,
      scales: { x: x },
      series: series,
      axes: [xAxis, { label: c.yLabel, size: 60 }],
      legend: { show: true },
      hooks: { setCursor: [function (u) { if (u.cursor.idx == null) showDefault(u); }] }
    };
    var at = legendIndex(c);
    function showDefault(u) { if (at >= 0) u.setLegend({ idx: at }); }
    var plot = new uPlot(opts, [c.x].concat(c.series.map(function (s) { return s.values; })), box);
    showDefault(plot);
    plots.push([plot, box]);
    window.perfsightCharts[c.id] = plot;
    window.perfsightChartsDrawn++;
    // Since navigation start: what the bench reports as time to first chart.
    if (window.perfsightFirstChartMs === undefined) window.perfsightFirstChartMs = performance.now();
  });
  window.addEventListener('resize', function () {
    plots.forEach(function (pb) { pb[0].setSize({ width: Math.max(280, pb[1].clientWidth), height: 260 }); });
  });
  window.addEventListener('beforeprint', function () {
    plots.forEach(function (pb) { pb[0].setSize({ width: 680, height: 240 }); });
  });
})();
`;

/** The whole document: inline CSS, uPlot, the chart data as JSON, and the drawing script. */
export function renderPage(title: string, body: string, charts: ChartSpec[]): string {
  const assets = uplot();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${assets.css}</style>
<style>${CSS}</style>
</head>
<body>
<main class="container">
${body}
</main>
<script type="application/json" id="perfsight-data">${jsonForScript({ charts })}</script>
<script>${assets.js}</script>
<script>${CLIENT}</script>
</body>
</html>
`;
}

/** A figure that a chart is drawn into, with a caption and a text fallback. */
export function chartFigure(chart: ChartSpec, description: string): string {
  return `<figure class="chart"><figcaption id="${chart.id}-title">${escapeHtml(chart.title)}</figcaption><div class="chart-canvas" id="${chart.id}" role="img" aria-labelledby="${chart.id}-title" aria-describedby="${chart.id}-desc"></div><p class="note" id="${chart.id}-desc">${escapeHtml(description)}</p></figure>`;
}

/** Numbers in charts keep 4 significant digits: enough to draw, and the page stays small. */
export function round4(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}
