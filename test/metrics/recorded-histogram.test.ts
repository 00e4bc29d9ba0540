import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLAG_SUCCESS, LogLinearCounts, MetricsCollector } from '../../src/metrics/index.js';

/**
 * Each successful latency is recorded once, into the open interval's histogram, and folded
 * into the run's histogram when the interval closes (the hot path's single record). Whatever
 * the timestamps, gaps and ways of ending, the run's histogram must hold every success.
 */
const T0 = Date.UTC(2026, 0, 1);

const sampleArb = fc.record({
  latencyMs: fc.double({ min: 0, max: 5000, noNaN: true }),
  success: fc.boolean(),
  // Gaps from none to hours, so intervals close, empty ones are skipped, and replays are sparse.
  gapMs: fc.oneof(
    fc.constant(0),
    fc.double({ min: 0, max: 2000, noNaN: true }),
    fc.constant(7.2e6),
  ),
});

function reference(samples: Array<{ latencyMs: number; success: boolean }>): LogLinearCounts {
  const histogram = new LogLinearCounts(3);
  for (const s of samples) if (s.success) histogram.recordMs(s.latencyMs);
  return histogram;
}

function record(
  collector: MetricsCollector,
  samples: Array<{ latencyMs: number; success: boolean; gapMs: number }>,
): number {
  let at = T0;
  for (const s of samples) {
    at += s.gapMs;
    collector.record(s.latencyMs, s.success ? FLAG_SUCCESS : 0, s.success ? undefined : 'E', at);
  }
  return at;
}

describe('the run histogram (interval histograms folded in)', () => {
  it('holds every successful latency, timed replay', () => {
    fc.assert(
      fc.property(fc.array(sampleArb, { minLength: 1, maxLength: 300 }), (samples) => {
        const collector = new MetricsCollector({ sampleResources: false, exactCap: 0 });
        collector.startCollection({ replay: true });
        const endMs = record(collector, samples);
        collector.endCollection({ startMs: T0 - 1, endMs });
        const { successHistogram } = collector.recorded();
        expect(Array.from(successHistogram.counts)).toEqual(Array.from(reference(samples).counts));
        expect(successHistogram.totalCount).toBe(samples.filter((s) => s.success).length);
      }),
      { numRuns: 60 },
    );
  });

  it('holds every successful latency, untimed replay', () => {
    fc.assert(
      fc.property(fc.array(sampleArb, { minLength: 1, maxLength: 200 }), (samples) => {
        const collector = new MetricsCollector({ sampleResources: false, exactCap: 0 });
        collector.startCollection({ replay: true });
        for (const s of samples)
          collector.record(s.latencyMs, s.success ? FLAG_SUCCESS : 0, 'E', 0);
        collector.endCollection({ timed: false });
        expect(collector.recorded().successHistogram.totalCount).toBe(
          samples.filter((s) => s.success).length,
        );
      }),
      { numRuns: 30 },
    );
  });

  it('live figures include the interval still open', () => {
    const collector = new MetricsCollector({ sampleResources: false, exactCap: 0 });
    collector.startCollection();
    for (let i = 1; i <= 100; i++) collector.recordSample({ latencyMs: i, success: true });
    const live = collector.getCurrentMetrics();
    expect(live.latency_p50).toBeCloseTo(50, 1);
    expect(live.latency_p99).toBeCloseTo(99, 1);
    expect(collector.aggregatedMetrics.latencyPercentiles.max).toBe(100);
    expect(collector.aggregatedMetrics.latencyPercentiles.p95).toBeCloseTo(95, 0);
    collector.endCollection();
  });

  it('reset() forgets the open interval too', () => {
    const collector = new MetricsCollector({ sampleResources: false });
    collector.startCollection();
    collector.recordSample({ latencyMs: 1000, success: true });
    collector.reset();
    collector.startCollection();
    collector.recordSample({ latencyMs: 2, success: true });
    collector.endCollection();
    const { successHistogram } = collector.recorded();
    expect(successHistogram.totalCount).toBe(1);
    expect(successHistogram.percentileMs(100)).toBeCloseTo(2, 2);
  });
});
