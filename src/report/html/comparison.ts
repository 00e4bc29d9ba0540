import type { ComparisonReport, MetricComparison, Verdict } from '../../analysis/types.js';
import type { DetailedReport } from '../../model/index.js';
import { histogramOf, observedLatencies, percentileCurveChart } from './_charts.js';
import { chartFigure, renderPage, round4, type ChartSpec } from './_page.js';
import { escapeHtml, formatNumber } from './_text.js';
import { metricCI, metricLabel, metricValue, pValueText, sig } from '../_comparison-text.js';

export interface ComparisonHtmlInput {
  comparison: ComparisonReport;
  /** The two runs' detailed reports: with them the page overlays their distributions. */
  baseline?: DetailedReport | undefined;
  current?: DetailedReport | undefined;
}

const VERDICT_TEXT: Record<Verdict, string> = {
  improved: 'IMPROVED',
  regressed: 'REGRESSED',
  unchanged: 'UNCHANGED',
  within_noise: 'WITHIN NOISE',
  insufficient_data: 'INSUFFICIENT DATA',
};

const VERDICT_CLASS: Record<Verdict, string> = {
  improved: 'improvement',
  regressed: 'regression',
  unchanged: 'unchanged',
  within_noise: 'unchanged',
  insufficient_data: 'unchanged',
};

function verdictBadge(v: Verdict): string {
  return `<strong class="${VERDICT_CLASS[v]}">${VERDICT_TEXT[v]}</strong>`;
}

function change(m: MetricComparison): string {
  if (m.change_ratio === null) return '–';
  return m.change_kind === 'ratio'
    ? `×${sig(m.change_ratio)} (${m.change_ratio >= 1 ? '+' : ''}${formatNumber((m.change_ratio - 1) * 100, 1)} %)`
    : `${m.change_ratio >= 0 ? '+' : ''}${sig(m.change_ratio * 100, 3)} pt`;
}

function metricTable(metrics: Partial<Record<string, MetricComparison>>, empty: string): string {
  const entries = Object.entries(metrics).filter((e): e is [string, MetricComparison] => !!e[1]);
  if (entries.length === 0) return `<p>${escapeHtml(empty)}</p>`;
  return `<div class="table-wrap"><table><thead><tr><th scope="col">Metric</th><th scope="col" class="num">Baseline</th><th scope="col" class="num">Current</th><th scope="col" class="num">Change</th><th scope="col" class="num">95 % CI</th><th scope="col" class="num">p</th><th scope="col">Verdict</th></tr></thead><tbody>${entries
    .map(
      ([name, m]) =>
        `<tr><th scope="row">${escapeHtml(metricLabel(name))}</th><td class="num">${escapeHtml(metricValue(m, m.baseline))}</td><td class="num">${escapeHtml(metricValue(m, m.current))}</td><td class="num">${escapeHtml(change(m))}</td><td class="num">${escapeHtml(metricCI(m))}</td><td class="num">${escapeHtml(pValueText(m.p_value))}</td><td>${verdictBadge(m.verdict)}</td></tr>`,
    )
    .join('')}</tbody></table></div>`;
}

/** Both runs' fine histograms on one log axis, as shares of each run (runs differ in size). */
function overlaidHistogram(
  baseline: NonNullable<ReturnType<typeof histogramOf>>,
  current: NonNullable<ReturnType<typeof histogramOf>>,
): ChartSpec {
  const perDecade = 20;
  const shares = (counts: typeof baseline) => {
    const bins = new Map<number, number>();
    counts.forEachNonZero((micros, count) => {
      const bin = Math.floor(Math.log10(Math.max(micros, 1) / 1000) * perDecade);
      bins.set(bin, (bins.get(bin) ?? 0) + count / counts.totalCount);
    });
    return bins;
  };
  const a = shares(baseline);
  const b = shares(current);
  const keys = [...a.keys(), ...b.keys()];
  const first = Math.min(...keys);
  const last = Math.max(...keys);
  const x: number[] = [];
  const va: number[] = [];
  const vb: number[] = [];
  for (let k = first; k <= last; k++) {
    x.push(round4(10 ** ((k + 0.5) / perDecade)));
    va.push(round4((a.get(k) ?? 0) * 100));
    vb.push(round4((b.get(k) ?? 0) * 100));
  }
  return {
    id: 'chart-overlaid-histogram',
    title: 'Latency distributions, baseline vs current',
    x,
    series: [
      { label: 'baseline %', values: va, color: '#3f6fb5' },
      { label: 'current %', values: vb, color: '#d9822b' },
    ],
    xLabel: 'latency (ms)',
    yLabel: '% of requests',
    xLog: true,
    legendAt: 'peak',
  };
}

/**
 * `comparison.html`: baseline vs current — the verdict, per-metric verdicts with CIs and
 * p-values, the seed's improvements / regressions / unchanged sections (plus within noise
 * and insufficient data), and overlaid distributions when the runs' reports are given. Pure.
 */
export function renderComparisonHtml(input: ComparisonHtmlInput): string {
  const c = input.comparison;
  const d = c.latency_distribution;
  const charts: ChartSpec[] = [];
  const figures: string[] = [];
  const base = input.baseline ? histogramOf(input.baseline) : null;
  const curr = input.current ? histogramOf(input.current) : null;
  if (base && curr && input.baseline && input.current) {
    const hist = overlaidHistogram(base, curr);
    const curve = percentileCurveChart([
      {
        label: 'baseline',
        counts: base,
        color: '#3f6fb5',
        observed: observedLatencies(input.baseline),
      },
      {
        label: 'current',
        counts: curr,
        color: '#d9822b',
        observed: observedLatencies(input.current),
      },
    ]);
    curve.id = 'chart-overlaid-percentiles';
    curve.title = 'Percentile curves, baseline vs current';
    charts.push(hist, curve);
    figures.push(
      chartFigure(
        hist,
        'Share of each run’s successful requests per log-spaced latency bin (HDR histograms).',
      ),
      chartFigure(curve, 'Latency at p0 … p99.99 of each run (HDR histograms).'),
    );
  }
  // The verdict sections list the metrics; the distribution's own verdict is named in the
  // section it belongs to, so "Verdict: WITHIN NOISE" never meets an empty "Within Noise".
  const verdictSection = (
    id: string,
    title: string,
    metrics: Partial<Record<string, MetricComparison>>,
    verdict: Verdict,
    empty: string,
  ) => {
    const listed = Object.values(metrics).some(Boolean);
    const distribution =
      d.verdict === verdict && d.hodges_lehmann_ratio !== null
        ? `<p>The latency distribution as a whole: ${verdictBadge(verdict)}, Hodges–Lehmann shift ×${escapeHtml(sig(d.hodges_lehmann_ratio))} (see above).</p>`
        : '';
    return `<section class="section" aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${distribution}${listed || !distribution ? metricTable(metrics, empty) : ''}</section>`;
  };
  const body = `<header class="header">
<h1>Performance Comparison Report</h1>
<h2>${escapeHtml(c.baseline_test)} vs ${escapeHtml(c.current_test)}</h2>
<p>Generated: <time datetime="${escapeHtml(c.generated_at)}">${escapeHtml(c.generated_at)}</time></p>
</header>
<section class="section" aria-labelledby="verdict-h">
<h2 id="verdict-h">Verdict: ${verdictBadge(c.overall_verdict)}</h2>
<p>α = ${escapeHtml(c.alpha)} · noise band ±${escapeHtml(sig(c.noise_threshold * 100, 3))} %. Improved or regressed only when p &lt; α and the whole 95 % CI lies beyond the noise band; significant but inside it is “within noise”.</p>
<h3>Latency distribution</h3>
<p>${verdictBadge(d.verdict)} — Hodges–Lehmann shift ${escapeHtml(d.hodges_lehmann_ratio === null ? '–' : `×${sig(d.hodges_lehmann_ratio)}`)} (95 % CI ${escapeHtml(d.ci_low === null ? '–' : `×${sig(d.ci_low)}`)} – ${escapeHtml(d.ci_high === null ? '–' : `×${sig(d.ci_high)}`)}), Mann–Whitney U = ${escapeHtml(sig(d.mann_whitney_u, 8))}, p = ${escapeHtml(pValueText(d.p_value))}; ${escapeHtml(d.baseline_samples)} vs ${escapeHtml(d.current_samples)} samples (${d.method === 'exact_samples' ? 'every sample' : 'histogram buckets'}).</p>
${figures.length ? `<div class="charts">${figures.join('\n')}</div>` : '<p class="note">Distributions not shown: the runs’ detailed reports were not given.</p>'}
</section>
<section class="section" aria-labelledby="all-h"><h2 id="all-h">All metrics</h2>${metricTable(c.metrics, 'No metrics.')}</section>
${verdictSection('imp-h', 'Improvements', c.improvements, 'improved', 'No improvements detected.')}
${verdictSection('reg-h', 'Regressions', c.regressions, 'regressed', 'No regressions detected.')}
${verdictSection('unch-h', 'Unchanged Metrics', c.unchanged, 'unchanged', 'No unchanged metrics.')}
${verdictSection('noise-h', 'Within Noise', c.within_noise, 'within_noise', 'No changes within the noise band.')}
<section class="section" aria-labelledby="insuf-h"><h2 id="insuf-h">Insufficient Data</h2>${metricTable(c.insufficient_data, 'Every metric had enough data.')}</section>`;
  return renderPage(
    `Performance Comparison — ${c.baseline_test} vs ${c.current_test}`,
    body,
    charts,
  );
}
