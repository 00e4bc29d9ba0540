import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MetricsCollector, sampleFlags, type Recorder } from '../../src/metrics/index.js';
import { driveLoad, runWorkload, type Workload } from '../../src/load/index.js';
import { ContinuousPerformanceMonitor, RollingWindows } from '../../src/monitor/index.js';

type Sample = [
  latencyMs: number,
  flags: number,
  errorType: string | undefined,
  timestampMs: number,
];

/** A recorder that keeps every sample it is given. */
function listRecorder(): Recorder & { samples: Sample[] } {
  const samples: Sample[] = [];
  return { samples, record: (...sample) => void samples.push(sample) };
}

const quiet = () => new MetricsCollector({ sampleResources: false });

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* CPU-bound */
  }
}

/** Sync and async answers, failures thrown and rejected, cache hits and misses. */
const mixed: Workload = {
  name: 'mixed',
  call(i) {
    if (i % 7 === 0) throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    if (i % 7 === 1) return Promise.reject(new TypeError('bad'));
    if (i % 7 === 2) return nextTurn().then(() => ({ cacheHit: true }));
    if (i % 7 === 3) return { success: false, errorType: 'http_500' };
    return i % 2 === 0 ? { cacheHit: false } : undefined;
  },
};

describe('the load driver records into a list of recorders', () => {
  it.each([
    ['closed loop', {}],
    ['closed loop, 3 workers', { concurrency: 3 }],
    ['open loop', { rate: 5000 }],
  ])('%s: every recorder receives every sample, the same ones, in order', async (_, extra) => {
    const collector = quiet();
    const windows = new RollingWindows();
    const first = listRecorder();
    const second = listRecorder();
    collector.startCollection();
    windows.start(Date.now());
    const outcome = await driveLoad(
      mixed,
      { iterations: 700, ...extra },
      { recorders: [first, collector, windows, second] },
    );
    collector.endCollection();
    expect(outcome).toEqual({ interrupted: false, abandonedCalls: 0 });
    expect(first.samples).toHaveLength(700);
    expect(second.samples).toEqual(first.samples);
    const m = collector.aggregatedMetrics;
    expect(m.totalSamples).toBe(700);
    expect(m.errorCounts).toEqual({ ECONNREFUSED: 100, TypeError: 100, http_500: 100 });
    expect(m.cacheHits).toBe(100); // i%7 = 2
    expect(windows.sinceStart(Date.now()).requests).toBe(700);
    const failed = first.samples.filter(([, flags]) => flags === sampleFlags(false));
    expect(failed).toHaveLength(300);
    // Samples arrive in the order calls ended: their timestamps never go back.
    const times = first.samples.map((s) => s[3]);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('runWorkload records into the collector through the same driver: warm-up, iterations', async () => {
    const seen: number[] = [];
    const collector = quiet();
    await runWorkload({ name: 'count', call: (i) => void seen.push(i) }, collector, {
      iterations: 2000,
      warmup: 3,
    });
    expect(seen.slice(0, 3)).toEqual([-1, -2, -3]);
    expect(seen.slice(3)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(collector.aggregatedMetrics.totalSamples).toBe(2000);
  });
});

describe('the monitor drives workloads with the same driver as run', () => {
  it('iterations, warm-up and the timeout of a synchronous call hold in the monitor too', async () => {
    const monitor = new ContinuousPerformanceMonitor(['spin'], { rules: [] });
    await monitor.start({ schedule: false });
    const seen: number[] = [];
    const workload: Workload = {
      name: 'spin',
      call(i) {
        seen.push(i);
        if (i >= 0 && i % 10 === 0) spin(15); // slower than the timeout: a timeout failure
      },
    };
    // The duration only bounds the test: the plan's 50 calls end the drive long before.
    const started = performance.now();
    const outcome = await monitor.drive('spin', workload, {
      rate: 500,
      iterations: 50,
      warmup: 2,
      timeoutMs: 5,
      durationMs: 5000,
    });
    expect(performance.now() - started).toBeLessThan(4000);
    expect(outcome).toEqual({ interrupted: false, abandonedCalls: 0 });
    await monitor.stop();
    expect(seen.filter((i) => i < 0)).toEqual([-1, -2]);
    const m = monitor.collector('spin')!.recorded().metrics;
    expect(m.totalSamples).toBe(50);
    expect(m.errorCounts).toEqual({ timeout: 5 });
    expect(monitor.snapshot().collectors.spin!.total_samples).toBe(50);
  });

  it('the open loop run and the monitor drive measure the same stall the same way', async () => {
    // 200 calls/s; the 10th blocks the thread for 60 ms: the calls queued behind it are late,
    // and both measure them from their intended start.
    const stall: Workload = { name: 'stall', call: (i) => spin(i === 10 ? 60 : 0.2) };
    const plan = { rate: 200, iterations: 40 };
    const run = quiet();
    await runWorkload(stall, run, plan);
    const monitor = new ContinuousPerformanceMonitor(['stall'], { rules: [] });
    await monitor.start({ schedule: false });
    await monitor.drive('stall', stall, plan);
    await monitor.stop();
    const watched = monitor.collector('stall')!.recorded().metrics;
    for (const m of [run.aggregatedMetrics, watched]) {
      expect(m.totalSamples).toBe(40);
      // 60 ms at 5 ms spacing: about 11 calls queued behind the stall, each late.
      const late = m.latencyPercentiles.p90;
      expect(late).toBeGreaterThan(15);
    }
  });
});

describe('the synchronous fast path', () => {
  it('runs synchronous calls back to back, with no turn of the microtask queue between them', async () => {
    let turns = 0;
    const seenTurns = new Set<number>();
    const collector = quiet();
    await runWorkload(
      {
        name: 'counts turns',
        call() {
          seenTurns.add(turns);
          queueMicrotask(() => void turns++);
        },
      },
      collector,
      { iterations: 20_000 },
    );
    expect(collector.aggregatedMetrics.totalSamples).toBe(20_000);
    // A promise per call would let the queued microtask run before each next call.
    expect(seenTurns.size).toBeLessThan(200);
  });

  it('still gives the event loop back: a timer fires during a long synchronous run', async () => {
    const started = performance.now();
    let firedAt = Infinity;
    setTimeout(() => (firedAt = performance.now() - started), 30);
    const collector = quiet();
    const outcome = await runWorkload({ name: 'noop', call: () => undefined }, collector, {
      durationMs: 800,
    });
    const elapsed = performance.now() - started;
    expect(outcome.interrupted).toBe(false);
    expect(elapsed).toBeGreaterThanOrEqual(790);
    expect(firedAt).toBeLessThan(400); // at the first yield, not at the end of the run
    expect(collector.aggregatedMetrics.totalSamples).toBeGreaterThan(1000);
  });

  it('Ctrl-C during a synchronous stretch stops the run within a yield', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const outcome = await runWorkload({ name: 'noop', call: () => undefined }, quiet(), {
      durationMs: 30_000,
      signal: controller.signal,
    });
    expect(outcome.interrupted).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('an async workload that sometimes answers synchronously', () => {
  it.each([
    ['one at a time', 1],
    ['three at a time', 3],
  ])(
    '%s: every call is recorded, sync answers among async ones included',
    async (_, concurrency) => {
      const recorder = listRecorder();
      const workload: Workload = {
        name: 'sometimes sync',
        // A cache answers every third call at once; the others wait a turn of the event loop.
        call: (i) =>
          i % 3 === 0 ? { cacheHit: true } : nextTurn().then(() => ({ cacheHit: false })),
      };
      const outcome = await driveLoad(
        workload,
        { iterations: 300, concurrency },
        {
          recorders: [recorder],
        },
      );
      expect(outcome.abandonedCalls).toBe(0);
      expect(recorder.samples).toHaveLength(300);
      const hits = recorder.samples.filter(([, flags]) => flags === sampleFlags(true, true));
      expect(hits).toHaveLength(100);
    },
  );

  it('two workers: a call that settles at once among synchronous ones is measured as such', async () => {
    // Every 40th call settles at once (a resolved promise, flagged as a cache hit); the others
    // are 0.5 ms synchronous spins. While one worker awaits its settled call, the other runs
    // synchronous calls: the settled call's end is read before the next of them starts, not
    // after a whole stretch (~20 ms).
    const recorder = listRecorder();
    await driveLoad(
      {
        name: 'fair',
        call: (i) => (i % 40 === 0 ? Promise.resolve({ cacheHit: true }) : spin(0.5)),
      },
      { iterations: 800, concurrency: 2 },
      { recorders: [recorder] },
    );
    expect(recorder.samples).toHaveLength(800);
    const settledAtOnce = recorder.samples
      .filter(([, flags]) => flags === sampleFlags(true, true))
      .map(([latencyMs]) => latencyMs)
      .sort((a, b) => a - b);
    expect(settledAtOnce).toHaveLength(20);
    // The median: a paused process may stretch a few calls.
    expect(settledAtOnce[10]).toBeLessThan(5);
  });

  it('a signal read by one call is never aborted because of another call', async () => {
    const kept: AbortSignal[] = [];
    const workload: Workload = {
      name: 'keeps signals',
      call(i, { signal }) {
        if (i % 2 === 0) {
          kept.push(signal); // read by a synchronous call
          return;
        }
        return new Promise<void>(() => undefined); // hangs: abandoned after the timeout
      },
    };
    const collector = quiet();
    await runWorkload(workload, collector, { iterations: 6, timeoutMs: 20 });
    expect(collector.aggregatedMetrics.errorCounts).toEqual({ timeout: 3 });
    expect(kept).toHaveLength(3);
    expect(new Set(kept).size).toBe(3);
    expect(kept.map((s) => s.aborted)).toEqual([false, false, false]);
  });
});
