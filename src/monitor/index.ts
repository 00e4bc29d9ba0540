export { ContinuousPerformanceMonitor, systemClock } from './monitor.js';
export type { Clock, MonitorOptions } from './monitor.js';
export { AlertEvaluator } from './alerts.js';
export type { AlertEvent, AlertState, WindowSource } from './alerts.js';
export {
  parseAlertRule,
  parseSloRules,
  seedAlertRules,
  latencyThresholds,
  formatShort,
  BURN_RATE_WINDOWS,
  RULE_DEFAULTS,
} from './rules.js';
export type { AlertRule, ThresholdRule, BurnRateRule } from './rules.js';
export { Notifier, THROTTLE_DEFAULTS } from './notifier.js';
export type { AlertNotification, ThrottleOptions } from './notifier.js';
export { ConsoleAlertSink, JsonLinesSink, MemorySink } from './sinks.js';
export type { Sink } from './sinks.js';
export { WebhookSink } from './webhook.js';
export type { WebhookOptions } from './webhook.js';
export { RollingWindows } from './_windows.js';
export type { WindowFigures, HistoryPoint, WindowOptions } from './_windows.js';
export { parseObjective } from '../model/objective.js';
export { DASHBOARD_WINDOWS, MONITOR_SCHEMA_VERSION } from './snapshot.js';
export type {
  DashboardSnapshot,
  CollectorSnapshot,
  PeriodicAnalysis,
  WindowName,
} from './snapshot.js';
