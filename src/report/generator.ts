import { describeEnvironment, type Environment } from '../environment/index.js';
import { MetricsCollector, type RecordedRun } from '../metrics/index.js';
import { renderSummaryCsv } from './csv.js';
import { json } from './files.js';
import { buildDetailedReport, buildSummaryReport } from './model.js';
import type { DetailedReport, RunResult, SummaryReport } from './types.js';
import { writeFileAtomic } from './write.js';

/**
 * The seed's `ReportGenerator`, for library users: reports from a collector (or its
 * recorded run), exported as JSON or CSV. The CLI uses the same pure builders.
 */
export class ReportGenerator {
  readonly reports: Array<SummaryReport | DetailedReport> = [];
  private environment: Environment | undefined;

  generateSummaryReport(
    source: MetricsCollector | RecordedRun,
    testName: string,
    testDescription = '',
  ): SummaryReport {
    const report = buildSummaryReport(this.runOf(source, testName, testDescription));
    this.reports.push(report);
    return report;
  }

  generateDetailedReport(
    source: MetricsCollector | RecordedRun,
    testName: string,
    additionalData: Record<string, unknown> = {},
  ): DetailedReport {
    const report = buildDetailedReport(this.runOf(source, testName, ''));
    report.additional_data = additionalData;
    this.reports.push(report);
    return report;
  }

  async exportReportToJson(report: SummaryReport, filename: string): Promise<void> {
    await writeFileAtomic(filename, json(report));
  }

  async exportReportToCsv(report: SummaryReport, filename: string): Promise<void> {
    await writeFileAtomic(filename, renderSummaryCsv(report));
  }

  private runOf(
    source: MetricsCollector | RecordedRun,
    name: string,
    description: string,
  ): RunResult {
    this.environment ??= describeEnvironment();
    return {
      name,
      description,
      recorded: source instanceof MetricsCollector ? source.recorded() : source,
      uncorrected: null,
      interrupted: false,
      configuration: {},
      environment: this.environment,
      workload: {},
      generatedAt: new Date(),
    };
  }
}
