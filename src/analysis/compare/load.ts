import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError, quote } from '../../errors.js';
import { readTextFileSync } from '../../input.js';
import { decodeHdrBase64, MetricsCollector } from '../../metrics/index.js';
import { READABLE_SCHEMA_VERSIONS, type DetailedReport } from '../../report/types.js';
import { readSamplesFile } from '../../samples/index.js';

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
 * Loads a run for comparison from its report folder or its `detailed.json`: the report, and
 * the latencies from `samples.csv.gz` when the run kept them, else from its histogram.
 * Anything missing, truncated or of another schema version is an InputError naming the file.
 */
export async function loadRunForComparison(path: string): Promise<ComparableRun> {
  if (!existsSync(path)) throw new InputError(`${path}: no such report folder or file`);
  const file = statSync(path).isDirectory() ? join(path, 'detailed.json') : path;
  if (!existsSync(file)) {
    throw new InputError(`${file}: not found (give a report folder or its detailed.json)`);
  }
  let report: DetailedReport;
  try {
    report = JSON.parse(readTextFileSync(file)) as DetailedReport;
  } catch (error) {
    throw new InputError(
      `${file}: not valid JSON, truncated or corrupt (${(error as Error).message})`,
    );
  }
  if (typeof report !== 'object' || report === null)
    throw new InputError(`${file}: not a perfsight report`);
  if (!READABLE_SCHEMA_VERSIONS.includes(report.schema_version)) {
    throw new InputError(
      `${file}: schema_version ${quote(report.schema_version)} is not supported (this perfsight reads ${READABLE_SCHEMA_VERSIONS.join(' and ')})`,
    );
  }
  if (report.report_type !== 'detailed' || !report.performance_summary || !report.latency_metrics) {
    throw new InputError(
      `${file}: not a detailed.json report (report_type ${quote(report.report_type)})`,
    );
  }
  const samplesPath = samplesFile(report.samples_file, file);
  if (samplesPath && existsSync(samplesPath)) {
    const collector = new MetricsCollector({ sampleResources: false });
    await readSamplesFile(samplesPath, collector);
    const exact = collector.recorded().samples?.sortedLatencies(true) ?? new Float64Array();
    return comparableRunOf(report, path, exact);
  }
  return comparableRunOf(report, path);
}

/**
 * A run for comparison from a detailed report in hand: its successful latencies given
 * exactly (ascending, ms), else taken from its HDR histogram as `loadRunForComparison` does.
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

/**
 * Where the run's samples are: `samples_file` names a file beside detailed.json, nothing
 * else — a report from elsewhere must not make perfsight read `../../etc/passwd`.
 */
function samplesFile(name: unknown, file: string): string | undefined {
  if (name === undefined || name === null || name === '') return undefined;
  if (typeof name !== 'string' || !PLAIN_FILE_NAME.test(name) || name === '.' || name === '..') {
    throw new InputError(
      `${file}: samples_file ${quote(name)} is not a file name in the report folder`,
    );
  }
  return join(dirname(file), name);
}

/** No separator of any platform, no drive letter, no NUL or other control character. */
// eslint-disable-next-line no-control-regex
const PLAIN_FILE_NAME = /^[^/\\:\x00-\x1f]+$/;

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
