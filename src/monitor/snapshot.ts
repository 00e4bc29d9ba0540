import type { ObjectiveResult, Severity } from '../analysis/types.js';
import type { AlertEvent } from './alerts.js';
import type { HistoryPoint, WindowFigures } from './_windows.js';

/** Window names on the dashboards and in `continuous_monitoring_data.json`. */
export const DASHBOARD_WINDOWS = { '1m': 60_000, '5m': 300_000, '1h': 3_600_000 } as const;
export type WindowName = keyof typeof DASHBOARD_WINDOWS;

/** One collector on the dashboards: the seed's figures (since start) and the rest. */
export interface CollectorSnapshot {
  total_samples: number;
  success_rate: number;
  requests_per_second: number;
  latency_p95: number;
  latency_avg: number;
  cache_hit_rate: number;
  fallback_rate: number;
  error_rate: number;
  /** The most frequent error type since the start (why calls fail), null without failures. */
  top_error: { type: string; count: number } | null;
  /** Everything since the start, with counts (what the Prometheus counters show). */
  since_start: WindowFigures;
  /** Rolling windows. */
  windows: Record<WindowName, WindowFigures>;
  /** One point per closed interval (newest last, bounded). */
  history: HistoryPoint[];
  /** Alerts pending or firing on this collector. */
  alerts: AlertEvent[];
}

/** The periodic analysis of one collector (every `--analysis-every`). */
export interface PeriodicAnalysis {
  at: string;
  window: WindowName;
  objectives: ObjectiveResult[];
  overall_risk: Severity;
}

/** What the dashboards show; `continuous_monitoring_data.json` is the last one. */
export interface DashboardSnapshot {
  schema_version: number;
  /** ISO-8601 (the seed's key). */
  timestamp: string;
  started_at: string;
  elapsed_seconds: number;
  collectors: Record<string, CollectorSnapshot>;
  alerts: { active: AlertEvent[]; recent: AlertEvent[] };
  analysis: Record<string, PeriodicAnalysis>;
  process: { rss_mb: number; heap_used_mb: number };
  /** Report folders written at the end (empty while running). */
  reports: Record<string, string>;
}

export const MONITOR_SCHEMA_VERSION = 1;
