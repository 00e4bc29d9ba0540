import { InputError } from '../../errors.js';
import { decodeHdrBase64 } from '../../metrics/index.js';
import type { DetailedReport } from '../../model/index.js';

/** What a comparison needs of one run. */
export interface ComparableRun {
  name: string;
  source: string;
  report: DetailedReport;
  /** Successful latencies (ms), ascending. */
  latencies: Float64Array;
  /** `exact_samples` from samples.csv.gz, or `histogram_buckets` from the HDR histogram. */
  method: 'exact_samples' | 'histogram_buckets';
  total: number;
  failed: number;
  /** Throughput of each full timeline interval (rps). */
  throughputPerInterval: number[];
}

/** Runs larger than this are compared on a proportional sample of their histogram buckets. */
const MAX_HISTOGRAM_VALUES = 1_000_000;

/**
 * A run for comparison from a detailed report in hand: its successful latencies given
 * exactly (ascending, ms), else taken from its HDR histogram (what `loadRunForComparison` does without samples).
 */
export function comparableRunOf(
  report: DetailedReport,
  source = report.test_name,
  exactLatencies?: Float64Array,
): ComparableRun {
  const throughputPerInterval = (report.throughput_timeline ?? [])
    .filter((point) => point.interval_seconds >= 0.5)
    .map((point) => point.throughput_rps);
  return {
    name: report.test_name,
    source,
    report,
    latencies: exactLatencies ?? histogramValues(report.latency_histogram_hdr, source),
    method: exactLatencies ? 'exact_samples' : 'histogram_buckets',
    total: report.performance_summary.total_requests,
    failed: report.performance_summary.failed_requests,
    throughputPerInterval,
  };
}

/** Bucket values (ms) repeated by count, ascending; proportionally thinned past 1 M values. */
function histogramValues(base64: string | undefined, file: string): Float64Array {
  if (!base64) return new Float64Array();
  let histogram;
  try {
    histogram = decodeHdrBase64(base64);
  } catch {
    throw new InputError(`${file}: latency_histogram_hdr is not a valid HdrHistogram encoding`);
  }
  const scale = Math.min(1, MAX_HISTOGRAM_VALUES / Math.max(1, histogram.totalCount));
  const values: number[] = [];
  histogram.forEachNonZero((micros, count) => {
    const kept = Math.max(1, Math.round(count * scale));
    for (let i = 0; i < kept; i++) values.push(micros / 1000);
  });
  return Float64Array.from(values).sort();
}
