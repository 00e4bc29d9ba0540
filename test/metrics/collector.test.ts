import { afterEach, describe, expect, it, vi } from 'vitest';
import { MetricsCollector, percentileLinear } from '../../src/metrics/index.js';
import { seededRandom } from '../../src/random/index.js';

const T0 = Date.UTC(2026, 0, 1);

function lognormal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return 5 * Math.exp(0.6 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}

afterEach(() => vi.restoreAllMocks());

describe('MetricsCollector', () => {
  it('counts outcomes, keeps failed latencies apart and folds error types past the cap', () => {
    const c = new MetricsCollector({ sampleResources: false, maxErrorTypes: 3 });
    c.startCollection();
    c.recordSample({ latencyMs: 10, success: true, cacheHit: true });
    c.recordSample({ latencyMs: 20, success: true, cacheHit: false, fallbackUsed: true });
    c.recordSample({ latencyMs: 30, success: true });
    c.recordSample({ latencyMs: 500, success: false, errorType: 'timeout' });
    for (const type of ['A', 'B', 'C', 'D', 'A']) {
      c.recordSample({ latencyMs: 1, success: false, errorType: type });
    }
    c.recordSample({ latencyMs: 2, success: false });
    const m = c.endCollection();
    expect(m.totalSamples).toBe(10);
    expect(m.successfulSamples).toBe(3);
    expect(m.failedSamples).toBe(7);
    expect(m.successRate).toBeCloseTo(0.3);
    expect(m.errorRate).toBeCloseTo(0.7);
    // Cache: only calls that reported a lookup count; the third reported none.
    expect(m.cacheHits).toBe(1);
    expect(m.cacheMisses).toBe(1);
    expect(m.cacheHitRate).toBe(0.5);
    expect(m.fallbackUses).toBe(1);
    expect(m.fallbackRate).toBeCloseTo(0.1);
    expect(m.errorCounts).toEqual({ timeout: 1, A: 2, B: 1, other: 3 });
    // Successful latencies only in the headline figures…
    expect(m.latencyPercentiles.max).toBe(30);
    expect(m.latencyPercentiles.p50).toBe(20);
    // …and the failed ones kept separately.
    expect(m.failedLatencyPercentiles?.max).toBe(500);
    expect(m.failedLatencyPercentiles?.min).toBe(1);
  });

  it('reports numpy-linear percentiles from every latency while under the exact cap', () => {
    const random = seededRandom(7);
    const values = Array.from({ length: 5000 }, () => lognormal(random));
    const c = new MetricsCollector({ sampleResources: false });
    c.startCollection();
    values.forEach((v, i) => c.record(v, 1, undefined, T0 + i));
    const m = c.endCollection();
    const sorted = Float64Array.from(values).sort();
    expect(m.percentileMethod).toBe('exact_linear');
    expect(m.latencyPercentiles.p95).toBe(percentileLinear(sorted, 95));
    expect(m.latencyPercentiles.p999).toBe(percentileLinear(sorted, 99.9));
    expect(m.latencyPercentiles.min).toBe(sorted[0]);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(m.latencyPercentiles.avg).toBeCloseTo(mean, 9);
  });

  it('switches to the HDR histogram past the cap, within its 0.1 % error', () => {
    const random = seededRandom(11);
    const values = Array.from({ length: 20_000 }, () => lognormal(random));
    const c = new MetricsCollector({ sampleResources: false, exactCap: 1000 });
    c.startCollection();
    values.forEach((v, i) => c.record(v, 1, undefined, T0 + i));
    const recorded = c.recorded();
    const m = recorded.metrics;
    expect(m.percentileMethod).toBe('hdr_histogram');
    expect(recorded.samples).toBeNull();
    expect(m.totalSamples).toBe(20_000);
    const sorted = Float64Array.from(values).sort();
    for (const [key, p] of [
      ['p50', 50],
      ['p95', 95],
      ['p99', 99],
    ] as const) {
      const exact = percentileLinear(sorted, p);
      expect(Math.abs(m.latencyPercentiles[key] - exact) / exact).toBeLessThan(0.002);
    }
    expect(m.latencyPercentiles.max).toBe(sorted[sorted.length - 1]);
    expect(m.latencyDistribution.counts.reduce((a, b) => a + b, 0)).toBe(20_000);
  });

  it('bins successful latencies into the seed bins', () => {
    const c = new MetricsCollector({ sampleResources: false });
    c.startCollection();
    for (const v of [0, 9.99, 10, 19, 20, 49, 50, 99, 100, 199, 200, 499, 500, 999, 1000, 5000]) {
      c.recordSample({ latencyMs: v, success: true, timestampMs: T0 });
    }
    c.recordSample({ latencyMs: 5, success: false, timestampMs: T0 });
    const m = c.endCollection();
    expect(m.latencyDistribution.bins).toEqual([0, 10, 20, 50, 100, 200, 500, 1000]);
    expect(m.latencyDistribution.counts).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
  });

  it('builds a per-second timeline from the samples’ timestamps, empty seconds included', () => {
    const c = new MetricsCollector({ sampleResources: false });
    c.startCollection({ replay: true });
    // 10 calls in second 0, none in second 1, 5 (one failing) in second 2.
    for (let i = 0; i < 10; i++) c.record(4, 1, undefined, T0 + 100 + i * 10);
    for (let i = 0; i < 5; i++) c.record(8, i === 0 ? 0 : 1, 'x', T0 + 2100 + i * 10);
    c.endCollection({ startMs: T0 + 96, endMs: T0 + 2996 });
    const timeline = c.aggregatedMetrics.throughputTimeline;
    expect(timeline.map((p) => p.requests)).toEqual([10, 0, 5]);
    expect(timeline.map((p) => p.failures)).toEqual([0, 0, 1]);
    expect(timeline[0]!.throughput_rps).toBe(10);
    expect(timeline[0]!.p95_ms).toBeCloseTo(4, 1);
    expect(timeline[2]!.p50_ms).toBeCloseTo(8, 1);
    expect(timeline[1]!.timestamp - timeline[0]!.timestamp).toBe(1);
  });

  it('never probes resources while recording: the sampler runs on its own timer', () => {
    const cpuUsage = vi.spyOn(process, 'cpuUsage');
    const memoryUsage = vi.spyOn(process, 'memoryUsage');
    const c = new MetricsCollector();
    c.startCollection();
    const before = cpuUsage.mock.calls.length + memoryUsage.mock.calls.length;
    for (let i = 0; i < 200_000; i++) c.record(1 + (i % 50), 1, undefined, T0 + i / 100);
    expect(cpuUsage.mock.calls.length + memoryUsage.mock.calls.length).toBe(before);
    const m = c.endCollection();
    expect(m.resourceTimeline.length).toBeGreaterThanOrEqual(1);
    expect(m.resources?.max_memory_mb).toBeGreaterThan(0);
  });

  it('samples resources about once a second during a run', async () => {
    const c = new MetricsCollector();
    c.startCollection();
    await new Promise((r) => setTimeout(r, 2300));
    const m = c.endCollection();
    expect(m.resourceTimeline.length).toBeGreaterThanOrEqual(2);
    expect(m.resourceTimeline.length).toBeLessThanOrEqual(4);
    for (const point of m.resourceTimeline) {
      expect(point.cpu_percent).toBeGreaterThanOrEqual(0);
      expect(point.memory_mb).toBeGreaterThan(10);
      expect(point.heap_used_mb).toBeGreaterThan(0);
    }
  });

  it('rejects impossible latencies with a clear error', () => {
    const c = new MetricsCollector({ sampleResources: false });
    c.startCollection();
    for (const bad of [NaN, -1, Infinity]) {
      expect(() => c.recordSample({ latencyMs: bad, success: true })).toThrow(/finite number ≥ 0/);
    }
    expect(c.endCollection().totalSamples).toBe(0);
  });

  it('gives a live snapshot before the end and forgets everything on reset()', () => {
    const c = new MetricsCollector({ sampleResources: false });
    c.startCollection();
    for (let i = 1; i <= 100; i++) c.recordSample({ latencyMs: i, success: true });
    const live = c.getCurrentMetrics();
    expect(live.total_samples).toBe(100);
    expect(live.latency_p95).toBeCloseTo(95, 0);
    expect(c.aggregatedMetrics.totalSamples).toBe(100);
    c.endCollection();
    expect(() => c.recordSample({ latencyMs: 1, success: true })).toThrow(/startCollection/);
    c.reset();
    expect(c.aggregatedMetrics.totalSamples).toBe(0);
    c.startCollection();
    c.recordSample({ latencyMs: 3, success: true });
    expect(c.endCollection().latencyPercentiles.p50).toBe(3);
  });
});
