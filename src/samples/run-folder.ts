/**
 * Reads a run folder for comparison: its `detailed.json` and, when the run kept them, its raw
 * samples. The one place a comparison touches files; the statistics (analysis/compare) stay
 * pure.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { comparableRunOf, type ComparableRun } from '../analysis/index.js';
import { InputError, quote } from '../errors.js';
import { readTextFileSync } from '../input.js';
import { MetricsCollector } from '../metrics/index.js';
import {
  READABLE_SCHEMA_VERSIONS,
  SAMPLES_ARROW_FILE,
  type DetailedReport,
} from '../model/index.js';
import { readSuccessfulLatencies } from './arrow.js';
import { readSamplesFile } from './read.js';
import { ownFile } from './_own-file.js';

/**
 * Loads a run for comparison from its report folder or its `detailed.json`: the report, and
 * the latencies from `samples.arrow` (else `samples.csv.gz`) when the run kept them, else
 * from its histogram.
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
  if (!samplesPath) return comparableRunOf(report, path);
  // The columnar copy first (no text to parse); folders written before it, from the CSV.
  const arrowPath = join(dirname(file), SAMPLES_ARROW_FILE);
  if (await ownFile(arrowPath)) {
    const exact = await readSuccessfulLatencies(arrowPath);
    return comparableRunOf(report, path, sameRun(exact, report, arrowPath));
  }
  if (await ownFile(samplesPath)) {
    const collector = new MetricsCollector({ sampleResources: false });
    await readSamplesFile(samplesPath, collector);
    const exact = collector.recorded().samples?.sortedLatencies(true) ?? new Float64Array();
    return comparableRunOf(report, path, sameRun(exact, report, samplesPath));
  }
  return comparableRunOf(report, path);
}

/**
 * The successful latencies, when there are as many as the report counts: a samples file of
 * another run (copied over, or half-written) is refused, not compared under this run's name.
 */
function sameRun(latencies: Float64Array, report: DetailedReport, file: string): Float64Array {
  const counted = report.performance_summary.successful_requests;
  if (typeof counted === 'number' && latencies.length !== counted) {
    throw InputError.at(
      file,
      undefined,
      `has ${latencies.length} successful samples, but its detailed.json counts ${counted} successful requests`,
    );
  }
  return latencies;
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
