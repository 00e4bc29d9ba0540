/**
 * perfsight's library face: the seed's names (`MetricsCollector`, `ReportGenerator`…) and
 * the functions around them.
 */
export * from './metrics/index.js';
export * from './load/index.js';
export * from './model/index.js';
export * from './report/index.js';
export * from './samples/index.js';
export * from './workloads/index.js';
export {
  ContinuousPerformanceMonitor,
  AlertEvaluator,
  Notifier,
  ConsoleAlertSink,
  JsonLinesSink,
  MemorySink,
  WebhookSink,
  RollingWindows,
  parseAlertRule,
  parseSloRules,
  BURN_RATE_WINDOWS,
} from './monitor/index.js';
export type {
  AlertEvent,
  AlertNotification,
  AlertRule,
  Clock,
  DashboardSnapshot,
  CollectorSnapshot,
  MonitorOptions,
  Sink,
  WindowFigures,
} from './monitor/index.js';
export { RealTimeDashboard, WebDashboard, createMetricsRegistry } from './dashboard/index.js';
export { describeEnvironment, PERFSIGHT_VERSION } from './environment/index.js';
export type { Environment } from './environment/index.js';
export { PerfsightError, UsageError, InputError } from './errors.js';
export {
  openHistory,
  DEFAULT_HISTORY_PATH,
  TREND_METRICS,
  buildHistoryRecord,
  configHash,
  trendFromStore,
} from './history/index.js';
export type { HistoryRecord, HistoryStore, TrendMetric } from './history/index.js';
export * from './analysis/index.js';
export { loadPolicy, loadConfig } from './cli/config.js';
export { seededRandom, normalFrom } from './random/index.js';
export { runPipeline } from './pipeline/index.js';
export type { PipelineOptions, RunArtifacts } from './pipeline/index.js';
