import type { RecordedRun } from '../metrics/index.js';
import {
  buildDetailedReport,
  recordedOf,
  runOf,
  summaryReportOf,
  type DetailedReport,
  type ReportSource,
  type SummaryReport,
} from '../model/index.js';
import { renderSummaryCsv } from './csv.js';
import { json } from './files.js';
import { writeFileAtomic } from './write.js';
import type { CompareOptions } from '../analysis/compare/index.js';
import { compareReports, type ComparableInput, type ReportComparison } from './seed-comparison.js';

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
