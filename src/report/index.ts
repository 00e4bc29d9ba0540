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
export { ReportGenerator } from './generator.js';
export { compareReports, compareSummaries, compareWithStatistics } from './seed-comparison.js';
export type {
  ComparableInput,
  ReportComparison,
  SeedPercentComparison,
  StatisticalComparison,
  SeedMetricChange,
  SeedPercentFields,
} from './seed-comparison.js';
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
