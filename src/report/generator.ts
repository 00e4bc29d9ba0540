import { describeEnvironment, type Environment } from '../environment/index.js';
import {
  LogLinearCounts,
  MetricsCollector,
  recordedRunOf,
  type AggregatedMetrics,
  type RecordedRun,
} from '../metrics/index.js';
import { renderSummaryCsv } from './csv.js';
import { json } from './files.js';
import { buildDetailedReport, buildSummaryReport } from './model.js';
import type { DetailedReport, RunResult, SummaryReport } from './types.js';
import { writeFileAtomic } from './write.js';
import type { CompareOptions } from '../analysis/compare/index.js';
import { compareReports, type ComparableInput, type ReportComparison } from './seed-comparison.js';

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
function recordedOf(source: ReportSource, detailed: boolean): RecordedRun {
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

function runOf(recorded: RecordedRun, name: string, description: string): RunResult {
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

/**
 * The seed's `ReportGenerator`, for library users: reports from a collector's aggregated
 * metrics (or the collector, or its recorded run), exported as JSON or CSV, and the seed's
 * comparison of two reports. The CLI uses the same pure builders.
 */
export class ReportGenerator {
  readonly reports: Array<SummaryReport | DetailedReport | ReportComparison> = [];
  /** Detailed reports made here, with their exact latencies: comparisons use them. */
  private readonly exactLatencies = new WeakMap<DetailedReport, RecordedRun>();

  generateSummaryReport(
    source: ReportSource,
    testName: string,
    testDescription = '',
  ): SummaryReport {
    const report = summaryReportOf(source, testName, testDescription);
    this.reports.push(report);
    return report;
  }

  generateDetailedReport(
    source: ReportSource,
    testName: string,
    additionalData: Record<string, unknown> = {},
  ): DetailedReport {
    const recorded = recordedOf(source, true);
    const report = buildDetailedReport(runOf(recorded, testName, ''));
    report.additional_data = additionalData;
    this.exactLatencies.set(report, recorded);
    this.reports.push(report);
    return report;
  }

  /**
   * The seed's comparison (`improvements`, `regressions`, `unchanged`, percent fields).
   * Detailed reports, or runs from `loadRunForComparison(folder)`, are compared with
   * `perfsight compare`'s statistics (`method: 'statistics'`); summary reports with the
   * seed's 1 % band (`method: 'seed_percent'`). Direction is per metric either way.
   */
  generateComparisonReport(
    baselineReport: ComparableInput,
    currentReport: ComparableInput,
    options: CompareOptions = {},
  ): ReportComparison {
    const comparison = compareReports(baselineReport, currentReport, {
      ...options,
      exactLatencies: (report) => this.exactLatencies.get(report)?.samples?.sortedLatencies(true),
    });
    this.reports.push(comparison);
    return comparison;
  }

  async exportReportToJson(report: SummaryReport, filename: string): Promise<void> {
    await writeFileAtomic(filename, json(report));
  }

  async exportReportToCsv(report: SummaryReport, filename: string): Promise<void> {
    await writeFileAtomic(filename, renderSummaryCsv(report));
  }
}
