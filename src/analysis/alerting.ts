/** The seed's PerformanceAlerting: threshold alerts with its levels and messages. Pure. */
import type { SummaryReport } from '../model/index.js';
import {
  judgedCpuPercent,
  judgedMemoryMb,
  summaryOfSource,
  type AnalysisSource,
} from './analyzer.js';
import { SCHEMA_VERSION } from '../model/index.js';
import type { Alert, AlertsReport } from './types.js';

export interface AlertThresholds {
  latency_p95_ms: number;
  latency_p99_ms: number;
  success_rate: number;
  error_rate: number;
  cpu_percent: number;
  memory_mb: number;
}

export const DEFAULT_ALERT_THRESHOLDS: Readonly<AlertThresholds> = {
  latency_p95_ms: 100.0,
  latency_p99_ms: 200.0,
  success_rate: 0.99,
  error_rate: 0.01,
  cpu_percent: 85.0,
  memory_mb: 1500.0,
};

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

export function evaluateAlerts(
  summary: SummaryReport,
  overrides: Partial<AlertThresholds> = {},
): Alert[] {
  const t = { ...DEFAULT_ALERT_THRESHOLDS, ...overrides };
  const alerts: Alert[] = [];
  const hasLatency = summary.performance_summary.successful_requests > 0;
  const p95 = summary.latency_metrics.p95_ms;
  const p99 = summary.latency_metrics.p99_ms;
  if (hasLatency && p95 > t.latency_p95_ms) {
    alerts.push({
      level: p95 > t.latency_p95_ms * 1.5 ? 'CRITICAL' : 'WARNING',
      category: 'latency',
      metric: 'latency_p95_ms',
      value: p95,
      threshold: t.latency_p95_ms,
      message: `P95 latency ${p95.toFixed(2)}ms exceeds threshold ${t.latency_p95_ms}ms`,
    });
  }
  if (hasLatency && p99 > t.latency_p99_ms) {
    alerts.push({
      level: 'WARNING',
      category: 'latency',
      metric: 'latency_p99_ms',
      value: p99,
      threshold: t.latency_p99_ms,
      message: `P99 latency ${p99.toFixed(2)}ms exceeds threshold ${t.latency_p99_ms}ms`,
    });
  }
  const success = summary.performance_summary.success_rate;
  if (success < t.success_rate) {
    alerts.push({
      level: success < t.success_rate * 0.9 ? 'CRITICAL' : 'WARNING',
      category: 'reliability',
      metric: 'success_rate',
      value: success,
      threshold: t.success_rate,
      message: `Success rate ${pct(success)} below threshold ${pct(t.success_rate)}`,
    });
  }
  const errors = summary.performance_summary.error_rate;
  if (errors > t.error_rate) {
    alerts.push({
      level: errors > t.error_rate * 2 ? 'WARNING' : 'INFO',
      category: 'reliability',
      metric: 'error_rate',
      value: errors,
      threshold: t.error_rate,
      message: `Error rate ${pct(errors)} exceeds threshold ${pct(t.error_rate)}`,
    });
  }
  // The analyzer's figures: a closed loop's CPU is its design; memory is the workload's.
  const cpu = judgedCpuPercent(summary);
  if (cpu !== null && cpu > t.cpu_percent) {
    alerts.push({
      level: cpu > t.cpu_percent * 1.1 ? 'WARNING' : 'INFO',
      category: 'resources',
      metric: 'cpu_percent',
      value: cpu,
      threshold: t.cpu_percent,
      message: `Average CPU usage ${cpu.toFixed(1)}% exceeds threshold ${t.cpu_percent.toFixed(1)}%`,
    });
  }
  const memory = judgedMemoryMb(summary);
  if (memory !== null && memory > t.memory_mb) {
    alerts.push({
      level: memory > t.memory_mb * 1.2 ? 'WARNING' : 'INFO',
      category: 'resources',
      metric: 'memory_mb',
      value: memory,
      threshold: t.memory_mb,
      message: `Workload memory ${memory.toFixed(1)}MB (above the process before setup) exceeds threshold ${t.memory_mb.toFixed(1)}MB`,
    });
  }
  return alerts;
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
