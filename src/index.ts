/**
 * perfsight's library face, named one by one: the seed's classes (`MetricsCollector`,
 * `ReportGenerator`, `PerformanceAnalyzer`…) and the functions a user calls around them —
 * measure, run the pipeline, parse objectives, compare, open the history, read samples,
 * monitor. Anything not named here is internal and may change. The feature-extraction
 * workload (TensorFlow.js) is `perfsight/feature-extraction`.
 */

// Measuring: the collector, the runner, workloads.
export { MetricsCollector } from './metrics/index.js';
export type {
  AggregatedMetrics,
  CollectorOptions,
  CurrentMetrics,
  LatencyPercentiles,
  RecordedRun,
  Recorder,
  SampleInput,
} from './metrics/index.js';
export { driveLoad, runWorkload } from './load/index.js';
export type {
  CallOptions,
  CallReport,
  CallResult,
  DriveOptions,
  DriveOutcome,
  RunOutcome,
  RunPlan,
  Workload,
} from './load/index.js';
export { createWorkload, profileOnnx, syntheticWorkload } from './workloads/index.js';
export type { OnnxProfileOptions, SyntheticOptions } from './workloads/index.js';
// An HTTP service as a workload: what `perfsight run <url>` and the monitor's --target measure.
export { httpWorkload } from './workloads/http/index.js';
export type { HttpTargetOptions, HttpTraffic, HttpWorkload } from './workloads/http/index.js';
export { readSamplesFile } from './samples/index.js';
export type { ReadSummary } from './samples/index.js';

// A run's reports: the pipeline (every file `perfsight run` writes) and the seed's generators.
export { runPipeline, comparisonFiles } from './pipeline/index.js';
export type { PipelineOptions, RunArtifacts } from './pipeline/index.js';
export { SCHEMA_VERSION } from './model/index.js';
export type {
  DetailedReport,
  ModelProfile,
  OperatorProfile,
  RunResult,
  SummaryReport,
} from './model/index.js';
export { HTMLReportGenerator, ReportGenerator, writeReportFolder } from './report/index.js';
export type {
  ReportComparison,
  ReportFile,
  SeedPercentComparison,
  StatisticalComparison,
} from './report/index.js';

// Objectives, analysis, alerts, comparison.
export { loadPolicy } from './cli/config.js';
export {
  DEFAULT_OBJECTIVES,
  PerformanceAlerting,
  PerformanceAnalyzer,
  analyzeRun,
  buildAlertsReport,
  checkObjectives,
  compareRuns,
  evaluateAlerts,
  parseObjective,
  parseObjectives,
} from './analysis/index.js';
export type {
  AlertThresholds,
  AlertsReport,
  AnalysisReport,
  AnalyzerThresholds,
  ComparableRun,
  CompareOptions,
  ComparisonReport,
  Objective,
  ObjectiveResult,
  RunPolicy,
  TrendAnalysis,
} from './analysis/index.js';
export { loadRunForComparison } from './samples/index.js';

// The history of runs.
export {
  DEFAULT_HISTORY_PATH,
  TREND_METRICS,
  buildHistoryRecord,
  openHistory,
  trendFromStore,
} from './history/index.js';
export type { HistoryRecord, HistoryStore, TrendMetric } from './history/index.js';

// Monitoring and dashboards.
export {
  ConsoleAlertSink,
  ContinuousPerformanceMonitor,
  JsonLinesSink,
  MemorySink,
  WebhookSink,
  parseAlertRule,
  parseSloRules,
} from './monitor/index.js';
export type {
  AlertEvent,
  AlertNotification,
  AlertRule,
  Clock,
  CollectorSnapshot,
  DashboardSnapshot,
  MonitorOptions,
  Sink,
  WindowFigures,
} from './monitor/index.js';
export { RealTimeDashboard, WebDashboard, createMetricsRegistry } from './dashboard/index.js';

// Where a run was measured, and the errors a user can act on.
export { PERFSIGHT_VERSION, describeEnvironment } from './environment/index.js';
export type { Environment } from './environment/index.js';
export { InputError, PerfsightError, UsageError } from './errors.js';
