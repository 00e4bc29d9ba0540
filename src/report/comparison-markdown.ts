import type { ComparisonReport, MetricComparison, Verdict } from '../analysis/types.js';

const VERDICT: Record<Verdict, string> = {
  improved: '✅ improved',
  regressed: '❌ regressed',
  unchanged: '➖ unchanged',
  within_noise: '〰️ within noise',
  insufficient_data: '❔ insufficient data',
};

const LABELS: Record<string, string> = {
  average_ms: 'Average latency',
  median_ms: 'Median latency',
  p95_ms: 'P95 latency',
  p99_ms: 'P99 latency',
  success_rate: 'Success rate',
  error_rate: 'Error rate',
  throughput_rps: 'Throughput',
};

/** Text from data, made safe inside a Markdown table cell or inline code. */
function cell(text: string): string {
  return text.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`).replace(/\n/g, ' ');
}

const num = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '–'
    : String(Number(v.toPrecision(digits)));
const p = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : v < 1e-4 ? v.toExponential(1) : num(v, 2);

function value(m: MetricComparison, v: number | null): string {
  if (v === null) return '–';
  if (m.unit === 'ms') return `${num(v, 4)} ms`;
  if (m.unit === 'rps') return `${num(v, 4)} rps`;
  return `${num(v * 100, 4)} %`;
}

function change(m: MetricComparison): string {
  if (m.change_ratio === null) return '–';
  return m.change_kind === 'ratio'
    ? `×${num(m.change_ratio)}`
    : `${m.change_ratio >= 0 ? '+' : ''}${num(m.change_ratio * 100)} pt`;
}

function ci(m: MetricComparison): string {
  if (m.ci_low === null || m.ci_high === null) return '–';
  return m.change_kind === 'ratio'
    ? `×${num(m.ci_low)} – ×${num(m.ci_high)}`
    : `${num(m.ci_low * 100)} – ${num(m.ci_high * 100)} pt`;
}

/** `comparison.md`: verdict first, then the table — fit for a CI job summary or a PR comment. */
export function renderComparisonMarkdown(report: ComparisonReport): string {
  const d = report.latency_distribution;
  const lines = [
    `## perfsight comparison: ${VERDICT[report.overall_verdict]}`,
    '',
    `Baseline **${cell(report.baseline_test)}** → current **${cell(report.current_test)}** · α = ${report.alpha} · noise ±${num(report.noise_threshold * 100)} %`,
    '',
    d.verdict === 'insufficient_data'
      ? `Latency distribution: ${VERDICT.insufficient_data} (${d.baseline_samples} vs ${d.current_samples} samples)`
      : `Latency distribution: ${VERDICT[d.verdict]} — Hodges–Lehmann shift ×${num(d.hodges_lehmann_ratio)} (95 % CI ×${num(d.ci_low)} – ×${num(d.ci_high)}), Mann–Whitney U = ${num(d.mann_whitney_u, 8)}, p = ${p(d.p_value)} (${d.baseline_samples} vs ${d.current_samples} samples, ${d.method === 'exact_samples' ? 'every sample' : 'histogram buckets'})`,
    '',
    '| Metric | Baseline | Current | Change | 95 % CI | p | Verdict |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const [name, m] of Object.entries(report.metrics)) {
    lines.push(
      `| ${LABELS[name] ?? name} | ${value(m, m.baseline)} | ${value(m, m.current)} | ${change(m)} | ${ci(m)} | ${p(m.p_value)} | ${VERDICT[m.verdict]} |`,
    );
  }
  lines.push(
    '',
    `Improved or regressed only when p < α and the whole 95 % CI lies beyond the noise band; significant but inside it is "within noise".`,
  );
  return lines.join('\n') + '\n';
}
