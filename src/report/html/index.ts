import type { ComparisonReport } from '../../analysis/types.js';
import type { ReportComparison } from '../seed-comparison.js';
import type { DetailedReport, SummaryReport } from '../../model/index.js';
import { writeFileAtomic } from '../write.js';
import { renderComparisonHtml } from './comparison.js';
import { renderReportHtml } from './report.js';
import { renderSeedComparisonHtml } from './seed-comparison.js';

export { renderReportHtml } from './report.js';
export type { ReportHtmlInput } from './report.js';
export { renderComparisonHtml } from './comparison.js';
export type { ComparisonHtmlInput } from './comparison.js';
export { escapeHtml } from './_text.js';
export { renderSeedComparisonHtml } from './seed-comparison.js';

/**
 * The seed's `HTMLReportGenerator`, for library users. Its pages are now self-contained,
 * escaped and charted; the work is done by `renderReportHtml` / `renderComparisonHtml`.
 */
export class HTMLReportGenerator {
  /**
   * report.html of a summary or a detailed report; from a summary the distribution and
   * timeline charts are left out, with a note saying so.
   */
  generateSummaryHtml(report: SummaryReport | DetailedReport): string {
    return renderReportHtml({ detailed: report });
  }

  /**
   * comparison.html of `ReportGenerator.generateComparisonReport`'s result (or of
   * comparison.json); with the runs' detailed reports it overlays their distributions.
   */
  generateComparisonHtml(
    report: ReportComparison | ComparisonReport,
    baseline?: DetailedReport,
    current?: DetailedReport,
  ): string {
    if ('method' in report && report.method === 'seed_percent') {
      return renderSeedComparisonHtml(report);
    }
    return renderComparisonHtml({ comparison: report, baseline, current });
  }

  async saveHtmlReport(htmlContent: string, filename: string): Promise<void> {
    await writeFileAtomic(filename, htmlContent);
  }
}
