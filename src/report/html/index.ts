import type { ComparisonReport } from '../../analysis/types.js';
import type { DetailedReport } from '../types.js';
import { writeFileAtomic } from '../write.js';
import { renderComparisonHtml } from './comparison.js';
import { renderReportHtml } from './report.js';

export { renderReportHtml } from './report.js';
export type { ReportHtmlInput } from './report.js';
export { renderComparisonHtml } from './comparison.js';
export type { ComparisonHtmlInput } from './comparison.js';
export { escapeHtml } from './_text.js';

/**
 * The seed's `HTMLReportGenerator`, for library users. Its pages are now self-contained,
 * escaped and charted; the work is done by `renderReportHtml` / `renderComparisonHtml`.
 */
export class HTMLReportGenerator {
  /** report.html of a detailed report (a summary report has no distributions to chart). */
  generateSummaryHtml(report: DetailedReport): string {
    return renderReportHtml({ detailed: report });
  }

  generateComparisonHtml(
    report: ComparisonReport,
    baseline?: DetailedReport,
    current?: DetailedReport,
  ): string {
    return renderComparisonHtml({ comparison: report, baseline, current });
  }

  async saveHtmlReport(htmlContent: string, filename: string): Promise<void> {
    await writeFileAtomic(filename, htmlContent);
  }
}
