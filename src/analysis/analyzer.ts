/**
 * The seed's PerformanceAnalyzer: bottlenecks, recommendations, risk and compliance from a
 * run's figures, with the seed's rules, severities, texts and thresholds. Pure.
 */
import type { ModelProfile } from '../model/index.js';
import type { AggregatedMetrics } from '../metrics/index.js';
import { summaryReportOf } from '../model/index.js';
import type { SummaryReport } from '../model/index.js';
import { SCHEMA_VERSION } from '../model/index.js';
import { withTopOperator } from './model-profile.js';
import { checkObjectives } from './objectives.js';
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

/** The seed's analyzer thresholds; any of them can be overridden (config `thresholds`). */
export interface AnalyzerThresholds {
  latency_p95_ms: number;
  latency_p99_ms: number;
  success_rate: number;
  error_rate: number;
  cache_hit_rate: number;
  cpu_percent: number;
  memory_mb: number;
}

export const DEFAULT_ANALYZER_THRESHOLDS: Readonly<AnalyzerThresholds> = {
  latency_p95_ms: 100.0,
  latency_p99_ms: 200.0,
  success_rate: 0.99,
  error_rate: 0.01,
  cache_hit_rate: 0.8,
  cpu_percent: 80.0,
  memory_mb: 100.0,
};

/** The run's figures the seed's rules read, in its units (a run's, or a monitor window's). */
export interface RunFigures {
  p95: number;
  p99: number;
  successRate: number;
  errorRate: number;
  /** Null when the workload never reported cache use: nothing to judge. */
  cacheHitRate: number | null;
  /** Cache hits plus misses: how far chance can move the hit rate. */
  cacheLookups: number;
  /**
   * Null when resources were not measured (samples read from a file), and CPU also in a
   * closed loop: calling back to back keeps a core as busy as the workload lets it, so its
   * CPU use is the run's design, not a finding about the workload.
   */
  avgCpu: number | null;
  /**
   * What the workload added to the process's memory (peak RSS above the RSS before its
   * setup): Node, perfsight and the modules loaded are not the workload's. Null when not
   * measured, or in a report from before the baseline was kept.
   */
  workloadMemory: number | null;
  /** RSS growth over the measured run (a leak shows here); null as `workloadMemory`. */
  memoryGrowth: number | null;
  /** The hit rate caching is expected to reach, and why; null: no expectation to judge by. */
  cacheExpectation: CacheExpectation | null;
}

export interface CacheExpectation {
  rate: number;
  /** Whose figure it is, for the finding's text. */
  source: 'workload' | 'threshold';
}

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
 * Below the expected hit rate by more than chance: a tenth under it and over three binomial
 * standard errors (a workload's random repeats do not land exactly on their share).
 */
function cacheBelowExpectation(hitRate: number, lookups: number, e: CacheExpectation): boolean {
  if (e.source === 'threshold') return hitRate < e.rate;
  const standardError = Math.sqrt((e.rate * (1 - e.rate)) / Math.max(lookups, 1));
  return hitRate < e.rate * 0.9 && e.rate - hitRate > 3 * standardError;
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

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

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
  const found: Bottleneck[] = [];
  const add = (b: Bottleneck) => found.push(b);
  if (f.p95 > t.latency_p95_ms) {
    add({
      category: 'latency',
      description: `P95 latency ${f.p95.toFixed(2)}ms exceeds threshold ${t.latency_p95_ms}ms`,
      severity: f.p95 > t.latency_p95_ms * 2 ? 'critical' : 'high',
      impact: 'User experience degradation',
      recommendation: 'Optimize feature extraction pipeline and consider caching strategies',
      metric_name: 'latency_p95_ms',
      current_value: f.p95,
      threshold: t.latency_p95_ms,
    });
  }
  if (f.p99 > t.latency_p99_ms) {
    add({
      category: 'latency',
      description: `P99 latency ${f.p99.toFixed(2)}ms exceeds threshold ${t.latency_p99_ms}ms`,
      severity: 'high',
      impact: 'Severe user experience issues',
      recommendation: 'Investigate outlier cases and implement timeout handling',
      metric_name: 'latency_p99_ms',
      current_value: f.p99,
      threshold: t.latency_p99_ms,
    });
  }
  if (f.successRate < t.success_rate) {
    add({
      category: 'reliability',
      description: `Success rate ${pct(f.successRate)} below threshold ${pct(t.success_rate)}`,
      severity: f.successRate < t.success_rate * 0.9 ? 'critical' : 'high',
      impact: 'Service reliability issues',
      recommendation: 'Improve error handling and implement retry mechanisms',
      metric_name: 'success_rate',
      current_value: f.successRate,
      threshold: t.success_rate,
    });
  }
  if (f.errorRate > t.error_rate) {
    add({
      category: 'reliability',
      description: `Error rate ${pct(f.errorRate)} exceeds threshold ${pct(t.error_rate)}`,
      severity: f.errorRate > t.error_rate * 2 ? 'high' : 'medium',
      impact: 'Increased operational overhead',
      recommendation: 'Analyze error patterns and implement better error recovery',
      metric_name: 'error_rate',
      current_value: f.errorRate,
      threshold: t.error_rate,
    });
  }
  const expected = f.cacheExpectation;
  if (
    f.cacheHitRate !== null &&
    expected &&
    cacheBelowExpectation(f.cacheHitRate, f.cacheLookups, expected)
  ) {
    add({
      category: 'optimization',
      description:
        expected.source === 'workload'
          ? `Cache hit rate ${pct(f.cacheHitRate)} below the ${pct(expected.rate)} the workload expects its cache to serve`
          : `Cache hit rate ${pct(f.cacheHitRate)} below threshold ${pct(expected.rate)}`,
      severity: 'medium',
      impact: 'Increased processing time and resource usage',
      recommendation: 'Optimize cache configuration and data access patterns',
      metric_name: 'cache_hit_rate',
      current_value: f.cacheHitRate,
      threshold: expected.rate,
    });
  }
  if (f.avgCpu !== null && f.avgCpu > t.cpu_percent) {
    add({
      category: 'resources',
      description: `Average CPU usage ${f.avgCpu.toFixed(1)}% exceeds threshold ${t.cpu_percent.toFixed(1)}%`,
      severity: f.avgCpu > t.cpu_percent * 1.2 ? 'medium' : 'low',
      impact: 'Resource constraints may affect other services',
      recommendation: 'Optimize CPU usage or consider horizontal scaling',
      metric_name: 'cpu_percent',
      current_value: f.avgCpu,
      threshold: t.cpu_percent,
    });
  }
  if (f.workloadMemory !== null && f.workloadMemory > t.memory_mb) {
    const growth = f.memoryGrowth ?? 0;
    // Mostly growth during the run looks like a leak; mostly held from setup, like its size.
    const leaking = growth > f.workloadMemory / 2;
    add({
      category: 'resources',
      description: `Workload memory ${f.workloadMemory.toFixed(1)}MB (above the process before setup; grew ${growth.toFixed(1)}MB during the run) exceeds threshold ${t.memory_mb.toFixed(1)}MB`,
      severity: f.workloadMemory > t.memory_mb * 1.5 ? 'high' : 'medium',
      impact: 'Risk of memory exhaustion and service disruption',
      recommendation: leaking
        ? 'Investigate memory leaks: memory grew while the run went on'
        : 'Reduce what the workload holds (model size, caches, buffers)',
      metric_name: 'memory_mb',
      current_value: f.workloadMemory,
      threshold: t.memory_mb,
    });
  }
  return found;
}

export function generateRecommendations(
  summary: SummaryReport,
  userThresholds: Partial<AnalyzerThresholds> = {},
): Recommendation[] {
  const f = figuresOf(summary, userThresholds.cache_hit_rate);
  const found: Recommendation[] = [];
  if (f.p95 > 50) {
    found.push({
      category: 'latency',
      priority: f.p95 > 100 ? 'high' : 'medium',
      description: 'Optimize feature extraction pipeline',
      implementation_effort: 'medium',
      expected_impact: '20-50% latency reduction',
      details: {
        current_latency: f.p95,
        target_latency: 50,
        suggested_actions: [
          'Profile slow code paths',
          'Optimize model inference',
          'Implement batch processing where possible',
        ],
      },
    });
  }
  if (
    f.cacheHitRate !== null &&
    f.cacheExpectation &&
    cacheBelowExpectation(f.cacheHitRate, f.cacheLookups, f.cacheExpectation)
  ) {
    found.push({
      category: 'caching',
      priority: 'medium',
      description: 'Improve cache hit rate',
      implementation_effort: 'low',
      expected_impact: '10-30% performance improvement',
      details: {
        current_hit_rate: f.cacheHitRate,
        target_hit_rate: f.cacheExpectation.rate,
        suggested_actions: [
          'Increase cache size',
          'Optimize cache TTL settings',
          'Improve cache key generation',
        ],
      },
    });
  }
  if (f.errorRate > 0.01) {
    found.push({
      category: 'reliability',
      priority: f.errorRate > 0.05 ? 'high' : 'medium',
      description: 'Improve error handling and recovery',
      implementation_effort: 'medium',
      expected_impact: '50-80% error rate reduction',
      details: {
        current_error_rate: f.errorRate,
        target_error_rate: 0.01,
        suggested_actions: [
          'Implement comprehensive error handling',
          'Add retry mechanisms with exponential backoff',
          'Improve logging and monitoring',
        ],
      },
    });
  }
  if ((f.avgCpu ?? 0) > 70 || (f.workloadMemory ?? 0) > 800) {
    found.push({
      category: 'resources',
      priority: 'medium',
      description: 'Optimize resource usage',
      implementation_effort: 'high',
      expected_impact: '20-40% resource reduction',
      details: {
        current_cpu: f.avgCpu,
        current_memory: f.workloadMemory,
        suggested_actions: [
          'Profile resource-intensive operations',
          'Optimize data structures',
          'Consider horizontal scaling',
        ],
      },
    });
  }
  return found;
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
 * The seed's compliance check: P95 < 100 ms and success ≥ 99 % (the requirement it
 * validates), and — since that requirement is about the model — the fallback answered
 * under 1 % of calls.
 */
export function checkCompliance(summary: SummaryReport): ComplianceCheck {
  const p95 = summary.latency_metrics.p95_ms;
  const success = summary.performance_summary.success_rate;
  const fallback = summary.optimization_metrics.fallback_usage_rate;
  const hasLatency = summary.performance_summary.successful_requests > 0;
  const requirements: ComplianceCheck['requirements'] = {
    latency_p95: {
      requirement: '< 100ms',
      actual: hasLatency ? `${p95.toFixed(2)}ms` : 'n/a',
      compliant: hasLatency && p95 < 100,
      margin: hasLatency && p95 < 100 ? 100 - p95 : 0,
    },
    success_rate: {
      requirement: '>= 99%',
      actual: pct(success),
      compliant: success >= 0.99,
      margin: success >= 0.99 ? (success - 0.99) * 100 : 0,
    },
    fallback_rate: {
      requirement: '< 1%',
      actual: pct(fallback),
      compliant: fallback < 0.01,
      margin: fallback < 0.01 ? (0.01 - fallback) * 100 : 0,
    },
  };
  const all = Object.values(requirements).every((r) => r.compliant);
  return { requirements, overall_compliance: all ? 'compliant' : 'non-compliant' };
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
