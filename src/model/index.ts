/**
 * The data model every layer above shares: a finished run (`RunResult`), the report files'
 * shapes (summary.json, detailed.json) with their `SCHEMA_VERSION`, and the pure builders
 * from one to the other. Analysis and report both build on it; neither imports the other
 * for these.
 */
export { SCHEMA_VERSION, READABLE_SCHEMA_VERSIONS } from './types.js';
export type {
  RunResult,
  SummaryReport,
  DetailedReport,
  LatencyMetrics,
  SourceLatencyMetrics,
  Shard,
  HttpTraffic,
  MergedShard,
} from './types.js';
export type { ModelProfile, OperatorProfile } from '../load/index.js';
export {
  buildSummaryReport,
  buildDetailedReport,
  latencyMetrics,
  SAMPLES_FILE,
  SAMPLES_ARROW_FILE,
} from './build.js';
export { summaryReportOf, recordedOf, runOf } from './source.js';
export type { ReportSource } from './source.js';
