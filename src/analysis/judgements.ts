/**
 * The seed's judgements as tables of objectives: bottlenecks, recommendations and alerts,
 * each rule a ladder of rungs (most severe first) read by the one judge (`model/judge.ts`).
 * The seed's rule "severity critical if P95 > 2× its threshold, else high" is the ladder
 * `p95<=200ms → critical, p95<=100ms → high`. Thresholds come from `model/thresholds.ts` or
 * the user's config; texts are the seed's. Pure.
 */
import { percent } from '../model/format.js';
import { rung, type Figures, type Rule } from '../model/judge.js';
import { objectiveOf, type Objective } from '../model/objective.js';
import {
  REQUIREMENT,
  TARGET_P95_MS,
  type AlertThresholds,
  type AnalyzerThresholds,
} from '../model/thresholds.js';
import type { AlertLevel, Recommendation, Severity } from './types.js';

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

/** The figures by the grammar's metric names, as the judge reads them. */
export function figuresByMetric(f: RunFigures): Figures {
  return {
    p95: f.p95,
    p99: f.p99,
    success: f.successRate,
    error_rate: f.errorRate,
    cache_hit: f.cacheHitRate,
    cpu: f.avgCpu,
    memory: f.workloadMemory,
  };
}

/**
 * The cache objective: the hit rate a user's threshold sets, or — for the rate a workload
 * declares — below it by more than chance: a tenth under it and over three binomial standard
 * errors (a workload's random repeats do not land exactly on their share). Null: no
 * expectation, nothing to judge.
 */
function cacheObjective(f: RunFigures): Objective | null {
  const e = f.cacheExpectation;
  if (!e) return null;
  if (e.source === 'threshold') return objectiveOf('cache_hit', '>=', e.rate);
  const standardError = Math.sqrt((e.rate * (1 - e.rate)) / Math.max(f.cacheLookups, 1));
  return objectiveOf('cache_hit', '>=', Math.min(e.rate * 0.9, e.rate - 3 * standardError));
}

/** A rule of the bottleneck table, with the seed's `PerformanceBottleneck` texts. */
export interface BottleneckRule extends Rule<Severity> {
  category: string;
  metric_name: string;
  /** The threshold the finding names (the mildest rung's, as the seed reports it). */
  threshold: number;
  impact: string;
  describe: (value: number) => string;
  recommendation: string;
}

/** The seed analyzer's `_identify_bottlenecks`, over thresholds `t` and the run's figures. */
export function bottleneckTable(t: AnalyzerThresholds, f: RunFigures): BottleneckRule[] {
  const cache = cacheObjective(f);
  const expected = f.cacheExpectation;
  const growth = f.memoryGrowth ?? 0;
  // Mostly growth during the run looks like a leak; mostly held from setup, like its size.
  const leaking = f.workloadMemory !== null && growth > f.workloadMemory / 2;
  return [
    {
      ladder: [
        rung(objectiveOf('p95', '<=', t.latency_p95_ms * 2), 'critical'),
        rung(objectiveOf('p95', '<=', t.latency_p95_ms), 'high'),
      ],
      category: 'latency',
      metric_name: 'latency_p95_ms',
      threshold: t.latency_p95_ms,
      describe: (v) => `P95 latency ${v.toFixed(2)}ms exceeds threshold ${t.latency_p95_ms}ms`,
      impact: 'User experience degradation',
      recommendation: 'Optimize feature extraction pipeline and consider caching strategies',
    },
    {
      ladder: [rung(objectiveOf('p99', '<=', t.latency_p99_ms), 'high')],
      category: 'latency',
      metric_name: 'latency_p99_ms',
      threshold: t.latency_p99_ms,
      describe: (v) => `P99 latency ${v.toFixed(2)}ms exceeds threshold ${t.latency_p99_ms}ms`,
      impact: 'Severe user experience issues',
      recommendation: 'Investigate outlier cases and implement timeout handling',
    },
    {
      ladder: [
        rung(objectiveOf('success', '>=', t.success_rate * 0.9), 'critical'),
        rung(objectiveOf('success', '>=', t.success_rate), 'high'),
      ],
      category: 'reliability',
      metric_name: 'success_rate',
      threshold: t.success_rate,
      describe: (v) => `Success rate ${percent(v)} below threshold ${percent(t.success_rate)}`,
      impact: 'Service reliability issues',
      recommendation: 'Improve error handling and implement retry mechanisms',
    },
    {
      ladder: [
        rung(objectiveOf('error_rate', '<=', t.error_rate * 2), 'high'),
        rung(objectiveOf('error_rate', '<=', t.error_rate), 'medium'),
      ],
      category: 'reliability',
      metric_name: 'error_rate',
      threshold: t.error_rate,
      describe: (v) => `Error rate ${percent(v)} exceeds threshold ${percent(t.error_rate)}`,
      impact: 'Increased operational overhead',
      recommendation: 'Analyze error patterns and implement better error recovery',
    },
    {
      ladder: cache ? [rung(cache, 'medium')] : [],
      category: 'optimization',
      metric_name: 'cache_hit_rate',
      threshold: expected?.rate ?? 0,
      describe: (v) =>
        expected?.source === 'workload'
          ? `Cache hit rate ${percent(v)} below the ${percent(expected.rate)} the workload expects its cache to serve`
          : `Cache hit rate ${percent(v)} below threshold ${percent(expected?.rate ?? 0)}`,
      impact: 'Increased processing time and resource usage',
      recommendation: 'Optimize cache configuration and data access patterns',
    },
    {
      ladder: [
        rung(objectiveOf('cpu', '<=', t.cpu_percent * 1.2), 'medium'),
        rung(objectiveOf('cpu', '<=', t.cpu_percent), 'low'),
      ],
      category: 'resources',
      metric_name: 'cpu_percent',
      threshold: t.cpu_percent,
      describe: (v) =>
        `Average CPU usage ${v.toFixed(1)}% exceeds threshold ${t.cpu_percent.toFixed(1)}%`,
      impact: 'Resource constraints may affect other services',
      recommendation: 'Optimize CPU usage or consider horizontal scaling',
    },
    {
      ladder: [
        rung(objectiveOf('memory', '<=', t.memory_mb * 1.5), 'high'),
        rung(objectiveOf('memory', '<=', t.memory_mb), 'medium'),
      ],
      category: 'resources',
      metric_name: 'memory_mb',
      threshold: t.memory_mb,
      describe: (v) =>
        `Workload memory ${v.toFixed(1)}MB (above the process before setup; grew ${growth.toFixed(1)}MB during the run) exceeds threshold ${t.memory_mb.toFixed(1)}MB`,
      impact: 'Risk of memory exhaustion and service disruption',
      recommendation: leaking
        ? 'Investigate memory leaks: memory grew while the run went on'
        : 'Reduce what the workload holds (model size, caches, buffers)',
    },
  ];
}

/** A rule of the recommendation table: its ladder sets the priority. */
export interface RecommendationRule
  extends Rule<Severity>, Omit<Recommendation, 'priority' | 'details'> {
  details: Record<string, unknown>;
}

/** The seed analyzer's `_generate_recommendations`, over the run's figures. */
export function recommendationTable(f: RunFigures): RecommendationRule[] {
  const cache = cacheObjective(f);
  return [
    {
      ladder: [
        rung(objectiveOf('p95', '<=', REQUIREMENT.p95.threshold), 'high'),
        rung(objectiveOf('p95', '<=', TARGET_P95_MS), 'medium'),
      ],
      category: 'latency',
      description: 'Optimize feature extraction pipeline',
      implementation_effort: 'medium',
      expected_impact: '20-50% latency reduction',
      details: {
        current_latency: f.p95,
        target_latency: TARGET_P95_MS,
        suggested_actions: [
          'Profile slow code paths',
          'Optimize model inference',
          'Implement batch processing where possible',
        ],
      },
    },
    {
      ladder: cache ? [rung(cache, 'medium')] : [],
      category: 'caching',
      description: 'Improve cache hit rate',
      implementation_effort: 'low',
      expected_impact: '10-30% performance improvement',
      details: {
        current_hit_rate: f.cacheHitRate,
        target_hit_rate: f.cacheExpectation?.rate,
        suggested_actions: [
          'Increase cache size',
          'Optimize cache TTL settings',
          'Improve cache key generation',
        ],
      },
    },
    {
      ladder: [
        rung('error_rate<=5%', 'high'),
        rung(objectiveOf('error_rate', '<=', TARGET_ERROR_RATE), 'medium'),
      ],
      category: 'reliability',
      description: 'Improve error handling and recovery',
      implementation_effort: 'medium',
      expected_impact: '50-80% error rate reduction',
      details: {
        current_error_rate: f.errorRate,
        target_error_rate: TARGET_ERROR_RATE,
        suggested_actions: [
          'Implement comprehensive error handling',
          'Add retry mechanisms with exponential backoff',
          'Improve logging and monitoring',
        ],
      },
    },
    {
      // Either figure over its mark: one rule, as the seed's `or`.
      ladder: [rung('cpu<=70%', 'medium'), rung('memory<=800MB', 'medium')],
      category: 'resources',
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
    },
  ];
}

/** The error rate the seed's recommendations aim at: its default error threshold. */
const TARGET_ERROR_RATE = 0.01;

/** A rule of the alert table, with the seed's `check_alerts` fields. */
export interface AlertRuleRow extends Rule<AlertLevel> {
  category: string;
  metric: string;
  threshold: number;
  describe: (value: number) => string;
}

/**
 * The seed's `PerformanceAlerting.check_alerts` over thresholds `t`: P95 WARNING above its
 * threshold and CRITICAL above 1.5×; P99 WARNING; success WARNING below and CRITICAL below
 * 0.9×; errors INFO above and WARNING above 2×; CPU INFO above and WARNING above 1.1×;
 * memory INFO above and WARNING above 1.2×. The run's alerts.json and the monitor's default
 * rules both read this table.
 */
export function alertTable(t: AlertThresholds): AlertRuleRow[] {
  return [
    {
      ladder: [
        rung(objectiveOf('p95', '<=', t.latency_p95_ms * 1.5), 'CRITICAL'),
        rung(objectiveOf('p95', '<=', t.latency_p95_ms), 'WARNING'),
      ],
      category: 'latency',
      metric: 'latency_p95_ms',
      threshold: t.latency_p95_ms,
      describe: (v) => `P95 latency ${v.toFixed(2)}ms exceeds threshold ${t.latency_p95_ms}ms`,
    },
    {
      ladder: [rung(objectiveOf('p99', '<=', t.latency_p99_ms), 'WARNING')],
      category: 'latency',
      metric: 'latency_p99_ms',
      threshold: t.latency_p99_ms,
      describe: (v) => `P99 latency ${v.toFixed(2)}ms exceeds threshold ${t.latency_p99_ms}ms`,
    },
    {
      ladder: [
        rung(objectiveOf('success', '>=', t.success_rate * 0.9), 'CRITICAL'),
        rung(objectiveOf('success', '>=', t.success_rate), 'WARNING'),
      ],
      category: 'reliability',
      metric: 'success_rate',
      threshold: t.success_rate,
      describe: (v) => `Success rate ${percent(v)} below threshold ${percent(t.success_rate)}`,
    },
    {
      ladder: [
        // A rate is at most 1: twice a threshold above 50 % can never be exceeded.
        rung(objectiveOf('error_rate', '<=', Math.min(1, t.error_rate * 2)), 'WARNING'),
        rung(objectiveOf('error_rate', '<=', t.error_rate), 'INFO'),
      ],
      category: 'reliability',
      metric: 'error_rate',
      threshold: t.error_rate,
      describe: (v) => `Error rate ${percent(v)} exceeds threshold ${percent(t.error_rate)}`,
    },
    {
      ladder: [
        rung(objectiveOf('cpu', '<=', t.cpu_percent * 1.1), 'WARNING'),
        rung(objectiveOf('cpu', '<=', t.cpu_percent), 'INFO'),
      ],
      category: 'resources',
      metric: 'cpu_percent',
      threshold: t.cpu_percent,
      describe: (v) =>
        `Average CPU usage ${v.toFixed(1)}% exceeds threshold ${t.cpu_percent.toFixed(1)}%`,
    },
    {
      ladder: [
        rung(objectiveOf('memory', '<=', t.memory_mb * 1.2), 'WARNING'),
        rung(objectiveOf('memory', '<=', t.memory_mb), 'INFO'),
      ],
      category: 'resources',
      metric: 'memory_mb',
      threshold: t.memory_mb,
      describe: (v) =>
        `Workload memory ${v.toFixed(1)}MB (above the process before setup) exceeds threshold ${t.memory_mb.toFixed(1)}MB`,
    },
  ];
}
