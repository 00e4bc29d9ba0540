export { buildSummaryReport, buildDetailedReport, latencyMetrics, SAMPLES_FILE } from './model.js';
export { renderSummaryCsv, renderSamplesCsv, SAMPLES_HEADER, csvField } from './csv.js';
export { renderConsoleSummary } from './console.js';
export { buildRunReports, json } from './files.js';
export type { ReportFile, RunReports } from './files.js';
export { writeFileAtomic } from './write.js';
export {
  FOLDER_MARKER,
  SAFE_NAME,
  StagedFolder,
  checkOutputFile,
  addToReportFolder,
  checkReportFolder,
  claimFolder,
  folderError,
  insideFolder,
  isPerfsightFolder,
  writeReportFiles,
  writeReportFolder,
} from './folder.js';
export { ReportGenerator, summaryReportOf } from './generator.js';
export type { ReportSource } from './generator.js';
export { compareReports, compareSummaries, compareWithStatistics } from './seed-comparison.js';
export type {
  ComparableInput,
  ReportComparison,
  SeedPercentComparison,
  StatisticalComparison,
  SeedMetricChange,
  SeedPercentFields,
} from './seed-comparison.js';
export { SCHEMA_VERSION, READABLE_SCHEMA_VERSIONS } from './types.js';
export type {
  RunResult,
  SummaryReport,
  DetailedReport,
  LatencyMetrics,
  SourceLatencyMetrics,
} from './types.js';
export { renderComparisonMarkdown } from './comparison-markdown.js';
export { renderReportMarkdown } from './markdown.js';
export { renderJunitXml, escapeXml } from './junit.js';
export {
  HTMLReportGenerator,
  renderReportHtml,
  renderComparisonHtml,
  escapeHtml,
} from './html/index.js';
export type { ReportHtmlInput, ComparisonHtmlInput } from './html/index.js';
