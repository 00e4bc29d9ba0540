import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  FLAG_SUCCESS,
  LogLinearCounts,
  MAX_TRACKABLE_US,
  MetricsCollector,
  percentileLinear,
} from '../../src/metrics/index.js';
import { RollingWindows } from '../../src/monitor/index.js';
import { percentileCurveChart } from '../../src/report/html/_charts.js';

/**
 * A histogram answers a percentile with its bucket's highest value, which can lie above the
 * slowest latency recorded (a p99.9 above the max); rounding to the microsecond and the
 * trackable range (71.6 min) can put it below the fastest. No reported percentile may leave
 * [min, max], wherever it comes from: the monitor's windows and history, the recorder's live
 * view, its per-interval timeline and its histogram path. The exact path stays numpy's.
 */
const T0 = Date.UTC(2026, 0, 1);
const MAX_TRACKABLE_MS = MAX_TRACKABLE_US / 1000;

/** Latencies where bucket edges, µs rounding and the range limit all show. */
const latencyArb = fc.oneof(
  fc.double({ min: 0, max: 5000, noNaN: true }),
  fc.double({ min: 0, max: 0.002, noNaN: true }),
  fc.integer({ min: 1, max: 100_000 }).map((us) => us / 1000 + 0.0001),
  fc.double({ min: MAX_TRACKABLE_MS, max: MAX_TRACKABLE_MS * 3, noNaN: true }),
);

const sampleArb = fc.record({
  latencyMs: latencyArb,
  success: fc.boolean(),
  gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 7000 })),
});

type Sample = { latencyMs: number; success: boolean; gapMs: number };

function expectWithin(figures: Record<string, number | null>, min: number, max: number) {
  for (const [key, value] of Object.entries(figures)) {
    if (value === null) continue;
    expect(value, `${key} ≥ min ${min}`).toBeGreaterThanOrEqual(min);
    expect(value, `${key} ≤ max ${max}`).toBeLessThanOrEqual(max);
  }
}

afterEach(() => vi.restoreAllMocks());

const range = (values: number[]) => ({ min: Math.min(...values), max: Math.max(...values) });

describe('percentiles from histograms stay within the observed min and max', () => {
  it('monitor windows, since start and the per-slot history', () => {
    fc.assert(
      fc.property(
        fc.array(sampleArb, { minLength: 1, maxLength: 300 }),
        fc.constantFrom(10_000, 60_000, 300_000, 3_600_000),
        (samples: Sample[], windowMs) => {
          const w = new RollingWindows();
          w.start(T0);
          let now = T0;
          const slots = new Map<number, number[]>();
          for (const s of samples) {
            now += s.gapMs;
            w.advance(now);
            w.record(s.latencyMs, s.success ? FLAG_SUCCESS : 0);
            if (!s.success) continue;
            const slot = Math.floor((now - T0) / 5000);
            slots.set(slot, [...(slots.get(slot) ?? []), s.latencyMs]);
          }
          const successes = samples.filter((s) => s.success).map((s) => s.latencyMs);
          for (const f of [w.sinceStart(now), w.window(windowMs, now)]) {
            if (f.requests - f.failures === 0) continue;
            expectWithin(
              {
                p50: f.latency_p50,
                p90: f.latency_p90,
                p95: f.latency_p95,
                p99: f.latency_p99,
                p999: f.latency_p999,
              },
              f.latency_min,
              f.latency_max,
            );
          }
          const all = w.sinceStart(now);
          if (successes.length > 0) {
            expect(all.latency_min).toBe(range(successes).min);
            expect(all.latency_max).toBe(range(successes).max);
          }
          w.advance(now + 5000);
          for (const point of w.history) {
            const seen = slots.get((point.t - T0) / 5000 - 1);
            if (!seen) continue;
            const { min, max } = range(seen);
            expectWithin({ p50: point.p50, p95: point.p95, p99: point.p99 }, min, max);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the recorder: histogram path, live view and timeline; the exact path is numpy', () => {
    fc.assert(
      fc.property(fc.array(sampleArb, { minLength: 1, maxLength: 300 }), (samples: Sample[]) => {
        const exact = new MetricsCollector({ sampleResources: false });
        const histogram = new MetricsCollector({ sampleResources: false, exactCap: 0 });
        // Both start at T0, so the timeline's 1 s intervals are [T0 + k s, T0 + (k + 1) s).
        vi.spyOn(Date, 'now').mockReturnValue(T0);
        exact.startCollection();
        histogram.startCollection();
        vi.restoreAllMocks();
        let at = T0;
        const intervals = new Map<number, number[]>();
        for (const s of samples) {
          at += s.gapMs;
          for (const c of [exact, histogram]) {
            c.record(s.latencyMs, s.success ? FLAG_SUCCESS : 0, s.success ? undefined : 'E', at);
          }
          if (!s.success) continue;
          const k = Math.floor((at - T0) / 1000);
          intervals.set(k, [...(intervals.get(k) ?? []), s.latencyMs]);
        }
        const successes = samples.filter((s) => s.success).map((s) => s.latencyMs);
        if (successes.length === 0) return;
        const { min, max } = range(successes);

        const live = histogram.getCurrentMetrics();
        expectWithin(
          { p50: live.latency_p50, p95: live.latency_p95, p99: live.latency_p99 },
          min,
          max,
        );

        const h = histogram.endCollection({ startMs: T0, endMs: at + 1 });
        expect(h.percentileMethod).toBe('hdr_histogram');
        const { p50, p90, p95, p99, p999 } = h.latencyPercentiles;
        expect([h.latencyPercentiles.min, h.latencyPercentiles.max]).toEqual([min, max]);
        expectWithin({ p50, p90, p95, p99, p999 }, min, max);
        let checked = 0;
        for (const point of h.throughputTimeline) {
          if (point.requests - point.failures === 0) continue;
          const seen = intervals.get(Math.round((point.timestamp * 1000 - T0) / 1000))!;
          const bounds = range(seen);
          expectWithin(
            { p50: point.p50_ms, p95: point.p95_ms, p99: point.p99_ms },
            bounds.min,
            bounds.max,
          );
          checked++;
        }
        expect(checked).toBe(intervals.size);

        const e = exact.endCollection({ startMs: T0, endMs: at + 1 });
        expect(e.percentileMethod).toBe('exact_linear');
        const sorted = Float64Array.from(successes).sort();
        expect(e.latencyPercentiles.p999).toBe(percentileLinear(sorted, 99.9));
        expect(e.latencyPercentiles.p50).toBe(percentileLinear(sorted, 50));
      }),
      { numRuns: 150 },
    );
  });

  it("report.html's percentile curve", () => {
    fc.assert(
      fc.property(fc.array(latencyArb, { minLength: 1, maxLength: 200 }), (latencies) => {
        const counts = new LogLinearCounts(3);
        for (const latency of latencies) counts.recordMs(latency);
        const observed = range(latencies);
        const chart = percentileCurveChart([{ label: 'run', counts, color: '#000', observed }]);
        // Values keep 4 significant digits on the page.
        const values = chart.series[0]!.values as number[];
        const round4 = (v: number) => Number(v.toPrecision(4));
        for (const v of values) {
          expect(v).toBeGreaterThanOrEqual(round4(observed.min));
          expect(v).toBeLessThanOrEqual(round4(observed.max));
        }
      }),
      { numRuns: 100 },
    );
  });
});
