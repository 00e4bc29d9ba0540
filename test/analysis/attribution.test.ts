import { describe, expect, it } from 'vitest';
import { analyzeRun, evaluateAlerts, PerformanceAnalyzer } from '../../src/analysis/index.js';
import type { SummaryReport } from '../../src/model/index.js';
import { summaryOf } from './_summary.js';

/** A fast, healthy run whose process held `rssMb`, of which the workload added `addedMb`. */
function runWith(rssMb: number, addedMb: number, growthMb = 0): SummaryReport {
  return summaryOf(
    Array.from({ length: 400 }, (_, i) => 1 + (i % 10)),
    (s) => {
      s.resource_metrics = {
        avg_cpu_percent: 97,
        max_cpu_percent: 100,
        avg_memory_mb: rssMb - 5,
        max_memory_mb: rssMb,
        avg_heap_used_mb: 40,
        max_event_loop_delay_ms: 2,
        baseline_memory_mb: rssMb - addedMb,
        workload_memory_mb: addedMb,
        memory_growth_mb: growthMb,
      };
    },
  );
}

const metrics = (s: SummaryReport, thresholds = {}) =>
  analyzeRun(s, [], { thresholds }).bottlenecks.map((b) => b.metric_name);

describe('resources are the workload’s, not Node’s and perfsight’s', () => {
  it('the memory threshold applies to what the workload added above the process before setup', () => {
    // 155 MB of RSS, 40 of it the workload's (the demo's TensorFlow.js run): nothing to say.
    expect(metrics(runWith(155, 40))).not.toContain('memory_mb');
    expect(evaluateAlerts(runWith(1600, 40)).map((a) => a.metric)).not.toContain('memory_mb');
    const heavy = analyzeRun(runWith(400, 250, 10), []).bottlenecks;
    const memory = heavy.find((b) => b.metric_name === 'memory_mb')!;
    expect(memory.current_value).toBe(250);
    expect(memory.description).toMatch(/^Workload memory 250\.0MB .*grew 10\.0MB/);
    // Held since setup, not grown: a size to reduce, not a leak to chase.
    expect(memory.recommendation).not.toMatch(/leak/i);
    const leaking = analyzeRun(runWith(400, 250, 200), []).bottlenecks;
    expect(leaking.find((b) => b.metric_name === 'memory_mb')!.recommendation).toMatch(/leak/i);
  });

  it('a report without the baseline (older perfsight) is not judged on memory', () => {
    const old = runWith(400, 250);
    const { baseline_memory_mb, workload_memory_mb, memory_growth_mb, ...rest } =
      old.resource_metrics!;
    void [baseline_memory_mb, workload_memory_mb, memory_growth_mb];
    old.resource_metrics = rest;
    expect(metrics(old)).not.toContain('memory_mb');
  });

  it('a closed loop’s CPU use is its design: judged only in an open loop', () => {
    const closed = runWith(100, 10);
    closed.configuration = { mode: 'closed_loop' };
    expect(metrics(closed)).not.toContain('cpu_percent');
    expect(evaluateAlerts(closed).map((a) => a.metric)).not.toContain('cpu_percent');
    const open = runWith(100, 10);
    open.configuration = { mode: 'open_loop' };
    expect(metrics(open)).toContain('cpu_percent');
  });
});

describe('the cache is judged against what the workload expects it to serve', () => {
  const cached = (hits: number, misses: number, expected?: number) => {
    const s = runWith(100, 10);
    s.configuration = { mode: 'closed_loop' };
    s.optimization_metrics = {
      ...s.optimization_metrics,
      cache_hits: hits,
      cache_misses: misses,
      cache_hit_rate: hits / (hits + misses),
    };
    s.workload = expected === undefined ? {} : { expected_cache_hit_rate: expected };
    return s;
  };

  it('a workload repeating 20 % of its inputs that hits 19.4 % has no cache finding', () => {
    const run = cached(194, 806, 0.2);
    expect(metrics(run)).toEqual([]);
    expect(analyzeRun(run, []).recommendations).toEqual([]);
  });

  it('well under the expected rate is a finding that names the expectation', () => {
    const analysis = analyzeRun(cached(100, 900, 0.2), []);
    const cache = analysis.bottlenecks.find((b) => b.metric_name === 'cache_hit_rate')!;
    expect(cache.threshold).toBe(0.2);
    expect(cache.description).toContain('20.00%');
    expect(analysis.recommendations.map((r) => r.category)).toContain('caching');
  });

  it('without an expectation the cache is not judged, unless the user sets a threshold', () => {
    expect(metrics(cached(100, 900))).toEqual([]);
    expect(metrics(cached(100, 900), { cache_hit_rate: 0.5 })).toEqual(['cache_hit_rate']);
    const seedWay = new PerformanceAnalyzer({ cache_hit_rate: 0.5 });
    expect(seedWay.analyzePerformance(cached(100, 900)).bottlenecks).toHaveLength(1);
    expect(new PerformanceAnalyzer().analyzePerformance(cached(100, 900)).bottlenecks).toEqual([]);
  });
});
