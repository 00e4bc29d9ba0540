import { describe, expect, it } from 'vitest';
import { MetricsCollector, sampleFlags, type Recorder } from '../../src/metrics/index.js';
import { ContinuousPerformanceMonitor } from '../../src/monitor/index.js';

const T0 = Date.UTC(2026, 0, 1);

/** A recorder that keeps what it is given, as a library user's would. */
function listRecorder(): Recorder & {
  samples: Array<[number, number, string | undefined, number]>;
} {
  const samples: Array<[number, number, string | undefined, number]> = [];
  return {
    samples,
    record: (latencyMs, flags, errorType, timestampMs) =>
      void samples.push([latencyMs, flags, errorType, timestampMs]),
  };
}

describe('a collector forwards what it records', () => {
  it('every recording path reaches the recorders it forwards to, in order, until stopped', () => {
    const collector = new MetricsCollector({ sampleResources: false });
    const first = listRecorder();
    const second = listRecorder();
    const stopFirst = collector.forwardTo(first);
    collector.forwardTo(second);
    collector.startCollection();
    collector.record(4, sampleFlags(true), undefined, T0 + 1);
    collector.recordSample({ latencyMs: 9, success: false, errorType: 'E', timestampMs: T0 + 2 });
    stopFirst();
    stopFirst(); // twice is harmless
    collector.record(5, sampleFlags(true, true), undefined, T0 + 3);
    expect(first.samples).toEqual([
      [4, sampleFlags(true), undefined, T0 + 1],
      [9, sampleFlags(false), 'E', T0 + 2],
    ]);
    expect(second.samples.map((s) => s[0])).toEqual([4, 9, 5]);
    collector.reset(); // clears samples, not who watches
    collector.record(6, sampleFlags(true), undefined, T0 + 4);
    expect(second.samples.map((s) => s[0])).toEqual([4, 9, 5, 6]);
    collector.endCollection();
  });

  it('a sample the collector refuses is not passed on', () => {
    const collector = new MetricsCollector({ sampleResources: false });
    const watcher = listRecorder();
    collector.forwardTo(watcher);
    expect(() => collector.record(-1, sampleFlags(true), undefined, T0)).toThrow(TypeError);
    expect(watcher.samples).toEqual([]);
  });

  it('the monitor watches a collector without patching it', async () => {
    let now = T0;
    const collector = new MetricsCollector({ sampleResources: false });
    const monitor = new ContinuousPerformanceMonitor(
      { api: collector },
      { clock: { now: () => now }, rules: [] },
    );
    await monitor.start({ schedule: false });
    expect(Object.hasOwn(collector, 'record')).toBe(false);
    expect(collector.record).toBe(MetricsCollector.prototype.record);
    for (let i = 0; i < 10; i++) collector.record(3, sampleFlags(i > 0), 'E', now);
    monitor.tick((now += 1000));
    expect(monitor.snapshot(now).collectors.api).toMatchObject({
      total_samples: 10,
      error_rate: 0.1,
    });
    await monitor.stop();
  });
});
