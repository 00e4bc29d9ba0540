import { describeEnvironment, type Environment } from '../environment/index.js';
import {
  LogLinearCounts,
  MetricsCollector,
  recordedRunOf,
  type AggregatedMetrics,
  type RecordedRun,
} from '../metrics/index.js';
import { buildSummaryReport } from './build.js';
import type { RunResult, SummaryReport } from './types.js';

/**
 * What the seed's report calls take: a collector's `aggregatedMetrics` (as the seed passes
 * them), the collector itself, or its recorded run.
 */
export type ReportSource = AggregatedMetrics | MetricsCollector | RecordedRun;

let environment: Environment | undefined;

/** Read once a process: it runs `git`. */
function sharedEnvironment(): Environment {
  return (environment ??= describeEnvironment());
}

/**
 * The run a report source holds. Aggregated metrics that did not come from a finished
 * collection (a live `aggregatedMetrics`, figures from elsewhere) have no histograms: good
 * for a summary, refused for a detailed report.
 */
export function recordedOf(source: ReportSource, detailed: boolean): RecordedRun {
  if (source instanceof MetricsCollector) return source.recorded();
  if ('metrics' in source && 'successHistogram' in source) return source;
  if (typeof source !== 'object' || source === null || !('totalSamples' in source)) {
    throw new TypeError(
      "expected a collector's aggregatedMetrics, a MetricsCollector or its recorded() run",
    );
  }
  const recorded = recordedRunOf(source);
  if (recorded) return recorded;
  if (detailed) {
    throw new TypeError(
      'a detailed report needs the histograms of a finished collection: call endCollection() first, or pass the collector',
    );
  }
  return {
    metrics: source,
    successHistogram: new LogLinearCounts(3),
    failureHistogram: new LogLinearCounts(3),
    samples: null,
    errorTypes: [''],
  };
}

/** The seed's summary report of a source (see `ReportSource`). Pure but for the environment. */
export function summaryReportOf(
  source: ReportSource,
  testName = '',
  testDescription = '',
): SummaryReport {
  return buildSummaryReport(runOf(recordedOf(source, false), testName, testDescription));
}

export function runOf(recorded: RecordedRun, name: string, description: string): RunResult {
  return {
    name,
    description,
    recorded,
    uncorrected: null,
    interrupted: false,
    configuration: {},
    environment: sharedEnvironment(),
    workload: {},
    generatedAt: new Date(),
  };
}
