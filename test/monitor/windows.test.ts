import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleFlags } from '../../src/metrics/index.js';
import { RollingWindows } from '../../src/monitor/index.js';

const T0 = Date.UTC(2026, 0, 1);
const SLOT = 5000;
const ok = sampleFlags(true);
const failed = sampleFlags(false);

describe('RollingWindows', () => {
  it('a window holds exactly the slots it spans, at fine and coarse resolution', () => {
    const w = new RollingWindows();
    w.start(T0);
    // Slot i (5 s each) gets i % 7 + 1 requests, one of every three failing.
    const perSlot: number[] = [];
    interface Slot {
      requests: number;
      failures: number;
      max: number;
    }
    const slots: Slot[] = [];
    for (let i = 0; i < 2 * 720; i++) {
      const n = (i % 7) + 1;
      const slot = { requests: n, failures: 0, max: 0 };
      for (let k = 0; k < n; k++) {
        w.record(10 + k, k % 3 === 2 ? failed : ok);
        if (k % 3 === 2) slot.failures++;
        else slot.max = Math.max(slot.max, 10 + k);
      }
      slots.push(slot);
      perSlot.push(n);
      w.advance(T0 + (i + 1) * SLOT);
      // Asked all along, so the running sums are kept up to date slot by slot.
      if (i % 37 === 0 || i > 1400) {
        const t = T0 + (i + 1) * SLOT;
        const last = (k: number) => slots.slice(-k);
        const sum = (k: number, f: (s: Slot) => number) => last(k).reduce((a, s) => a + f(s), 0);
        const minute = w.window(60_000, t);
        expect(minute.requests).toBe(sum(12, (s) => s.requests));
        expect(minute.latency_max).toBe(Math.max(...last(12).map((s) => s.max)));
        const five = w.window(300_000, t);
        expect(five.failures).toBe(sum(60, (s) => s.failures));
        expect(five.latency_max).toBe(Math.max(...last(60).map((s) => s.max)));
        // Longer windows: whole minutes plus the minute in progress (up to a minute more).
        const inMinute = (i + 1) % 12;
        const hourSlots = 720 + inMinute;
        const hour = w.window(3_600_000, t);
        expect(hour.requests).toBe(sum(hourSlots, (s) => s.requests));
        expect(hour.failures).toBe(sum(hourSlots, (s) => s.failures));
        expect(hour.span_seconds).toBe(Math.min((i + 1) * 5, hourSlots * 5));
      }
    }
    const now = T0 + perSlot.length * SLOT;
    const lastSlots = (n: number) => perSlot.slice(-n).reduce((a, b) => a + b, 0);
    expect(w.window(60_000, now).requests).toBe(lastSlots(12));
    expect(w.window(300_000, now).requests).toBe(lastSlots(60));
    expect(w.window(3_600_000, now).requests).toBe(lastSlots(720));
    expect(w.window(3_600_000, now).span_seconds).toBe(3600);
    expect(w.window(6 * 3_600_000, now).requests).toBe(lastSlots(perSlot.length));
    expect(w.window(6 * 3_600_000, now).latency_p95).toBeNull(); // beyond the 1 h histograms
    expect(w.sinceStart(now).requests).toBe(lastSlots(perSlot.length));
    const minute = w.window(60_000, now);
    expect(minute.failures).toBe(perSlot.slice(-12).reduce((a, n) => a + Math.floor(n / 3), 0));
    expect(minute.requests_per_second).toBeCloseTo(lastSlots(12) / 60, 10);
  });

  it('percentiles stay within the histogram precision of the exact ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 5000, noNaN: true }), {
          minLength: 1,
          maxLength: 400,
        }),
        (latencies) => {
          const w = new RollingWindows();
          w.start(T0);
          for (const latency of latencies) w.record(latency, ok);
          const all = w.sinceStart(T0 + 1000);
          const sorted = [...latencies].sort((a, b) => a - b);
          // HDR's "highest equivalent value" of the nearest rank: ≥ that sample (µs-rounded),
          // at most 1 % above it (2 significant digits).
          for (const [q, figure] of [
            [50, all.latency_p50!],
            [95, all.latency_p95!],
            [99, all.latency_p99!],
          ] as const) {
            const rank = sorted[Math.max(0, Math.ceil((q / 100) * sorted.length) - 1)]!;
            expect(figure).toBeGreaterThanOrEqual(Math.round(rank * 1000) / 1000 - 0.001);
            expect(figure).toBeLessThanOrEqual(rank * 1.01 + 0.002);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('memory is fixed: history is bounded and a long silence is jumped, not looped', () => {
    const w = new RollingWindows();
    w.start(T0);
    for (let i = 0; i < 3000; i++) {
      w.record(5, ok);
      w.advance(T0 + (i + 1) * SLOT);
    }
    expect(w.history.length).toBe(360);
    const began = performance.now();
    const later = T0 + 30 * 24 * 3_600_000;
    w.advance(later);
    expect(performance.now() - began).toBeLessThan(1000);
    expect(w.window(3_600_000, later).requests).toBe(0);
    expect(w.sinceStart(later).requests).toBe(3000);
    w.record(7, failed);
    expect(w.window(60_000, later).failures).toBe(1);
  });

  it('counts failed and slow requests against each latency threshold', () => {
    const w = new RollingWindows({ latencyThresholdsMs: [50, 100] });
    w.start(T0);
    for (const latency of [10, 60, 120, 200]) w.record(latency, ok);
    w.record(5, failed);
    const f = w.sinceStart(T0 + SLOT);
    expect(f.bad).toEqual([4, 3]);
    expect(f.requests).toBe(5);
  });
});
