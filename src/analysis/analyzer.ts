/**
 * The seed's PerformanceAnalyzer: bottlenecks, recommendations, risk and compliance from a
 * run's figures, with the seed's rules, severities, texts and thresholds. Pure.
 */
import type { ModelProfile } from '../model/index.js';
import type { AggregatedMetrics } from '../metrics/index.js';
import { breaks, evaluate } from '../model/judge.js';
import { formatThreshold, type Objective as GrammarObjective } from '../model/objective.js';
import {
  DEFAULT_ANALYZER_THRESHOLDS,
  REQUIREMENT,
  type AnalyzerThresholds,
} from '../model/thresholds.js';
import { summaryReportOf } from '../model/index.js';
import type { SummaryReport } from '../model/index.js';
import { SCHEMA_VERSION } from '../model/index.js';
import {
  bottleneckTable,
  figuresByMetric,
  recommendationTable,
  type CacheExpectation,
  type RunFigures,
} from './judgements.js';
import { withTopOperator } from './model-profile.js';
import { checkObjectives, formatActual } from './objectives.js';
import type {
  AnalysisReport,
  ObjectiveResult,
  Bottleneck,
  ComplianceCheck,
  Objective,
  Recommendation,
  RiskAssessment,
  Severity,
  TrendAnalysis,
} from './types.js';

export { DEFAULT_ANALYZER_THRESHOLDS, type AnalyzerThresholds };
export type { CacheExpectation, RunFigures };

/**
 * The hit rate to judge the cache by: the one the workload declares (`expected_cache_hit_rate`
 * in its info, e.g. the share of inputs it repeats), or a threshold the user set. Without
 * either there is nothing to judge: a workload that repeats 20 % of its inputs cannot hit 80 %.
 */
function cacheExpectationOf(
  summary: SummaryReport,
  userThreshold: number | undefined,
): CacheExpectation | null {
  const declared = summary.workload?.['expected_cache_hit_rate'];
  if (typeof declared === 'number' && declared > 0 && declared <= 1) {
    return { rate: declared, source: 'workload' };
  }
  return userThreshold === undefined ? null : { rate: userThreshold, source: 'threshold' };
}

/**
 * The CPU figure resource rules judge: the run's average, except in a closed loop (calls back
 * to back keep a core as busy as the workload lets them: the run's design, not a finding).
 */
export function judgedCpuPercent(summary: SummaryReport): number | null {
  if (summary.configuration?.['mode'] === 'closed_loop') return null;
  return summary.resource_metrics?.avg_cpu_percent ?? null;
}

/**
 * The memory figure resource rules judge: what the workload added above the process before
 * its setup; null when not measured or the report predates the baseline.
 */
export function judgedMemoryMb(summary: SummaryReport): number | null {
  const added = summary.resource_metrics?.workload_memory_mb;
  return typeof added === 'number' ? added : null;
}

function figuresOf(summary: SummaryReport, userCacheThreshold?: number): RunFigures {
  const o = summary.optimization_metrics;
  const r = summary.resource_metrics;
  return {
    p95: summary.latency_metrics.p95_ms,
    p99: summary.latency_metrics.p99_ms,
    successRate: summary.performance_summary.success_rate,
    errorRate: summary.performance_summary.error_rate,
    cacheHitRate: o.cache_hits + o.cache_misses > 0 ? o.cache_hit_rate : null,
    cacheLookups: o.cache_hits + o.cache_misses,
    avgCpu: judgedCpuPercent(summary),
    workloadMemory: judgedMemoryMb(summary),
    memoryGrowth: typeof r?.memory_growth_mb === 'number' ? r.memory_growth_mb : null,
    cacheExpectation: cacheExpectationOf(summary, userCacheThreshold),
  };
}

/**
 * `userThresholds`: those the user set; the seed's cache threshold applies only when set (or
 * the workload declares its expected hit rate).
 */
export function identifyBottlenecks(
  summary: SummaryReport,
  t: AnalyzerThresholds,
  userThresholds: Partial<AnalyzerThresholds> = {},
): Bottleneck[] {
  return bottlenecksOf(figuresOf(summary, userThresholds.cache_hit_rate), t);
}

/** The seed's bottleneck rules over figures: what the run's analysis and the monitor share. */
export function bottlenecksOf(f: RunFigures, t: AnalyzerThresholds): Bottleneck[] {
  return evaluate(bottleneckTable(t, f), figuresByMetric(f)).map(({ rule, level, value }) => ({
    category: rule.category,
    description: rule.describe(value),
    severity: level,
    impact: rule.impact,
    recommendation: rule.recommendation,
    metric_name: rule.metric_name,
    current_value: value,
    threshold: rule.threshold,
  }));
}

export function generateRecommendations(
  summary: SummaryReport,
  userThresholds: Partial<AnalyzerThresholds> = {},
): Recommendation[] {
  const f = figuresOf(summary, userThresholds.cache_hit_rate);
  return evaluate(recommendationTable(f), figuresByMetric(f)).map(({ rule, level }) => ({
    category: rule.category,
    priority: level,
    description: rule.description,
    implementation_effort: rule.implementation_effort,
    expected_impact: rule.expected_impact,
    details: rule.details,
  }));
}

const RISK_RECOMMENDATIONS: Record<Severity, string> = {
  critical: 'Immediate action required. Service may be unstable.',
  high: 'High priority action required. Performance issues likely affecting users.',
  medium: 'Medium priority action recommended. Monitor closely.',
  low: 'Low risk. No immediate action required.',
};

const SEVERITY_ORDER: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/**
 * The least risk a failed objective leaves: the run fails its gate, so action is required —
 * never "low". An objective the run could not even measure counts the same.
 */
export const FAILED_OBJECTIVE_RISK: Severity = 'high';

/**
 * The seed's risk rules over the bottlenecks, raised to at least FAILED_OBJECTIVE_RISK when
 * an objective failed: the risk shown beside a FAIL verdict can never say "no action".
 */
export function assessRisks(
  bottlenecks: readonly Bottleneck[],
  objectives: readonly ObjectiveResult[] = [],
): RiskAssessment {
  const breakdown: RiskAssessment['risk_breakdown'] = {
    critical: [],
    high: [],
    medium: [],
    low: [],
  };
  for (const b of bottlenecks) {
    breakdown[b.severity].push({
      category: b.category,
      description: b.description,
      impact: b.impact,
    });
  }
  const critical = breakdown.critical.length;
  const high = breakdown.high.length;
  const seedOverall: Severity =
    critical > 0
      ? 'critical'
      : high > 2
        ? 'high'
        : high > 0 || breakdown.medium.length > 3
          ? 'medium'
          : 'low';
  const failed = objectives.filter((o) => !o.passed);
  for (const o of failed) {
    breakdown[FAILED_OBJECTIVE_RISK].push({
      category: 'objective',
      description: `Objective ${o.objective} failed: ${o.message}`,
      impact: 'The run does not meet its objectives',
    });
  }
  const overall = failed.length > 0 ? atLeast(seedOverall, FAILED_OBJECTIVE_RISK) : seedOverall;
  return {
    overall_risk: overall,
    risk_breakdown: breakdown,
    recommendation: RISK_RECOMMENDATIONS[overall],
  };
}

function atLeast(severity: Severity, floor: Severity): Severity {
  return SEVERITY_ORDER.indexOf(severity) >= SEVERITY_ORDER.indexOf(floor) ? severity : floor;
}

/**
 * The overall risk of figures: the seed's bottlenecks over them (thresholds `t` over the
 * seed's), then its risk rules, raised by failed objectives. The run's analysis.json and the
 * monitor's periodic analysis both give this, so the same figures carry the same risk.
 */
export function riskOf(
  figures: RunFigures,
  objectives: readonly ObjectiveResult[],
  thresholds: Partial<AnalyzerThresholds> = {},
): Severity {
  const bottlenecks = bottlenecksOf(figures, { ...DEFAULT_ANALYZER_THRESHOLDS, ...thresholds });
  return assessRisks(bottlenecks, objectives).overall_risk;
}

/**
 * The seed's compliance check: its requirement, P95 < 100 ms and success ≥ 99 % (the
 * requirement it validates), and — since that requirement is about the model — the
 * fallback answered under 1 % of calls. Margins in the requirement's display unit (ms, or
 * percentage points).
 */
export function checkCompliance(summary: SummaryReport): ComplianceCheck {
  const hasLatency = summary.performance_summary.successful_requests > 0;
  const requirements: ComplianceCheck['requirements'] = {
    latency_p95: requirementLine(
      REQUIREMENT.p95,
      hasLatency ? summary.latency_metrics.p95_ms : null,
    ),
    success_rate: requirementLine(REQUIREMENT.success, summary.performance_summary.success_rate),
    fallback_rate: requirementLine(
      REQUIREMENT.fallback,
      summary.optimization_metrics.fallback_usage_rate,
    ),
  };
  const all = Object.values(requirements).every((r) => r.compliant);
  return { requirements, overall_compliance: all ? 'compliant' : 'non-compliant' };
}

function requirementLine(
  objective: GrammarObjective,
  value: number | null,
): ComplianceCheck['requirements'][string] {
  const compliant = value !== null && !breaks(objective, value);
  const scale = objective.unit === 'ratio' ? 100 : 1;
  const upper = objective.comparator.startsWith('<');
  return {
    requirement: `${objective.comparator} ${formatThreshold(objective.threshold, objective.unit)}`,
    actual: value === null ? 'n/a' : formatActual(value, objective.unit),
    compliant,
    margin: compliant
      ? (upper ? objective.threshold - value : value - objective.threshold) * scale
      : 0,
  };
}

export const NO_TREND: TrendAnalysis = {
  insufficient_data: true,
  recommendation: 'Collect historical data for trend analysis',
};

export interface AnalyzeOptions {
  thresholds?: Partial<AnalyzerThresholds>;
  testContext?: Record<string, unknown>;
  /** From the history store, when it has the test's past runs. */
  trend?: TrendAnalysis;
  /** Where an inference's time goes (detailed.json's `model_profile`): named when latency fails. */
  modelProfile?: ModelProfile;
  now?: Date;
}

/** `analysis.json`: the seed's analysis of a run, plus its objectives. Pure. */
export function analyzeRun(
  summary: SummaryReport,
  objectives: readonly Objective[],
  options: AnalyzeOptions = {},
): AnalysisReport {
  const thresholds = { ...DEFAULT_ANALYZER_THRESHOLDS, ...options.thresholds };
  const results = checkObjectives(summary, objectives);
  const { bottlenecks, recommendations } = withTopOperator(
    identifyBottlenecks(summary, thresholds, options.thresholds),
    generateRecommendations(summary, options.thresholds),
    results,
    options.modelProfile,
  );
  return {
    schema_version: SCHEMA_VERSION,
    report_type: 'analysis',
    test_name: summary.test_name,
    timestamp: (options.now ?? new Date(summary.generated_at)).getTime() / 1000,
    test_context: options.testContext ?? {},
    objectives: results,
    objectives_met: results.every((r) => r.passed),
    bottlenecks,
    recommendations,
    risk_assessment: assessRisks(bottlenecks, results),
    trend_analysis: options.trend ?? NO_TREND,
    compliance_check: checkCompliance(summary),
  };
}

/**
 * What the seed's analyzer and alerting take: a collector's `aggregatedMetrics` (as the seed
 * passes them) or a summary report.
 */
export type AnalysisSource = SummaryReport | AggregatedMetrics;

export function summaryOfSource(source: AnalysisSource): SummaryReport {
  return 'performance_summary' in source ? source : summaryReportOf(source);
}

/** The seed's class, for those who call it by that name. */
export class PerformanceAnalyzer {
  readonly thresholds: AnalyzerThresholds;
  /** Those given: the cache threshold applies only when given (see `identifyBottlenecks`). */
  private readonly given: Partial<AnalyzerThresholds>;
  constructor(thresholds: Partial<AnalyzerThresholds> = {}) {
    this.given = { ...thresholds };
    this.thresholds = { ...DEFAULT_ANALYZER_THRESHOLDS, ...thresholds };
  }

  /** `metrics`: the collector's `aggregatedMetrics`, or a summary report. */
  analyzePerformance(
    metrics: AnalysisSource,
    testContext: Record<string, unknown> = {},
    objectives: readonly Objective[] = [],
  ): AnalysisReport {
    return analyzeRun(summaryOfSource(metrics), objectives, {
      thresholds: this.given,
      testContext,
    });
  }
}
