import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MetricsCollector, ResourceSampler } from '../../src/metrics/index.js';
import {
  MAX_TIMER_MS,
  afterMs,
  errorTypeOf,
  parseDurationMs,
  runWorkload,
  type Workload,
} from '../../src/load/index.js';

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
    // 40 calls of 20 ms, 4 at a time: ~200 ms; one at a time would be 800 ms. Against the
    // calls' own latencies, which a busy machine stretches as much as the run: one at a time,
    // the run lasts their sum; four at a time, about a quarter of it.
    const m = collector.aggregatedMetrics;
    const latencySumSeconds = (m.latencyPercentiles.avg * m.successfulSamples) / 1000;
    expect(m.durationSeconds).toBeLessThan(latencySumSeconds * 0.6);
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

describe('runWorkload: a failure is a call that threw, whatever it threw', () => {
  /** An error whose `name` getter throws. */
  const nasty = () => {
    const error = new Error('nasty');
    Object.defineProperty(error, 'name', {
      get() {
        throw new Error('no name');
      },
    });
    return error;
  };
  const throwing: Array<() => unknown> = [
    () => {
      throw undefined;
    },
    () => {
      throw null;
    },
    () => {
      throw 0;
    },
    () => Promise.reject(undefined),
    () => Promise.reject(nasty()),
    () => {
      throw nasty();
    },
  ];

  it.each([
    ['closed loop', {}],
    ['open loop', { rate: 2000 }],
  ])(
    '%s: thrown or rejected undefined, null, 0 and errors with a throwing name all fail',
    async (_, extra) => {
      const collector = quiet();
      const workload: Workload = {
        name: 'throws anything',
        call: (i) => throwing[i % throwing.length]!() as undefined,
      };
      await runWorkload(workload, collector, { iterations: 60, warmup: 6, ...extra });
      const m = collector.aggregatedMetrics;
      expect(m.totalSamples).toBe(60);
      expect(m.failedSamples).toBe(60);
      expect(m.errorCounts).toEqual({ undefined: 20, null: 10, number: 10, Error: 20 });
    },
  );

  it('errorTypeOf never throws and names what was thrown', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    class QuotaExceeded {}
    expect(errorTypeOf(undefined)).toBe('undefined');
    expect(errorTypeOf(null)).toBe('null');
    expect(errorTypeOf(0)).toBe('number');
    expect(errorTypeOf(Symbol('s'))).toBe('symbol');
    expect(errorTypeOf('text')).toBe('Error');
    expect(errorTypeOf(nasty())).toBe('Error');
    expect(errorTypeOf(new QuotaExceeded())).toBe('QuotaExceeded');
    expect(errorTypeOf(Object.create(null))).toBe('object');
    expect(errorTypeOf(proxy)).toBe('object');
    expect(errorTypeOf(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
  });
});

describe('runWorkload: timeouts and abandoned calls', () => {
  it('a timeout longer than one Node timer holds (600 h) does not fire early', async () => {
    const collector = quiet();
    await runWorkload({ name: 'tick', call: () => sleep(20) }, collector, {
      iterations: 5,
      warmup: 1,
      timeoutMs: 600 * 3_600_000,
    });
    expect(collector.aggregatedMetrics.failedSamples).toBe(0);
  });

  it('a timed-out call is abandoned: its signal aborts with a TimeoutError', async () => {
    const reasons: string[] = [];
    const workload: Workload = {
      name: 'listens',
      call: (_, { signal }) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            reasons.push((signal.reason as Error).name);
            resolve(); // too late to count: the call already timed out
          });
        }),
    };
    const collector = quiet();
    const outcome = await runWorkload(workload, collector, {
      iterations: 3,
      warmup: 2,
      timeoutMs: 30,
    });
    expect(reasons).toEqual(Array(5).fill('TimeoutError'));
    expect(collector.aggregatedMetrics.errorCounts).toEqual({ timeout: 3 });
    expect(outcome.abandonedCalls).toBe(0); // each settled once aborted
  });

  it('calls still running when an interrupted run gives up on them are aborted and counted', async () => {
    const signals: AbortSignal[] = [];
    const controller = new AbortController();
    const workload: Workload = {
      name: 'never',
      call: (_, { signal }) => {
        signals.push(signal);
        return new Promise<void>(() => undefined);
      },
    };
    setTimeout(() => controller.abort(), 50);
    const outcome = await runWorkload(workload, quiet(), {
      iterations: 10,
      concurrency: 2,
      signal: controller.signal,
    });
    expect(outcome.interrupted).toBe(true);
    expect(outcome.abandonedCalls).toBe(2);
    expect(signals.map((s) => [s.aborted, (s.reason as Error).name])).toEqual([
      [true, 'AbortError'],
      [true, 'AbortError'],
    ]);
  });

  it('warm-up answers the signal: a hung warm-up call is abandoned and nothing is measured', async () => {
    const controller = new AbortController();
    let measuredCalls = 0;
    const workload: Workload = {
      name: 'hangs in warm-up',
      call: (i) => (i < 0 ? new Promise<void>(() => undefined) : void measuredCalls++),
    };
    setTimeout(() => controller.abort(), 50);
    const collector = quiet();
    const outcome = await runWorkload(workload, collector, {
      iterations: 10,
      warmup: 3,
      signal: controller.signal,
    });
    expect(outcome).toMatchObject({ interrupted: true, abandonedCalls: 1 });
    expect(measuredCalls).toBe(0);
    expect(collector.aggregatedMetrics.totalSamples).toBe(0);
  });

  it('warm-up calls are held to the timeout', async () => {
    const collector = quiet();
    const outcome = await runWorkload(
      {
        name: 'slow warm-up',
        call: (i) => (i < 0 ? new Promise<void>(() => undefined) : undefined),
      },
      collector,
      { iterations: 4, warmup: 2, timeoutMs: 30 },
    );
    expect(outcome.interrupted).toBe(false);
    expect(collector.aggregatedMetrics.successfulSamples).toBe(4);
  });
});

describe('afterMs', () => {
  afterEach(() => void vi.useRealTimers());

  it('chains timers for delays one timer cannot hold, and fires once, on time', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    afterMs(2 * MAX_TIMER_MS + 10, fired);
    vi.advanceTimersByTime(2 * MAX_TIMER_MS);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('never fires for Infinity, and cancel stops a chained timer', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    afterMs(Infinity, fired);
    afterMs(MAX_TIMER_MS + 5, fired).cancel();
    const chained = afterMs(MAX_TIMER_MS + 5, fired);
    vi.advanceTimersByTime(MAX_TIMER_MS + 1);
    chained.cancel();
    vi.advanceTimersByTime(10 * MAX_TIMER_MS);
    expect(fired).not.toHaveBeenCalled();
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

describe('timers armed from a long interval', () => {
  it('resource sampling every 50 days does not sample every millisecond', async () => {
    const sampler = new ResourceSampler(50 * 24 * 3_600_000);
    sampler.start();
    await sleep(50);
    sampler.stop(false);
    expect(sampler.points).toHaveLength(0);
  });
});
