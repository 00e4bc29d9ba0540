import type { AlertsReport, AnalysisReport } from '../../analysis/types.js';
import { alertsSection, analysisSections } from './_analysis.js';
import { answeredBy } from './_sources.js';
import { httpSection } from './_http.js';
import { shardsSection } from './_shards.js';
import type { DetailedReport, LatencyMetrics, SummaryReport } from '../../model/index.js';
import { whereTheTimeGoes } from './_model-profile.js';
import {
  fineHistogramChart,
  histogramOf,
  latencyOverTimeChart,
  percentileCurveChart,
  observedLatencies,
  resourceCharts,
  seedBinsChart,
  throughputChart,
} from './_charts.js';
import { chartFigure, renderPage, type ChartSpec } from './_page.js';
import {
  RATING_LABEL,
  escapeHtml,
  figure,
  formatCount,
  formatMs,
  formatNumber,
  formatPercent,
  formatRps,
  rateP95,
  rateSuccess,
  ratingLegend,
  type Rating,
} from './_text.js';
import { RATINGS } from '../../model/thresholds.js';

/**
 * What report.html shows: the detailed report, and the analysis stage's output when present.
 * A summary report (the seed's `generate_summary_html` takes one) gives the same page
 * without the distribution and timeline charts, which only a detailed report holds.
 */
export interface ReportHtmlInput {
  detailed: DetailedReport | SummaryReport;
  analysis?: AnalysisReport | undefined;
  alerts?: AlertsReport | undefined;
}

/**
 * `report.html`: one self-contained page (inline CSS, uPlot and data; no network request).
 * A view over the report model: every figure is a number of summary.json, formatted; the
 * charts draw the detailed report's distributions and timelines. Pure.
 */
export function renderReportHtml(input: ReportHtmlInput): string {
  const { detailed: r, analysis, alerts } = input;
  const charts: ChartSpec[] = [];
  const sections = [
    header(r),
    analysis ? verdict(analysis) : '',
    summaryCards(r),
    answeredBy(r),
    detailsTable(r),
    isDetailed(r) ? distribution(r, charts) : summaryOnly(r),
    isDetailed(r) ? timelines(r, charts) : '',
    isDetailed(r) && r.model_profile ? whereTheTimeGoes(r.model_profile, charts) : '',
    breakdown(r),
    httpSection(r),
    shardsSection(r),
    analysis ? analysisSections(analysis) : '',
    alerts ? alertsSection(alerts) : '',
    metadata(r),
  ];
  return renderPage(`Performance Test Report — ${r.test_name}`, sections.join('\n'), charts);
}

function isDetailed(r: DetailedReport | SummaryReport): r is DetailedReport {
  return r.report_type === 'detailed' && 'latency_distribution' in r;
}

/** In place of the distribution and timelines, which a summary report does not hold. */
function summaryOnly(r: SummaryReport): string {
  const l = r.latency_metrics;
  return `<section class="section" aria-labelledby="dist-h">
<h2 id="dist-h">Latency Distribution</h2>
<p>Average Latency: ${figure('latency_metrics.average_ms', formatMs(l.average_ms))}</p>
<p>Standard Deviation: ${figure('latency_metrics.std_dev_ms', formatMs(l.std_dev_ms))}</p>
<p>Min Latency: ${figure('latency_metrics.min_ms', formatMs(l.min_ms))}</p>
<p>Max Latency: ${figure('latency_metrics.max_ms', formatMs(l.max_ms))}</p>
<p class="note">Made from a summary report: the latency distribution and the timelines are left out (a detailed report holds them — generateDetailedReport, or detailed.json).</p>
</section>`;
}

function header(r: SummaryReport): string {
  return `<header class="header">
<h1>Performance Test Report</h1>
<h2>${escapeHtml(r.test_name || 'Unknown Test')}</h2>
${r.test_description ? `<p>${escapeHtml(r.test_description)}</p>` : ''}
<p>Generated: <time datetime="${escapeHtml(r.generated_at)}">${escapeHtml(r.generated_at)}</time></p>
<p>Test Duration: ${figure('test_duration_seconds', `${formatNumber(r.test_duration_seconds, 1)} seconds`)}${r.interrupted ? ' <strong>(interrupted: the figures cover what ran until then)</strong>' : ''}</p>
</header>`;
}

function verdict(a: AnalysisReport): string {
  const passed = a.objectives.filter((o) => o.passed).length;
  const cls = a.objectives_met ? 'good' : 'bad';
  return `<section class="section" aria-labelledby="verdict-h">
<h2 id="verdict-h">Verdict: <span class="${cls}">${a.objectives_met ? 'PASS' : 'FAIL'}</span></h2>
<p>${passed} of ${a.objectives.length} objectives met · overall risk: <strong>${escapeHtml(a.risk_assessment.overall_risk.toUpperCase())}</strong></p>
</section>`;
}

function card(key: string, value: string, label: string, rating?: Rating): string {
  const badge = rating ? `<div class="rating ${rating}">${RATING_LABEL[rating]}</div>` : '';
  return `<div class="metric-card"><div class="metric-value${rating ? ` ${rating}` : ''}">${figure(key, value)}</div><div class="metric-label">${escapeHtml(label)}</div>${badge}</div>`;
}

function summaryCards(r: SummaryReport): string {
  const s = r.performance_summary;
  const l = r.latency_metrics;
  const model = r.latency_by_source?.model;
  // The P95 is rated only when it is the model's own: answers from a cache or a fallback
  // in it would make a "Good" that says nothing about the model.
  const allModel = !model || model.count === s.successful_requests;
  const modelCard = allModel
    ? ''
    : card(
        'latency_by_source.model.latency.p95_ms',
        formatMs(model.latency?.p95_ms),
        model.count === 0 ? 'Model P95 (the model answered no call)' : 'Model P95 Latency',
        model.latency ? rateP95(model.latency.p95_ms) : 'bad',
      );
  return `<section class="section" aria-labelledby="summary-h">
<h2 id="summary-h">Performance Summary</h2>
<div class="metric-grid">
${card('performance_summary.success_rate', formatPercent(s.success_rate), 'Success Rate', rateSuccess(s.success_rate))}
${card('performance_summary.throughput_rps', formatRps(s.throughput_rps), 'Requests/Second')}
${card('latency_metrics.p95_ms', formatMs(l.p95_ms), allModel ? 'P95 Latency' : 'P95 Latency (all answers)', allModel ? rateP95(l.p95_ms) : undefined)}
${modelCard}
${card('latency_metrics.average_ms', formatMs(l.average_ms), 'Avg Latency')}
</div>
<p class="note">${ratingLegend('Success rate', RATINGS.success)} ${ratingLegend('P95', RATINGS.p95)}</p>
</section>`;
}

/**
 * `unit`: what the shown value does not already say ("MB", "% of one core"…); empty when its
 * text carries its unit ("12.34 ms", "99.00 %"), so no unit is said twice or wrongly.
 */
function row(label: string, key: string, text: string, unit = ''): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td class="num">${figure(key, text)}</td><td>${escapeHtml(unit)}</td></tr>`;
}

function latencyRows(prefix: string, l: LatencyMetrics, title: string): string[] {
  const names: Array<[keyof LatencyMetrics, string]> = [
    ['average_ms', 'Average'],
    ['median_ms', 'Median (P50)'],
    ['p90_ms', 'P90'],
    ['p95_ms', 'P95'],
    ['p99_ms', 'P99'],
    ['p999_ms', 'P99.9'],
    ['min_ms', 'Min'],
    ['max_ms', 'Max'],
    ['std_dev_ms', 'Standard deviation'],
  ];
  return names.map(([k, name]) => row(`${title} ${name}`, `${prefix}.${k}`, formatMs(l[k])));
}

function detailsTable(r: SummaryReport): string {
  const s = r.performance_summary;
  const o = r.optimization_metrics;
  const res = r.resource_metrics;
  const rows = [
    row(
      'Total Requests',
      'performance_summary.total_requests',
      formatCount(s.total_requests),
      'requests',
    ),
    row(
      'Successful Requests',
      'performance_summary.successful_requests',
      formatCount(s.successful_requests),
      'requests',
    ),
    row(
      'Failed Requests',
      'performance_summary.failed_requests',
      formatCount(s.failed_requests),
      'requests',
    ),
    row('Error Rate', 'performance_summary.error_rate', formatPercent(s.error_rate)),
    ...latencyRows('latency_metrics', r.latency_metrics, 'Latency'),
    row('Cache Hit Rate', 'optimization_metrics.cache_hit_rate', formatPercent(o.cache_hit_rate)),
    row(
      'Fallback Usage Rate',
      'optimization_metrics.fallback_usage_rate',
      formatPercent(o.fallback_usage_rate),
    ),
  ];
  if (res) {
    rows.push(
      row(
        'Avg CPU Usage',
        'resource_metrics.avg_cpu_percent',
        formatNumber(res.avg_cpu_percent, 1),
        '% of one core',
      ),
      row(
        'Max CPU Usage',
        'resource_metrics.max_cpu_percent',
        formatNumber(res.max_cpu_percent, 1),
        '% of one core',
      ),
      row(
        'Avg Memory Usage',
        'resource_metrics.avg_memory_mb',
        formatNumber(res.avg_memory_mb, 1),
        'MB',
      ),
      row(
        'Max Memory Usage',
        'resource_metrics.max_memory_mb',
        formatNumber(res.max_memory_mb, 1),
        'MB',
      ),
      row(
        'Max Event-loop Delay',
        'resource_metrics.max_event_loop_delay_ms',
        formatMs(res.max_event_loop_delay_ms),
      ),
    );
    // What the workload added (the analysis judges this), and how it grew; absent from
    // reports written before they were measured.
    const memoryRows: Array<[string, keyof typeof res]> = [
      ['Memory Before Setup', 'baseline_memory_mb'],
      ['Workload Memory (peak above it)', 'workload_memory_mb'],
      ['Memory Growth During Run', 'memory_growth_mb'],
    ];
    for (const [label, key] of memoryRows) {
      const value = res[key];
      if (typeof value === 'number') {
        rows.push(row(label, `resource_metrics.${key}`, formatNumber(value, 1), 'MB'));
      }
    }
  }
  if (r.failed_latency_metrics)
    rows.push(
      ...latencyRows('failed_latency_metrics', r.failed_latency_metrics, 'Failed-call latency'),
    );
  if (r.uncorrected_latency_metrics)
    rows.push(
      ...latencyRows(
        'uncorrected_latency_metrics',
        r.uncorrected_latency_metrics,
        'Uncorrected latency',
      ),
    );
  return `<section class="section" aria-labelledby="details-h">
<h2 id="details-h">Detailed Metrics</h2>
${res ? '' : '<p class="note">Resources were not measured (samples read from a file).</p>'}
${r.uncorrected_latency_metrics ? '<p class="note">Open loop: latency counts from each call’s intended start (coordinated omission corrected); “uncorrected” counts from its actual start.</p>' : ''}
<div class="table-wrap"><table>
<caption class="note">Percentile method: ${escapeHtml(r.percentile_method)}</caption>
<thead><tr><th scope="col">Metric</th><th scope="col" class="num">Value</th><th scope="col">Unit</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>
</section>`;
}

function distribution(r: DetailedReport, charts: ChartSpec[]): string {
  const l = r.latency_metrics;
  const d = r.latency_distribution;
  const seed = seedBinsChart(r);
  charts.push(seed);
  const figures = [
    chartFigure(
      seed,
      'Successful requests per latency bin of the seed (0, 10, 20, 50, 100, 200, 500, 1000+ ms).',
    ),
  ];
  const counts = histogramOf(r);
  if (counts) {
    const fine = fineHistogramChart(counts);
    const curve = percentileCurveChart([
      { label: 'latency', counts, color: '#3f6fb5', observed: observedLatencies(r) },
    ]);
    charts.push(fine, curve);
    figures.push(
      chartFigure(fine, 'From the HDR histogram in detailed.json (3 significant digits).'),
      chartFigure(
        curve,
        'Latency at each percentile, from the HDR histogram; each extra nine gets the same width.',
      ),
    );
  }
  const binRows = d.bins.map((edge, i) => {
    const next = d.bins[i + 1];
    const label = next === undefined ? `≥ ${edge} ms` : `${edge} – ${next} ms`;
    return `<tr><th scope="row">${escapeHtml(label)}</th><td class="num">${formatCount(d.counts[i])}</td></tr>`;
  });
  return `<section class="section" aria-labelledby="dist-h">
<h2 id="dist-h">Latency Distribution</h2>
<p>Average Latency: ${figure('latency_metrics.average_ms', formatMs(l.average_ms))}</p>
<p>Standard Deviation: ${figure('latency_metrics.std_dev_ms', formatMs(l.std_dev_ms))}</p>
<p>Min Latency: ${figure('latency_metrics.min_ms', formatMs(l.min_ms))}</p>
<p>Max Latency: ${figure('latency_metrics.max_ms', formatMs(l.max_ms))}</p>
<div class="charts">${figures.join('\n')}</div>
<div class="table-wrap"><table><caption class="note">Successful requests per seed bin</caption>
<thead><tr><th scope="col">Latency</th><th scope="col" class="num">Requests</th></tr></thead>
<tbody>${binRows.join('')}</tbody></table></div>
</section>`;
}

function timelines(r: DetailedReport, charts: ChartSpec[]): string {
  const figures: string[] = [];
  if (r.throughput_timeline.length > 0) {
    const latency = latencyOverTimeChart(r);
    const throughput = throughputChart(r);
    charts.push(latency, throughput);
    figures.push(
      chartFigure(
        latency,
        `${r.throughput_timeline.length} intervals; percentiles of each interval from its histogram.`,
      ),
      chartFigure(throughput, 'Requests and failures completed per second in each interval.'),
    );
  }
  if (r.resource_usage_timeline.length > 0) {
    for (const chart of resourceCharts(r)) {
      charts.push(chart);
      figures.push(chartFigure(chart, 'Sampled on a timer beside the run, never inside a call.'));
    }
  }
  const empty =
    figures.length === 0
      ? '<p class="note">No timeline: the samples carried no timestamps and resources were not measured.</p>'
      : r.resource_usage_timeline.length === 0
        ? '<p class="note">Resources (CPU, memory, event-loop delay) were not measured for this run.</p>'
        : '';
  return `<section class="section" aria-labelledby="time-h">
<h2 id="time-h">Over Time</h2>
${empty}
<div class="charts">${figures.join('\n')}</div>
</section>`;
}

function barRow(label: string, count: number, total: number, rateText: string): string {
  const width = total > 0 ? Math.round((count / total) * 200) : 0;
  return `<tr><th scope="row">${escapeHtml(label)}</th><td class="num">${formatCount(count)}</td><td class="num">${escapeHtml(rateText)}</td><td aria-hidden="true"><span class="bar" style="width:${width}px"></span></td></tr>`;
}

function breakdown(r: SummaryReport): string {
  const s = r.performance_summary;
  const o = r.optimization_metrics;
  const lookups = o.cache_hits + o.cache_misses;
  const rows = [
    barRow('Cache hits', o.cache_hits, lookups, formatPercent(o.cache_hit_rate)),
    barRow(
      'Cache misses',
      o.cache_misses,
      lookups,
      lookups ? formatPercent(o.cache_misses / lookups) : '–',
    ),
    barRow(
      'Fallback used',
      o.fallback_uses,
      s.total_requests,
      formatPercent(o.fallback_usage_rate),
    ),
    barRow('Failed requests', s.failed_requests, s.total_requests, formatPercent(s.error_rate)),
  ];
  const errors = Object.entries(r.error_analysis.error_counts)
    .sort((a, b) => b[1] - a[1])
    .map(([type, count]) =>
      barRow(
        type,
        count,
        s.failed_requests,
        s.failed_requests ? formatPercent(count / s.failed_requests) : '–',
      ),
    );
  // Why the workload itself did not answer the calls the fallback answered (not errors).
  const reasons = Object.entries(r.error_analysis.fallback_reasons ?? {})
    .sort((a, b) => b[1] - a[1])
    .map(([reason, count]) =>
      barRow(
        reason,
        count,
        o.fallback_uses,
        o.fallback_uses ? formatPercent(count / o.fallback_uses) : '–',
      ),
    );
  const reasonTable = reasons.length
    ? `<h3>Why the fallback answered</h3><div class="table-wrap"><table><thead><tr><th scope="col">Reason</th><th scope="col" class="num">Count</th><th scope="col" class="num">Share of fallback answers</th><th scope="col">Share</th></tr></thead><tbody>${reasons.join('')}</tbody></table></div>`
    : '';
  return `<section class="section" aria-labelledby="breakdown-h">
<h2 id="breakdown-h">Cache, Fallback and Errors</h2>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Outcome</th><th scope="col" class="num">Count</th><th scope="col" class="num">Rate</th><th scope="col">Share</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>
${
  errors.length
    ? `<h3>Errors by type</h3><div class="table-wrap"><table><thead><tr><th scope="col">Error type</th><th scope="col" class="num">Count</th><th scope="col" class="num">Share of failures</th><th scope="col">Share</th></tr></thead><tbody>${errors.join('')}</tbody></table></div>`
    : '<p>No errors.</p>'
}
${reasonTable}
</section>`;
}

function metaList(values: Record<string, unknown>): string {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) return '<p class="note">None recorded.</p>';
  return `<dl class="meta">${entries
    .map(
      ([k, v]) =>
        `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))}</dd>`,
    )
    .join('')}</dl>`;
}

function metadata(r: SummaryReport): string {
  return `<section class="section" aria-labelledby="meta-h"><h2 id="meta-h">Run Metadata</h2>
<dl class="meta">
<dt>Started</dt><dd>${escapeHtml(r.started_at)}</dd>
<dt>Ended</dt><dd>${escapeHtml(r.ended_at)}</dd>
<dt>Percentile method</dt><dd>${escapeHtml(r.percentile_method === 'exact_linear' ? 'exact_linear: numpy linear over every latency' : `${r.percentile_method}: from the HDR histogram, 3 significant digits`)}</dd>
<dt>Schema version</dt><dd>${escapeHtml(r.schema_version)}</dd>
</dl>
<h3>Configuration</h3>${metaList(r.configuration)}
<h3>Workload</h3>${metaList(r.workload)}
<h3>Environment</h3>${metaList(r.environment as unknown as Record<string, unknown>)}
</section>`;
}
