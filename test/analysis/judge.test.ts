import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analyzeRun,
  bottlenecksOf,
  checkCompliance,
  checkObjectives,
  DEFAULT_OBJECTIVES,
  generateRecommendations,
  evaluateAlerts,
  parseObjective,
  parseObjectives,
  type RunFigures,
} from '../../src/analysis/index.js';
import { evaluate, judge, rate, rung } from '../../src/model/judge.js';
import { DEFAULT_ANALYZER_THRESHOLDS } from '../../src/model/thresholds.js';
import { AlertEvaluator, seedAlertRules, type WindowFigures } from '../../src/monitor/index.js';
import { checkWindowObjectives, overallRisk } from '../../src/monitor/_analysis.js';
import { rateP95, rateSuccess } from '../../src/report/html/_text.js';
import type { SummaryReport } from '../../src/model/index.js';
import { summaryOf } from './_summary.js';

const ratio = fc.double({ min: 0, max: 1, noNaN: true });
const positive = (max: number) =>
  fc.double({ min: max / 1000, max, noNaN: true, noDefaultInfinity: true });

describe('the judge: ladders of objectives', () => {
  it('gives the first rung the figures break, most severe first; none when all hold or nothing is measured', () => {
    const ladder = [rung('p95<=200ms', 'critical'), rung('p95<=100ms', 'high')];
    expect(judge(ladder, { p95: 250 })?.level).toBe('critical');
    expect(judge(ladder, { p95: 150 })).toMatchObject({ level: 'high', value: 150 });
    expect(judge(ladder, { p95: 100 })).toBeNull();
    expect(judge(ladder, { p95: null })).toBeNull();
    expect(judge(ladder, {})).toBeNull();
    // Rungs on different metrics: either figure over its mark (the seed's `or`).
    const either = [rung('cpu<=70%', 'medium'), rung('memory<=800MB', 'medium')];
    expect(judge(either, { memory: 900 })?.objective.source).toBe('memory<=800MB');
    expect(rate([], { p95: 1 }, 'good')).toBe('good');
  });

  it('a two-rung ladder is the seed’s if-chain “above 2× critical, above 1× high”', () => {
    fc.assert(
      fc.property(positive(1000), fc.double({ min: 0, max: 3000, noNaN: true }), (t, v) => {
        const ladder = [rung(`p95<=${2 * t}ms`, 'critical'), rung(`p95<=${t}ms`, 'high')];
        const seed =
          v > parseObjective(`p95<=${t}ms`).threshold
            ? v > parseObjective(`p95<=${2 * t}ms`).threshold
              ? 'critical'
              : 'high'
            : null;
        expect(judge(ladder, { p95: v })?.level ?? null).toBe(seed);
      }),
    );
  });

  it('evaluate keeps the table’s order and skips the rules that hold', () => {
    const table = [
      { name: 'a', ladder: [rung('p95<=100ms', 1)] },
      { name: 'b', ladder: [rung('success>=99%', 2)] },
      { name: 'c', ladder: [rung('p99<=200ms', 3)] },
    ];
    const found = evaluate(table, { p95: 120, success: 1, p99: 300 });
    expect(found.map((f) => [f.rule.name, f.level])).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
  });
});

describe('the grammar: a percentage is the ratio itself', () => {
  it('success>=N% is N/100 exactly, so 19 successes of 20 meet success>=95%', () => {
    for (let n = 0; n <= 100; n++) {
      expect(parseObjective(`success>=${n}%`).threshold).toBe(n / 100);
    }
    const summary = summaryOf(
      Array.from({ length: 19 }, () => 5),
      (s) => {
        s.performance_summary.total_requests = 20;
        s.performance_summary.failed_requests = 1;
        s.performance_summary.success_rate = 19 / 20;
        s.performance_summary.error_rate = 1 / 20;
      },
    );
    const [result] = checkObjectives(summary, parseObjectives(['success>=95%']));
    expect(result!.passed).toBe(true);
  });
});

describe('the HTML ratings', () => {
  const order = { bad: 0, warning: 1, good: 2 } as const;
  it('are monotone: a higher success rate never rates worse, a higher P95 never better', () => {
    fc.assert(
      fc.property(ratio, ratio, (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(order[rateSuccess(low)]).toBeLessThanOrEqual(order[rateSuccess(high)]);
      }),
    );
    fc.assert(
      fc.property(positive(1000), positive(1000), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(order[rateP95(low)]).toBeGreaterThanOrEqual(order[rateP95(high)]);
      }),
    );
  });

  it('the legend’s boundaries are the rating’s (good at 99 %, warning at 95 %, good at 50 ms…)', () => {
    expect([rateSuccess(0.99), rateSuccess(0.95), rateSuccess(0.9499)]).toEqual([
      'good',
      'warning',
      'bad',
    ]);
    expect([rateP95(50), rateP95(100), rateP95(100.01)]).toEqual(['good', 'warning', 'bad']);
  });
});

/** The seed's `_identify_bottlenecks` severities, as its if-chain wrote them. */
function seedSeverities(f: RunFigures, t = DEFAULT_ANALYZER_THRESHOLDS): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.p95 > t.latency_p95_ms)
    out['latency_p95_ms'] = f.p95 > t.latency_p95_ms * 2 ? 'critical' : 'high';
  if (f.p99 > t.latency_p99_ms) out['latency_p99_ms'] = 'high';
  if (f.successRate < t.success_rate)
    out['success_rate'] = f.successRate < t.success_rate * 0.9 ? 'critical' : 'high';
  if (f.errorRate > t.error_rate)
    out['error_rate'] = f.errorRate > t.error_rate * 2 ? 'high' : 'medium';
  if (f.avgCpu !== null && f.avgCpu > t.cpu_percent)
    out['cpu_percent'] = f.avgCpu > t.cpu_percent * 1.2 ? 'medium' : 'low';
  if (f.workloadMemory !== null && f.workloadMemory > t.memory_mb)
    out['memory_mb'] = f.workloadMemory > t.memory_mb * 1.5 ? 'high' : 'medium';
  return out;
}

/** Figures near the seed's thresholds (on them, at their multiples) as well as anywhere. */
const near = (t: number) =>
  fc.oneof(
    fc.constantFrom(t, t * 0.9, t * 1.1, t * 1.2, t * 1.5, t * 2),
    fc.double({ min: 0, max: t * 3, noNaN: true }),
  );
const nearRate = (t: number) => fc.oneof(fc.constantFrom(t, t * 0.9, t * 2), ratio);

const figures: fc.Arbitrary<RunFigures> = fc.record({
  p95: near(100),
  p99: near(200),
  successRate: nearRate(0.99),
  errorRate: nearRate(0.01),
  cacheHitRate: fc.constant(null),
  cacheLookups: fc.constant(0),
  avgCpu: fc.option(near(80)),
  workloadMemory: fc.option(near(100)),
  memoryGrowth: fc.constant(0),
  cacheExpectation: fc.constant(null),
});

describe('the bottleneck table', () => {
  it('gives the seed’s severities for any figures', () => {
    fc.assert(
      fc.property(figures, (f) => {
        const found = Object.fromEntries(
          bottlenecksOf(f, DEFAULT_ANALYZER_THRESHOLDS).map((b) => [b.metric_name, b.severity]),
        );
        expect(found).toEqual(seedSeverities(f));
      }),
    );
  });
});

describe('the recommendation table', () => {
  it('gives the seed’s priorities for any figures', () => {
    fc.assert(
      fc.property(
        fc.record({ p95: near(100), errors: nearRate(0.01), cpu: fc.option(near(70)) }),
        (f) => {
          const summary = summaryWith({
            p95: f.p95,
            p99: 0,
            success: 1 - f.errors,
            errors: f.errors,
            cpu: f.cpu,
          });
          const seed: Record<string, string> = {};
          if (f.p95 > 50) seed['latency'] = f.p95 > 100 ? 'high' : 'medium';
          if (f.errors > 0.01) seed['reliability'] = f.errors > 0.05 ? 'high' : 'medium';
          if ((f.cpu ?? 0) > 70) seed['resources'] = 'medium';
          const found = Object.fromEntries(
            generateRecommendations(summary).map((r) => [r.category, r.priority]),
          );
          expect(found).toEqual(seed);
        },
      ),
    );
  });
});

describe('the compliance check', () => {
  it('is the default objectives’ verdict: the requirement is defined once', () => {
    fc.assert(
      fc.property(
        fc.record({ p95: near(100), success: nearRate(0.99), fallback: nearRate(0.01) }),
        (f) => {
          const summary = summaryWith({
            p95: f.p95,
            p99: 0,
            success: f.success,
            errors: 1 - f.success,
          });
          summary.optimization_metrics.fallback_usage_rate = f.fallback;
          const compliance = Object.values(checkCompliance(summary).requirements).map(
            (r) => r.compliant,
          );
          const objectives = checkObjectives(summary, parseObjectives(DEFAULT_OBJECTIVES)).map(
            (r) => r.passed,
          );
          expect(compliance).toEqual(objectives);
        },
      ),
    );
  });
});

/** A monitor window holding these figures over a whole hour of 1,000 requests. */
function windowOf(f: {
  p95: number;
  p99: number;
  success: number;
  errors: number;
  cpu?: number | null;
  memory?: number | null;
  cacheHits?: number;
  cacheMisses?: number;
}): WindowFigures & { cpu_percent: number | null; memory_mb: number | null } {
  const hits = f.cacheHits ?? 0;
  const misses = f.cacheMisses ?? 0;
  return {
    span_seconds: 3600,
    requests: 1000,
    failures: Math.round(1000 * f.errors),
    cache_hits: hits,
    cache_misses: misses,
    fallbacks: 0,
    success_rate: f.success,
    error_rate: f.errors,
    requests_per_second: 1000 / 3600,
    cache_hit_rate: hits + misses > 0 ? hits / (hits + misses) : 0,
    fallback_rate: 0,
    latency_avg: f.p95 / 2,
    latency_p50: f.p95 / 2,
    latency_p90: f.p95,
    latency_p95: f.p95,
    latency_p99: f.p99,
    latency_p999: f.p99,
    latency_max: f.p99,
    latency_min: 0,
    bad: [],
    cpu_percent: f.cpu ?? null,
    memory_mb: f.memory ?? null,
  };
}

/** A run's summary holding the same figures (an open loop: its CPU is a finding). */
const BASE = summaryOf([1, 2, 3]);
function summaryWith(f: Parameters<typeof windowOf>[0]): SummaryReport {
  return patched(structuredClone(BASE), (s) => {
    s.configuration = { mode: 'open_loop' };
    s.latency_metrics.p95_ms = f.p95;
    s.latency_metrics.p99_ms = f.p99;
    s.performance_summary.success_rate = f.success;
    s.performance_summary.error_rate = f.errors;
    s.optimization_metrics.cache_hits = f.cacheHits ?? 0;
    s.optimization_metrics.cache_misses = f.cacheMisses ?? 0;
    const lookups = (f.cacheHits ?? 0) + (f.cacheMisses ?? 0);
    s.optimization_metrics.cache_hit_rate = lookups > 0 ? (f.cacheHits ?? 0) / lookups : 0;
    s.resource_metrics =
      f.cpu === undefined || f.cpu === null
        ? null
        : ({
            avg_cpu_percent: f.cpu,
            ...(f.memory === undefined || f.memory === null
              ? {}
              : { workload_memory_mb: f.memory }),
          } as SummaryReport['resource_metrics']);
  });
}

function patched(s: SummaryReport, patch: (s: SummaryReport) => void): SummaryReport {
  patch(s);
  return s;
}

const LEVEL = { INFO: 1, WARNING: 2, CRITICAL: 3 } as const;

describe('the monitor judges as the run’s analysis does', () => {
  it('its default alert rules fire the level alerts.json gives, for any alert thresholds', () => {
    const thresholds = fc.record({
      latency_p95_ms: positive(1000),
      latency_p99_ms: positive(2000),
      success_rate: fc.double({ min: 0.5, max: 1, noNaN: true }),
      error_rate: fc.double({ min: 0.001, max: 0.6, noNaN: true }),
      cpu_percent: positive(200),
      memory_mb: positive(4000),
    });
    // Figures on a threshold, on its six-digit rounding, at its multiples, or anywhere.
    const at = (t: number, rateLimit = Infinity) =>
      fc
        .oneof(
          fc.constantFrom(t, Number(t.toPrecision(6)), t * 1.1, t * 1.2, t * 1.5, t * 2, t * 0.9),
          fc.double({ min: 0, max: t * 3, noNaN: true }),
        )
        .map((v) => Math.min(v, rateLimit));
    const cases = thresholds.chain((t) =>
      fc.record({
        t: fc.constant(t),
        f: fc.record({
          p95: at(t.latency_p95_ms),
          p99: at(t.latency_p99_ms),
          success: at(t.success_rate, 1),
          errors: at(t.error_rate, 1),
          cpu: at(t.cpu_percent),
          memory: at(t.memory_mb),
        }),
      }),
    );
    const metricOf: Record<string, string> = {
      p95: 'latency_p95_ms',
      p99: 'latency_p99_ms',
      success: 'success_rate',
      error_rate: 'error_rate',
      cpu: 'cpu_percent',
      memory: 'memory_mb',
    };
    fc.assert(
      fc.property(cases, ({ t, f }) => {
        const run = Object.fromEntries(
          evaluateAlerts(summaryWith(f), t).map((a) => [a.metric, a.level]),
        );
        const rules = seedAlertRules(t).map((r) => ({ ...r, forMs: 0 }));
        const monitor: Record<string, keyof typeof LEVEL> = {};
        for (const e of new AlertEvaluator(rules).evaluate(0, ['c'], () => windowOf(f))) {
          const metric = metricOf[e.metric]!;
          const known = monitor[metric];
          if (!known || LEVEL[e.level] > LEVEL[known]) monitor[metric] = e.level;
        }
        expect(monitor).toEqual(run);
      }),
      { numRuns: 300 },
    );
  });

  it('its periodic analysis gives the risk analysis.json gives, for the same figures', () => {
    const objectives = parseObjectives(['p95<100ms', 'success>=99%', 'error_rate<5%']);
    const cases = fc.record({
      f: fc.record({
        p95: near(100),
        p99: near(200),
        success: nearRate(0.99),
        errors: nearRate(0.01),
        cpu: fc.option(near(80)),
        cacheHits: fc.nat(100),
        cacheMisses: fc.nat(100),
      }),
      thresholds: fc.record(
        { cache_hit_rate: ratio, latency_p95_ms: positive(300), cpu_percent: positive(150) },
        { requiredKeys: [] },
      ),
    });
    const risks = new Set<string>();
    fc.assert(
      fc.property(cases, ({ f, thresholds }) => {
        const window = windowOf(f);
        const monitorRisk = overallRisk(
          window,
          checkWindowObjectives(objectives, window),
          thresholds,
        );
        const run = analyzeRun(summaryWith(f), objectives, { thresholds });
        expect(monitorRisk).toBe(run.risk_assessment.overall_risk);
        risks.add(monitorRisk);
      }),
      { numRuns: 300 },
    );
    // The property covered every level, not one answer over and over.
    expect([...risks].sort()).toEqual(['critical', 'high', 'low', 'medium']);
  });
});
