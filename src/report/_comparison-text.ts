import type { ComparedMetric, MetricComparison } from '../analysis/types.js';

/**
 * How a comparison's figures read, shared by comparison.md and comparison.html so the two
 * never disagree on a label, a rounding or a unit. Plain text; each renderer escapes it.
 */
export const METRIC_LABELS: Record<ComparedMetric, string> = {
  average_ms: 'Average latency',
  median_ms: 'Median latency',
  p95_ms: 'P95 latency',
  p99_ms: 'P99 latency',
  success_rate: 'Success rate',
  error_rate: 'Error rate',
  throughput_rps: 'Throughput',
};

export const metricLabel = (name: string): string => METRIC_LABELS[name as ComparedMetric] ?? name;

/** `digits` significant digits, without trailing zeros; '–' when there is no figure. */
export const sig = (v: number | null | undefined, digits = 4): string =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '–'
    : String(Number(v.toPrecision(digits)));

/** A p-value: tiny ones in exponent form, since "0" would overstate them. */
export const pValueText = (p: number | null | undefined): string =>
  p === null || p === undefined ? '–' : p < 1e-4 ? p.toExponential(1) : sig(p, 2);

/** A metric's figure in its unit (rates as percentages). */
export function metricValue(m: MetricComparison, v: number | null): string {
  if (v === null) return '–';
  if (m.unit === 'ms') return `${sig(v)} ms`;
  if (m.unit === 'rps') return `${sig(v)} rps`;
  return `${sig(v * 100)} %`;
}

/** The change's 95 % CI: a ratio range, or a difference in percentage points. */
export function metricCI(m: MetricComparison): string {
  if (m.ci_low === null || m.ci_high === null) return '–';
  return m.change_kind === 'ratio'
    ? `×${sig(m.ci_low, 3)} – ×${sig(m.ci_high, 3)}`
    : `${sig(m.ci_low * 100, 3)} – ${sig(m.ci_high * 100, 3)} pt`;
}
