import { markdownText } from '../neutralise/index.js';
import type { ComparisonReport, MetricComparison, Verdict } from '../analysis/types.js';
import { metricCI, metricLabel, metricValue, pValueText, sig } from './_comparison-text.js';

const VERDICT: Record<Verdict, string> = {
  improved: '✅ improved',
  regressed: '❌ regressed',
  unchanged: '➖ unchanged',
  within_noise: '〰️ within noise',
  insufficient_data: '❔ insufficient data',
};

/** Text from data, safe in a Markdown table cell (no markup, no mention, no table break). */
const cell = markdownText;

function change(m: MetricComparison): string {
  if (m.change_ratio === null) return '–';
  return m.change_kind === 'ratio'
    ? `×${sig(m.change_ratio, 3)}`
    : `${m.change_ratio >= 0 ? '+' : ''}${sig(m.change_ratio * 100, 3)} pt`;
}

/** `comparison.md`: verdict first, then the table — fit for a CI job summary or a PR comment. */
export function renderComparisonMarkdown(report: ComparisonReport): string {
  const d = report.latency_distribution;
  const lines = [
    `## perfsight comparison: ${VERDICT[report.overall_verdict]}`,
    '',
    `Baseline **${cell(report.baseline_test)}** → current **${cell(report.current_test)}** · α = ${report.alpha} · noise ±${sig(report.noise_threshold * 100, 3)} %`,
    '',
    d.verdict === 'insufficient_data'
      ? `Latency distribution: ${VERDICT.insufficient_data} (${d.baseline_samples} vs ${d.current_samples} samples)`
      : `Latency distribution: ${VERDICT[d.verdict]} — Hodges–Lehmann shift ×${sig(d.hodges_lehmann_ratio, 3)} (95 % CI ×${sig(d.ci_low, 3)} – ×${sig(d.ci_high, 3)}), Mann–Whitney U = ${sig(d.mann_whitney_u, 8)}, p = ${pValueText(d.p_value)} (${d.baseline_samples} vs ${d.current_samples} samples, ${d.method === 'exact_samples' ? 'every sample' : 'histogram buckets'})`,
    '',
    '| Metric | Baseline | Current | Change | 95 % CI | p | Verdict |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const [name, m] of Object.entries(report.metrics)) {
    lines.push(
      `| ${metricLabel(name)} | ${metricValue(m, m.baseline)} | ${metricValue(m, m.current)} | ${change(m)} | ${metricCI(m)} | ${pValueText(m.p_value)} | ${VERDICT[m.verdict]} |`,
    );
  }
  lines.push(
    '',
    `Improved or regressed only when p < α and the whole 95 % CI lies beyond the noise band; significant but inside it is "within noise".`,
  );
  return lines.join('\n') + '\n';
}
