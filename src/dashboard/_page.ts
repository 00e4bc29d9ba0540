import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The web dashboard: one self-contained page (uPlot inlined from node_modules, no CDN), which
 * loads `/api/snapshot`, then follows `/events` (Server-Sent Events). Everything from data is
 * put in the DOM with `textContent`, never as HTML, so a collector or alert named
 * `<script>` is shown, not run.
 */
let uplot: { js: string; css: string } | undefined;

function uplotAssets(): { js: string; css: string } {
  if (!uplot) {
    const require = createRequire(import.meta.url);
    const read = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
    // `</` cannot end the inline element early once escaped.
    uplot = {
      js: read('uPlot.iife.min.js').replace(/<\//g, '<\\/'),
      css: read('uPlot.min.css').replace(/<\//g, '<\\/'),
    };
  }
  return uplot;
}

const STYLE = `
body{font:14px system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:10px 16px;display:flex;gap:16px;align-items:center}
header h1{font-size:16px;margin:0;flex:1}
#status{font-size:12px;padding:2px 8px;border-radius:10px;background:#8a8f98}
#status.live{background:#2e9d57}
main{padding:16px;display:grid;gap:16px}
#cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:16px}
.card,section{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px #0002}
.card h2{font-size:15px;margin:0 0 8px}
.card dl{display:grid;grid-template-columns:auto auto;gap:2px 12px;margin:0 0 8px}
.card dt{color:#5b6270}.card dd{margin:0;text-align:right;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;width:100%;font-size:13px}
td,th{text-align:left;padding:4px 6px;border-bottom:1px solid #e3e5e8}
.firing{color:#b3261e;font-weight:600}.pending{color:#a56a00}.resolved{color:#2e7d32}
a{color:#2457c5}.note{color:#5b6270}`;

const FIELDS: Array<[string, string, string]> = [
  ['total_samples', 'Requests', 'int'],
  ['success_rate', 'Success rate', 'pct'],
  ['requests_per_second', 'Throughput (RPS)', 'num'],
  ['latency_avg', 'Avg latency', 'ms'],
  ['latency_p95', 'P95 latency', 'ms'],
  ['cache_hit_rate', 'Cache hit rate', 'pct'],
  ['fallback_rate', 'Fallback rate', 'pct'],
  ['error_rate', 'Error rate', 'pct'],
  ['rps_1m', 'RPS, last 1m', 'num'],
  ['p95_1m', 'P95, last 1m', 'ms'],
];

const APP = `
'use strict';
const FIELDS = ${JSON.stringify(FIELDS)};
const token = new URLSearchParams(location.search).get('token');
const qs = token ? '?token=' + encodeURIComponent(token) : '';
const cards = new Map();
const el = (tag, attrs, text) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};
const show = (kind, v) => v === null || v === undefined ? '-' :
  kind === 'pct' ? (v * 100).toFixed(2) + '%' : kind === 'ms' ? v.toFixed(2) + ' ms' :
  kind === 'int' ? v.toLocaleString('en-US') : v.toFixed(1);
function card(name) {
  let c = cards.get(name);
  if (c) return c;
  const root = el('div', { class: 'card', 'data-collector': name });
  root.append(el('h2', {}, name));
  const dl = el('dl');
  const values = {};
  for (const [key, label] of FIELDS) {
    dl.append(el('dt', {}, label));
    values[key] = el('dd', { 'data-field': key }, '-');
    dl.append(values[key]);
  }
  root.append(dl);
  const chart = el('div', { class: 'chart' });
  root.append(chart);
  document.getElementById('cards').append(root);
  const plot = new uPlot({
    width: 360, height: 180, title: 'Latency (ms) and throughput',
    scales: { x: { time: true }, rps: { auto: true } },
    series: [{}, { label: 'p50', stroke: '#2e9d57', value: msValue },
      { label: 'p95', stroke: '#e0a000', value: msValue },
      { label: 'p99', stroke: '#b3261e', value: msValue },
      { label: 'rps', stroke: '#2457c5', scale: 'rps', value: (u, v) => v == null ? '–' : v.toFixed(1) }],
    axes: [{}, {}, { scale: 'rps', side: 1, grid: { show: false } }],
    // Off the chart, the legend shows the latest point's values, not "--".
    hooks: { setCursor: [(u) => { if (u.cursor.idx == null) showLatest(u); }] },
  }, [[], [], [], [], []], chart);
  // Points by time, kept here as snapshots come: the chart covers the whole visit, not only
  // the points the last snapshot carried.
  c = { root, values, plot, points: new Map() };
  cards.set(name, c);
  return c;
}
const MAX_POINTS = 4000;
const msValue = (u, v) => v == null ? '–' : v.toFixed(2) + ' ms';
function showLatest(u) {
  const n = u.data[0].length;
  if (n > 0) u.setLegend({ idx: n - 1 });
}
function plotHistory(c, history) {
  for (const p of history) c.points.set(p.t, p);
  const times = [...c.points.keys()].sort((a, b) => a - b);
  for (const t of times.slice(0, Math.max(0, times.length - MAX_POINTS))) c.points.delete(t);
  const h = times.slice(-MAX_POINTS).map(t => c.points.get(t));
  c.root.setAttribute('data-points', String(h.length));
  c.plot.setData([h.map(p => p.t / 1000), h.map(p => p.p50), h.map(p => p.p95),
    h.map(p => p.p99), h.map(p => p.requests_per_second)]);
  if (c.plot.cursor.idx == null) showLatest(c.plot);
}
// The monitor lists its report folders only once it has stopped: then the stream ends for good.
let finished = false;
function render(s) {
  finished = Object.keys(s.reports).length > 0;
  document.getElementById('updated').textContent = s.timestamp;
  for (const [name, m] of Object.entries(s.collectors)) {
    const c = card(name);
    const figures = Object.assign({}, m, {
      rps_1m: m.windows['1m'].requests_per_second, p95_1m: m.windows['1m'].latency_p95 });
    for (const [key, , kind] of FIELDS) {
      c.values[key].textContent = show(kind, figures[key]);
      c.values[key].setAttribute('data-value', String(figures[key]));
    }
    plotHistory(c, m.history);
  }
  const body = document.getElementById('alerts');
  body.replaceChildren();
  const rows = [...s.alerts.active, ...s.alerts.recent.filter(a => a.state === 'resolved').reverse()];
  for (const a of rows.slice(0, 50)) {
    const tr = el('tr', { class: a.state, 'data-alert-state': a.state, 'data-alert': a.alert });
    for (const v of [a.state, a.level, a.collector, a.message, a.pending_at, a.firing_at || '', a.resolved_at || '']) {
      tr.append(el('td', {}, v));
    }
    body.append(tr);
  }
  document.getElementById('no-alerts').hidden = rows.length > 0;
  const analysis = document.getElementById('analysis');
  analysis.replaceChildren();
  const analyses = Object.entries(s.analysis);
  if (analyses.length === 0) {
    analysis.append(el('li', { class: 'note' }, 'No analysis yet: the first comes after --analysis-every (default 30 s) once a collector has requests.'));
  }
  for (const [name, a] of analyses) {
    const failed = a.objectives.filter(o => !o.passed).map(o => o.message);
    analysis.append(el('li', { 'data-collector': name, 'data-risk': a.overall_risk },
      name + ': risk ' + a.overall_risk + ' (last ' + a.window + ', ' + a.at + ')' +
      (failed.length ? ' - ' + failed.join('; ') : '')));
  }
  const reports = document.getElementById('reports');
  reports.replaceChildren();
  const folders = Object.entries(s.reports);
  if (folders.length === 0) {
    reports.append(el('li', { class: 'note' }, 'Written when monitoring stops: one report folder per collector (' + Object.keys(s.collectors).join(', ') + '), listed here and in continuous_monitoring_data.json.'));
  }
  for (const [name, folder] of folders) reports.append(el('li', {}, name + ': ' + folder));
}
const status = document.getElementById('status');
fetch('/api/snapshot' + qs).then(r => r.json()).then(render).then(() => {
  const events = new EventSource('/events' + qs);
  events.onopen = () => { status.textContent = 'live'; status.className = 'live'; };
  events.onmessage = (e) => render(JSON.parse(e.data));
  events.onerror = () => {
    if (finished) { events.close(); status.textContent = 'stopped'; status.className = ''; return; }
    status.textContent = 'reconnecting'; status.className = '';
  };
});
for (const a of document.querySelectorAll('a[data-api]')) a.href = a.getAttribute('data-api') + qs;
`;

export function renderPage(nonce: string): string {
  const { js, css } = uplotAssets();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>perfsight monitor</title>
<link rel="icon" href="data:,">
<style>${css}${STYLE}</style>
</head><body>
<header><h1>perfsight monitor</h1><span id="updated"></span><span id="status">connecting</span></header>
<main>
<div id="cards"></div>
<section><h2>Alerts</h2><p id="no-alerts">No alerts.</p>
<table><thead><tr><th>State</th><th>Level</th><th>Collector</th><th>Message</th><th>Pending</th><th>Firing</th><th>Resolved</th></tr></thead>
<tbody id="alerts"></tbody></table></section>
<section><h2>Periodic analysis</h2><ul id="analysis"></ul></section>
<section><h2>Data</h2><ul>
<li><a data-api="/api/snapshot" href="/api/snapshot">/api/snapshot</a> — this page's data as JSON</li>
<li><a data-api="/metrics" href="/metrics">/metrics</a> — Prometheus exposition</li>
</ul><h3>Reports</h3><ul id="reports"></ul></section>
</main>
<script nonce="${nonce}">${js}</script>
<script nonce="${nonce}">${APP}</script>
</body></html>`;
}
