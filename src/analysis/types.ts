/**
 * The analysis stage's data shapes (analysis.json, alerts.json, comparison.json). Shared by
 * the analyzer, the report renderers (HTML, Markdown, JUnit) and the monitor, so they are
 * settled here first. Wire formats: snake_case, as in the seed.
 */

import type { Comparator, Objective, ObjectiveMetric } from '../model/objective.js';

/** The objectives grammar's shapes, which every judgement shares (`src/model/objective.ts`). */
export type { Comparator, Objective, ObjectiveMetric };

/** An objective checked against a run. */
export interface ObjectiveResult {
  objective: string;
  metric: ObjectiveMetric;
  comparator: Comparator;
  threshold: number;
  unit: Objective['unit'];
  /** Null when the run has no such figure (e.g. CPU of samples read from a file). */
  actual: number | null;
  /** `passed` false with actual null means "could not be checked": it counts as failed. */
  passed: boolean;
  /** Human text: "P95 latency 8.10 ms < 100 ms". */
  message: string;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** The seed's `PerformanceBottleneck`. */
export interface Bottleneck {
  category: string;
  description: string;
  severity: Severity;
  impact: string;
  recommendation: string;
  metric_name: string;
  current_value: number;
  threshold: number;
}

/** The seed's `PerformanceRecommendation`. */
export interface Recommendation {
  category: string;
  priority: Severity;
  description: string;
  implementation_effort: 'low' | 'medium' | 'high';
  expected_impact: string;
  details: Record<string, unknown>;
}

export interface RiskAssessment {
  overall_risk: Severity;
  risk_breakdown: Record<
    Severity,
    Array<{ category: string; description: string; impact: string }>
  >;
  recommendation: string;
}

export interface ComplianceCheck {
  requirements: Record<
    string,
    { requirement: string; actual: string; compliant: boolean; margin: number }
  >;
  overall_compliance: 'compliant' | 'non-compliant' | 'unknown';
}

/** Trend of one metric over the history store's past runs of the same test. */
export interface TrendAnalysis {
  insufficient_data: boolean;
  recommendation?: string;
  metric?: string;
  /** Runs the gate used (≤ 64). */
  runs_considered?: number;
  /** Student-t prediction interval for the newest run from the ones before it. */
  prediction_interval?: { low: number; high: number; confidence: number };
  latest_value?: number;
  /** `within` the interval, `above` (worse for latency) or `below`. */
  latest_position?: 'within' | 'above' | 'below';
  /** Indices (in the series, oldest first) where the mean shifts. */
  change_points?: Array<{
    index: number;
    run_id: string;
    before_mean: number;
    after_mean: number;
    p_value: number;
  }>;
}

/** `analysis.json`: the seed's analysis plus objectives. */
export interface AnalysisReport {
  schema_version: number;
  report_type: 'analysis';
  test_name: string;
  timestamp: number;
  test_context: Record<string, unknown>;
  objectives: ObjectiveResult[];
  /** True when every objective passed. */
  objectives_met: boolean;
  bottlenecks: Bottleneck[];
  recommendations: Recommendation[];
  risk_assessment: RiskAssessment;
  trend_analysis: TrendAnalysis;
  compliance_check: ComplianceCheck;
}

export type AlertLevel = 'CRITICAL' | 'WARNING' | 'INFO';

/** The seed's alert dict. */
export interface Alert {
  level: AlertLevel;
  category: string;
  metric: string;
  value: number;
  threshold: number;
  message: string;
}

/** `alerts.json`. */
export interface AlertsReport {
  schema_version: number;
  report_type: 'alerts';
  test_name: string;
  generated_at: string;
  alerts: Alert[];
}

export type Verdict = 'improved' | 'regressed' | 'unchanged' | 'within_noise' | 'insufficient_data';

/** One metric of a comparison, with the figures behind its verdict. */
export interface MetricComparison {
  baseline: number | null;
  current: number | null;
  /** current / baseline (rates: current − baseline, see `change_kind`). */
  change_ratio: number | null;
  ci_low: number | null;
  ci_high: number | null;
  p_value?: number | null;
  verdict: Verdict;
  unit: string;
  /** `ratio` for latencies and throughput, `difference` for success and error rates. */
  change_kind: 'ratio' | 'difference';
}

export type ComparedMetric =
  | 'average_ms'
  | 'median_ms'
  | 'p95_ms'
  | 'p99_ms'
  | 'success_rate'
  | 'error_rate'
  | 'throughput_rps';

/** `comparison.json`. */
export interface ComparisonReport {
  schema_version: number;
  report_type: 'comparison';
  baseline_test: string;
  current_test: string;
  generated_at: string;
  alpha: number;
  noise_threshold: number;
  overall_verdict: Verdict;
  latency_distribution: {
    mann_whitney_u: number | null;
    p_value: number | null;
    hodges_lehmann_ratio: number | null;
    ci_low: number | null;
    ci_high: number | null;
    /** `exact_samples` (samples.csv.gz) or `histogram_buckets` (runs over the exact cap). */
    method: 'exact_samples' | 'histogram_buckets';
    baseline_samples: number;
    current_samples: number;
    verdict: Verdict;
  };
  metrics: Record<ComparedMetric, MetricComparison>;
  /** The seed's sections: metric name → its comparison. */
  improvements: Partial<Record<ComparedMetric, MetricComparison>>;
  regressions: Partial<Record<ComparedMetric, MetricComparison>>;
  unchanged: Partial<Record<ComparedMetric, MetricComparison>>;
  within_noise: Partial<Record<ComparedMetric, MetricComparison>>;
  insufficient_data: Partial<Record<ComparedMetric, MetricComparison>>;
}
