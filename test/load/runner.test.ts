import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MetricsCollector } from '../../src/metrics/index.js';
import { parseDurationMs, runWorkload, type Workload } from '../../src/load/index.js';

const quiet = () => new MetricsCollector({ sampleResources: false });

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* CPU-bound */
  }
}

describe('runWorkload', () => {
  it('makes exactly the planned calls, after unmeasured warmup calls', async () => {
    const seen: number[] = [];
    const collector = quiet();
    await runWorkload({ name: 'count', call: (i) => void seen.push(i) }, collector, {
      iterations: 250,
      warmup: 5,
    });
    expect(seen.filter((i) => i < 0)).toHaveLength(5);
    expect(seen.filter((i) => i >= 0)).toHaveLength(250);
    expect(collector.aggregatedMetrics.totalSamples).toBe(250);
  });

  it('runs calls concurrently', async () => {
    let inFlight = 0;
    let peak = 0;
    const workload: Workload = {
      name: 'sleepy',
      async call() {
        peak = Math.max(peak, ++inFlight);
        await sleep(20);
        inFlight--;
      },
    };
    const collector = quiet();
    await runWorkload(workload, collector, { iterations: 40, concurrency: 4 });
    expect(peak).toBe(4);
    // 40 calls of 20 ms, 4 at a time: ~200 ms; one at a time would be 800 ms.
    expect(collector.aggregatedMetrics.durationSeconds).toBeLessThan(0.6);
  });

  it('records a hung call as a timeout failure and goes on', async () => {
    const workload: Workload = {
      name: 'hangs',
      call: (i) => (i % 5 === 0 ? new Promise<void>(() => undefined) : undefined),
    };
    const collector = quiet();
    const started = performance.now();
    await runWorkload(workload, collector, { iterations: 20, timeoutMs: 50 });
    const m = collector.aggregatedMetrics;
    expect(m.failedSamples).toBe(4);
    expect(m.errorCounts).toEqual({ timeout: 4 });
    expect(m.failedLatencyPercentiles!.min).toBeGreaterThanOrEqual(45);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('counts a synchronous call slower than the timeout as a timeout', async () => {
    const collector = quiet();
    await runWorkload({ name: 'slow', call: () => spin(30) }, collector, {
      iterations: 3,
      timeoutMs: 10,
    });
    expect(collector.aggregatedMetrics.errorCounts).toEqual({ timeout: 3 });
  });

  it('records thrown errors by type and what calls report about themselves', async () => {
    const workload: Workload = {
      name: 'mixed',
      call(i) {
        if (i % 10 === 0) throw new TypeError('bad');
        if (i % 10 === 1) throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
        if (i % 10 === 2) return { success: false, errorType: 'http_500' };
        return { cacheHit: i % 2 === 0, fallbackUsed: i % 10 === 3 };
      },
    };
    const collector = quiet();
    await runWorkload(workload, collector, { iterations: 100 });
    const m = collector.aggregatedMetrics;
    expect(m.errorCounts).toEqual({ TypeError: 10, ECONNREFUSED: 10, http_500: 10 });
    expect(m.cacheHits + m.cacheMisses).toBe(70);
    expect(m.fallbackUses).toBe(10);
  });

  it('stops on the duration', async () => {
    const collector = quiet();
    const started = performance.now();
    await runWorkload({ name: 'tick', call: () => sleep(5) }, collector, { durationMs: 300 });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
    expect(collector.aggregatedMetrics.totalSamples).toBeGreaterThan(10);
  });

  it('stops on abort, keeps what was measured and says it was interrupted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const collector = quiet();
    const outcome = await runWorkload({ name: 'spin', call: () => spin(1) }, collector, {
      durationMs: 30_000,
      signal: controller.signal,
    });
    expect(outcome.interrupted).toBe(true);
    const m = collector.aggregatedMetrics;
    expect(m.totalSamples).toBeGreaterThan(20);
    expect(m.durationSeconds).toBeLessThan(5);
  });

  it('open loop measures from the intended start: a stall shows in the corrected figures', async () => {
    // 100 calls/s; each 10th call blocks the thread for 80 ms, delaying the calls behind it.
    const workload: Workload = { name: 'stall', call: (i) => spin(i % 10 === 0 ? 80 : 1) };
    const collector = quiet();
    const outcome = await runWorkload(workload, collector, { iterations: 100, rate: 100 });
    const corrected = collector.aggregatedMetrics.latencyPercentiles;
    const uncorrected = outcome.uncorrected!.aggregatedMetrics.latencyPercentiles;
    expect(collector.aggregatedMetrics.totalSamples).toBe(100);
    expect(outcome.uncorrected!.aggregatedMetrics.totalSamples).toBe(100);
    // Uncorrected, only the stalling calls are slow (p50 ~1 ms); corrected, the calls
    // queued behind them wait too.
    expect(uncorrected.p50).toBeLessThan(10);
    expect(corrected.p50).toBeGreaterThan(uncorrected.p50 * 3);
    expect(corrected.avg).toBeGreaterThan(uncorrected.avg * 1.5);
  });

  it('open loop keeps its rate when calls are fast', async () => {
    const collector = quiet();
    await runWorkload({ name: 'fast', call: () => undefined }, collector, {
      durationMs: 1000,
      rate: 200,
    });
    const n = collector.aggregatedMetrics.totalSamples;
    expect(n).toBeGreaterThanOrEqual(180);
    expect(n).toBeLessThanOrEqual(201);
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['30s', 30_000],
    ['500ms', 500],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2', 2000],
    ['1.5s', 1500],
  ])('%s = %d ms', (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  it.each(['', 'abc', '10 parsecs', '5x', 's'])('rejects %j', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});
