/**
 * `ReportGenerator.generateComparisonReport(baseline, current)`: the seed's comparison of two
 * reports, in its sections (`improvements`, `regressions`, `unchanged`) and percent fields.
 *
 * Two methods, and the report says which it used:
 * - `statistics` when both sides carry a distribution (detailed reports, or runs loaded from
 *   report folders): exactly `perfsight compare`'s comparison (Mann–Whitney, bootstrap and
 *   Newcombe CIs, noise band), each metric also given the seed's percent fields.
 * - `seed_percent` for summary reports, which hold figures only: the seed's bare 1 % band,
 *   with no significance. Unlike the seed, direction is per metric (a higher error rate is
 *   never an improvement) and a metric whose baseline is 0 is still compared.
 */
import {
  compareRuns,
  comparableRunOf,
  type ComparableRun,
  type CompareOptions,
} from '../analysis/compare/index.js';
import type {
  ComparedMetric,
  ComparisonReport,
  MetricComparison,
  Verdict,
} from '../analysis/types.js';
import { SCHEMA_VERSION, type DetailedReport, type SummaryReport } from '../model/index.js';

/** The seed's percent fields: signed change, and its size in the section it landed in. */
export interface SeedPercentFields {
  /** (current − baseline) / baseline × 100; null when the baseline is 0 and current is not. */
  change_percent: number | null;
  improvement_percent?: number | null;
  regression_percent?: number | null;
}

/** One metric compared the seed's way. */
export interface SeedMetricChange extends SeedPercentFields {
  baseline: number;
  current: number;
  unit: string;
}

/** Summary reports: the seed's figures and sections, a 1 % band, no statistics. */
export interface SeedPercentComparison {
  schema_version: number;
  report_type: 'comparison';
  method: 'seed_percent';
  baseline_test: string;
  current_test: string;
  generated_at: string;
  /** The seed's band: a change smaller than this (relative) is `unchanged`. */
  noise_threshold: number;
  improvements: Record<string, SeedMetricChange>;
  regressions: Record<string, SeedMetricChange>;
  unchanged: Record<string, SeedMetricChange>;
  /** Metrics one of the reports does not have (throughput of untimed samples). */
  not_compared: string[];
  note: string;
}

type Sections<T> = Partial<Record<ComparedMetric, T>>;

/** Detailed reports or report folders: `perfsight compare`'s report, with percent fields. */
export interface StatisticalComparison extends ComparisonReport {
  method: 'statistics';
  metrics: Record<ComparedMetric, MetricComparison & SeedPercentFields>;
  improvements: Sections<MetricComparison & SeedPercentFields>;
  regressions: Sections<MetricComparison & SeedPercentFields>;
  unchanged: Sections<MetricComparison & SeedPercentFields>;
  within_noise: Sections<MetricComparison & SeedPercentFields>;
  insufficient_data: Sections<MetricComparison & SeedPercentFields>;
}

export type ReportComparison = SeedPercentComparison | StatisticalComparison;

/** What can be compared: a report (summary or detailed) or a run loaded from a folder. */
export type ComparableInput = SummaryReport | DetailedReport | ComparableRun;

/** The seed's band. */
const SEED_BAND_PERCENT = 1;

/** The seed's metrics, with its keys and units; `higherIsBetter` is per metric. */
const SEED_METRICS: ReadonlyArray<{
  key: string;
  unit: string;
  higherIsBetter: boolean;
  value: (r: SummaryReport) => number | null | undefined;
}> = [
  {
    key: 'success_rate',
    unit: 'ratio',
    higherIsBetter: true,
    value: (r) => r.performance_summary?.success_rate,
  },
  {
    key: 'throughput_rps',
    unit: 'RPS',
    higherIsBetter: true,
    value: (r) => r.performance_summary?.throughput_rps,
  },
  {
    key: 'error_rate',
    unit: 'ratio',
    higherIsBetter: false,
    value: (r) => r.performance_summary?.error_rate,
  },
  {
    key: 'latency_average_ms',
    unit: 'ms',
    higherIsBetter: false,
    value: (r) => r.latency_metrics?.average_ms,
  },
  {
    key: 'latency_p95_ms',
    unit: 'ms',
    higherIsBetter: false,
    value: (r) => r.latency_metrics?.p95_ms,
  },
  {
    key: 'latency_p99_ms',
    unit: 'ms',
    higherIsBetter: false,
    value: (r) => r.latency_metrics?.p99_ms,
  },
];

/** Signed percent change; null when the baseline is 0 and the current is not. */
function percentChange(baseline: number, current: number): number | null {
  if (baseline === 0) return current === 0 ? 0 : null;
  return ((current - baseline) / Math.abs(baseline)) * 100;
}

/** The seed's comparison of two summary reports (see the file's comment). Pure. */
export function compareSummaries(
  baseline: SummaryReport,
  current: SummaryReport,
  now = new Date(),
): SeedPercentComparison {
  const comparison: SeedPercentComparison = {
    schema_version: SCHEMA_VERSION,
    report_type: 'comparison',
    method: 'seed_percent',
    baseline_test: baseline.test_name || 'Unknown',
    current_test: current.test_name || 'Unknown',
    generated_at: now.toISOString(),
    noise_threshold: SEED_BAND_PERCENT / 100,
    improvements: {},
    regressions: {},
    unchanged: {},
    not_compared: [],
    note: 'Summary reports hold figures, not distributions: changes within 1 % are unchanged, with no significance test. Compare detailed reports or report folders for statistics.',
  };
  for (const metric of SEED_METRICS) {
    const b = metric.value(baseline);
    const c = metric.value(current);
    if (typeof b !== 'number' || typeof c !== 'number') {
      comparison.not_compared.push(metric.key);
      continue;
    }
    const change = percentChange(b, c);
    const entry = { baseline: b, current: c, unit: metric.unit };
    if (change !== null && Math.abs(change) < SEED_BAND_PERCENT) {
      comparison.unchanged[metric.key] = { ...entry, change_percent: change };
    } else if (c > b === metric.higherIsBetter) {
      comparison.improvements[metric.key] = {
        ...entry,
        change_percent: change,
        improvement_percent: change === null ? null : Math.abs(change),
      };
    } else {
      comparison.regressions[metric.key] = {
        ...entry,
        change_percent: change,
        regression_percent: change === null ? null : Math.abs(change),
      };
    }
  }
  return comparison;
}

/** `perfsight compare`'s statistics, each metric with the seed's percent fields. Pure. */
export function compareWithStatistics(
  baseline: ComparableRun,
  current: ComparableRun,
  options: CompareOptions = {},
): StatisticalComparison {
  const report = compareRuns(baseline, current, options);
  const metrics = {} as StatisticalComparison['metrics'];
  for (const [name, m] of Object.entries(report.metrics) as Array<
    [ComparedMetric, MetricComparison]
  >) {
    metrics[name] = { ...m, ...percentFields(m) };
  }
  const section = (verdict: Verdict) => {
    const out: Sections<MetricComparison & SeedPercentFields> = {};
    for (const name of Object.keys(report[sectionKey(verdict)]) as ComparedMetric[]) {
      out[name] = metrics[name];
    }
    return out;
  };
  return {
    ...report,
    method: 'statistics',
    metrics,
    improvements: section('improved'),
    regressions: section('regressed'),
    unchanged: section('unchanged'),
    within_noise: section('within_noise'),
    insufficient_data: section('insufficient_data'),
  };
}

function sectionKey(verdict: Verdict): keyof ComparisonReport & string {
  return verdict === 'improved'
    ? 'improvements'
    : verdict === 'regressed'
      ? 'regressions'
      : verdict;
}

function percentFields(m: MetricComparison): SeedPercentFields {
  const change =
    m.baseline === null || m.current === null ? null : percentChange(m.baseline, m.current);
  const size = change === null ? null : Math.abs(change);
  if (m.verdict === 'improved') return { change_percent: change, improvement_percent: size };
  if (m.verdict === 'regressed') return { change_percent: change, regression_percent: size };
  return { change_percent: change };
}

function isComparableRun(input: ComparableInput): input is ComparableRun {
  return 'latencies' in input && 'report' in input;
}

function isDetailed(input: ComparableInput): input is DetailedReport {
  return (
    (input as DetailedReport).report_type === 'detailed' &&
    typeof (input as DetailedReport).latency_histogram_hdr === 'string'
  );
}

/**
 * Both sides with a distribution → statistics; otherwise the seed's percent comparison of
 * their summaries. `exactLatencies` finds a report's exact samples when they are at hand.
 */
export function compareReports(
  baseline: ComparableInput,
  current: ComparableInput,
  options: CompareOptions & {
    exactLatencies?: (report: DetailedReport) => Float64Array | undefined;
  } = {},
): ReportComparison {
  for (const [side, input] of [
    ['baseline', baseline],
    ['current', current],
  ] as const) {
    if (typeof input !== 'object' || input === null) {
      throw new TypeError(
        `${side}: expected a summary or detailed report, or a run from loadRunForComparison()`,
      );
    }
  }
  const runOf = (input: ComparableInput): ComparableRun | undefined =>
    isComparableRun(input)
      ? input
      : isDetailed(input)
        ? comparableRunOf(input, input.test_name, options.exactLatencies?.(input))
        : undefined;
  const b = runOf(baseline);
  const c = runOf(current);
  if (b && c) return compareWithStatistics(b, c, options);
  const summaryOf = (input: ComparableInput): SummaryReport =>
    isComparableRun(input) ? input.report : input;
  return compareSummaries(summaryOf(baseline), summaryOf(current), options.now);
}
