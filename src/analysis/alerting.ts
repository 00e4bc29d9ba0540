/** The seed's PerformanceAlerting: threshold alerts with its levels and messages. Pure. */
import { evaluate } from '../model/judge.js';
import { DEFAULT_ALERT_THRESHOLDS, type AlertThresholds } from '../model/thresholds.js';
import type { SummaryReport } from '../model/index.js';
import {
  judgedCpuPercent,
  judgedMemoryMb,
  summaryOfSource,
  type AnalysisSource,
} from './analyzer.js';
import { SCHEMA_VERSION } from '../model/index.js';
import { alertTable } from './judgements.js';
import type { Alert, AlertsReport } from './types.js';

export { DEFAULT_ALERT_THRESHOLDS, type AlertThresholds };

/** The seed's alerts on a run: its alert table (`alertTable`) over the run's figures. */
export function evaluateAlerts(
  summary: SummaryReport,
  overrides: Partial<AlertThresholds> = {},
): Alert[] {
  const t = { ...DEFAULT_ALERT_THRESHOLDS, ...overrides };
  const hasLatency = summary.performance_summary.successful_requests > 0;
  const figures = {
    p95: hasLatency ? summary.latency_metrics.p95_ms : null,
    p99: hasLatency ? summary.latency_metrics.p99_ms : null,
    success: summary.performance_summary.success_rate,
    error_rate: summary.performance_summary.error_rate,
    // The analyzer's figures: a closed loop's CPU is its design; memory is the workload's.
    cpu: judgedCpuPercent(summary),
    memory: judgedMemoryMb(summary),
  };
  return evaluate(alertTable(t), figures).map(({ rule, level, value }) => ({
    level,
    category: rule.category,
    metric: rule.metric,
    value,
    threshold: rule.threshold,
    message: rule.describe(value),
  }));
}

export function buildAlertsReport(summary: SummaryReport, alerts: Alert[]): AlertsReport {
  return {
    schema_version: SCHEMA_VERSION,
    report_type: 'alerts',
    test_name: summary.test_name,
    generated_at: summary.generated_at,
    alerts,
  };
}

/** The seed's class, for those who call it by that name. */
export class PerformanceAlerting {
  readonly thresholds: AlertThresholds;
  constructor(thresholds: Partial<AlertThresholds> = {}) {
    this.thresholds = { ...DEFAULT_ALERT_THRESHOLDS, ...thresholds };
  }

  /** `metrics`: the collector's `aggregatedMetrics`, or a summary report. */
  checkAlerts(metrics: AnalysisSource): Alert[] {
    return evaluateAlerts(summaryOfSource(metrics), this.thresholds);
  }
}
