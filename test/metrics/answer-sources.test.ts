import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MetricsCollector,
  meanAndStd,
  percentileLinear,
  sampleFlags,
} from '../../src/metrics/index.js';
import { seededRandom } from '../../src/random/index.js';

const T0 = Date.UTC(2026, 0, 1);

/** 3,000 calls: the model slow (~20 ms), the cache fast (~0.1 ms), the fallback ~3 ms. */
function mixedRun(exactCap?: number) {
  const random = seededRandom(11);
  const c = new MetricsCollector({ sampleResources: false, exactCap });
  c.startCollection({ replay: true });
  const bySource = { model: [] as number[], cache: [] as number[], fallback: [] as number[] };
  for (let i = 0; i < 3000; i++) {
    const roll = random();
    const jitter = 1 + random();
    if (roll < 0.02) {
      c.record(50 * jitter, sampleFlags(false, false, true), 'timeout', T0 + i);
    } else if (roll < 0.22) {
      bySource.cache.push(0.1 * jitter);
      c.record(0.1 * jitter, sampleFlags(true, true, false), undefined, T0 + i);
    } else if (roll < 0.3) {
      bySource.fallback.push(3 * jitter);
      c.record(3 * jitter, sampleFlags(true, false, true), undefined, T0 + i);
    } else {
      bySource.model.push(20 * jitter);
      c.record(20 * jitter, sampleFlags(true, false, false), undefined, T0 + i);
    }
  }
  return { metrics: c.endCollection({ startMs: T0, endMs: T0 + 3000 }), bySource };
}

describe('latency by who answered', () => {
  it('splits successful calls into model, cache and fallback, each with exact figures', () => {
    const { metrics, bySource } = mixedRun();
    expect(metrics.percentileMethod).toBe('exact_linear');
    for (const source of ['model', 'cache', 'fallback'] as const) {
      const sorted = Float64Array.from(bySource[source]).sort();
      const figures = metrics.latencyBySource[source];
      expect(figures.count, source).toBe(sorted.length);
      expect(figures.percentiles?.p95, source).toBe(percentileLinear(sorted, 95));
      expect(figures.percentiles?.min, source).toBe(sorted[0]);
      expect(figures.percentiles?.max, source).toBe(sorted.at(-1));
      expect(figures.percentiles?.avg, source).toBeCloseTo(meanAndStd(sorted).mean, 9);
    }
    // Failed calls belong to no source (the fallback flag on a failure is not an answer).
    const counted = Object.values(metrics.latencyBySource).reduce((n, s) => n + s.count, 0);
    expect(counted).toBe(metrics.successfulSamples);
    // The cache pulls the headline p95 below the model's own: why it is reported apart.
    expect(metrics.latencyPercentiles.p50).toBeLessThan(
      metrics.latencyBySource.model.percentiles!.p50,
    );
  });

  it('past the exact cap, the split comes from histograms within their precision', () => {
    const exact = mixedRun().metrics;
    const histogram = mixedRun(100).metrics;
    expect(histogram.percentileMethod).toBe('hdr_histogram');
    for (const source of ['model', 'cache', 'fallback'] as const) {
      const e = exact.latencyBySource[source];
      const h = histogram.latencyBySource[source];
      expect(h.count, source).toBe(e.count);
      for (const key of ['p50', 'p95', 'p99', 'avg', 'min', 'max'] as const) {
        // 3 significant digits, plus the 1 µs resolution for the cache's ~0.1 ms answers.
        expect(
          Math.abs(h.percentiles![key] - e.percentiles![key]),
          `${source} ${key}`,
        ).toBeLessThanOrEqual(e.percentiles![key] * 2e-3 + 1e-3);
      }
    }
  });

  it('a run the fallback answered wholly has no model figures', () => {
    const c = new MetricsCollector({ sampleResources: false });
    for (let i = 0; i < 20; i++)
      c.recordSample({ latencyMs: 2, success: true, fallbackUsed: true });
    const m = c.endCollection();
    expect(m.latencyBySource.model).toEqual({ count: 0, percentiles: null });
    expect(m.latencyBySource.fallback.count).toBe(20);
    expect(m.latencyBySource.fallback.percentiles?.p95).toBe(2);
  });
});

describe('statistics of huge finite latencies', () => {
  it('mean and standard deviation stay finite up to the largest double', () => {
    expect(meanAndStd([5, 1e300, 7])).toEqual({
      mean: expect.closeTo(1e300 / 3, -285),
      std: expect.closeTo(Math.sqrt(2 / 9) * 1e300, -285),
    });
    const max = meanAndStd([Number.MAX_VALUE, Number.MAX_VALUE]);
    expect(max).toEqual({ mean: Number.MAX_VALUE, std: 0 });
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true }), { minLength: 1 }),
        (values) => {
          const { mean, std } = meanAndStd(values);
          expect(Number.isFinite(mean) && Number.isFinite(std)).toBe(true);
          expect(mean).toBeLessThanOrEqual(Math.max(...values));
        },
      ),
    );
  });

  it('the collector’s figures stay finite, exact or from the histogram', () => {
    for (const exactCap of [undefined, 1]) {
      const c = new MetricsCollector({ sampleResources: false, exactCap });
      for (const latencyMs of [5, Number.MAX_VALUE, Number.MAX_VALUE, 7]) {
        c.recordSample({ latencyMs, success: true });
        c.recordSample({ latencyMs, success: false, cacheHit: true });
      }
      const m = c.endCollection();
      for (const figures of [m.latencyPercentiles, m.failedLatencyPercentiles!]) {
        for (const [key, value] of Object.entries(figures)) {
          expect(Number.isFinite(value), `${String(exactCap)} ${key}`).toBe(true);
        }
      }
      expect(m.latencyPercentiles.avg).toBeGreaterThan(1e307);
    }
  });
});
