/**
 * The monitor, short (≤ 60 s; `npm run soak` is the 10-minute version):
 * - record cost: ns per sample into a plain recorder vs one the monitor watches (its windows
 *   add counters and a histogram bump), alternating, median of repetitions;
 * - tick cost with full windows: one dashboard frame (snapshot of 3 collectors with an hour
 *   of history + terminal render + JSON for SSE) on a fake clock, vs the core recorder's own
 *   live snapshot (`getCurrentMetrics`) of the same collectors;
 * - 30 s under load: samples/s reached at 21,000/s asked, tick cost, RSS drift 10 s → 30 s.
 */
import { MetricsCollector } from '../src/metrics/index.js';
import { renderDashboard } from '../src/dashboard/index.js';
import {
  ContinuousPerformanceMonitor,
  parseAlertRule,
  parseSloRules,
} from '../src/monitor/index.js';
import { runSoak } from './_soak-core.js';
import { collectGarbage, median, round } from './_stats.js';

const SAMPLES = 1_000_000;
const REPETITIONS = 7;

function recordCost(collector: MetricsCollector, latencies: Float64Array): number {
  collector.reset();
  collector.startCollection();
  const start = performance.now();
  for (let i = 0; i < SAMPLES; i++) collector.record(latencies[i]!, 1, undefined, 0);
  const ns = ((performance.now() - start) * 1e6) / SAMPLES;
  collector.endCollection();
  return ns;
}

async function fullMonitor(): Promise<{ monitor: ContinuousPerformanceMonitor; now: number }> {
  let now = Date.UTC(2026, 0, 1);
  const monitor = new ContinuousPerformanceMonitor(['a', 'b', 'c'], {
    clock: { now: () => now },
    rules: [parseAlertRule('p99<50ms over 1m'), ...parseSloRules('success>=99.9%')],
  });
  await monitor.start({ schedule: false });
  for (let s = 0; s < 3700; s++) {
    for (const name of monitor.collectorNames) {
      const c = monitor.collector(name)!;
      for (let i = 0; i < 20; i++)
        c.record(0.5 + (i % 7) * 1.3 + (s % 13) * 0.5, 1, undefined, now);
    }
    now += 1000;
    monitor.tick(now);
  }
  return { monitor, now };
}

export default async function monitorBench(): Promise<Record<string, unknown>> {
  const latencies = Float64Array.from({ length: SAMPLES }, (_, i) => 1 + ((i * 7919) % 5000) / 100);
  const plain = new MetricsCollector({ exactCap: 0, sampleResources: false, intervalMs: 60_000 });
  const watched = new ContinuousPerformanceMonitor(['w']).collector('w')!;
  const plainNs: number[] = [];
  const watchedNs: number[] = [];
  for (let r = 0; r < REPETITIONS; r++) {
    plainNs.push(recordCost(plain, latencies));
    watchedNs.push(recordCost(watched, latencies));
  }
  const ratios = plainNs.map((p, i) => watchedNs[i]! / p);

  const { monitor, now } = await fullMonitor();
  const frame = () => {
    const snapshot = monitor.snapshot(now);
    return renderDashboard(snapshot).length + JSON.stringify(snapshot).length;
  };
  const core = () =>
    monitor.collectorNames.reduce(
      (n, name) => n + monitor.collector(name)!.getCurrentMetrics().total_samples,
      0,
    );
  const frameMs: number[] = [];
  const coreMs: number[] = [];
  for (let r = 0; r < 60; r++) {
    let t = performance.now();
    frame();
    frameMs.push(performance.now() - t);
    t = performance.now();
    core();
    coreMs.push(performance.now() - t);
  }
  collectGarbage();

  const soak = await runSoak({ durationMs: 30_000, ratePerCollector: 7000, rssEveryMs: 5000 });
  const rssAt10 = soak.rss_mb[1] ?? NaN;
  const rssEnd = soak.rss_mb.at(-1) ?? NaN;
  return {
    how: 'record: 1 M samples per repetition, plain recorder vs monitored (same options), alternating, 7 repetitions; frame: snapshot + terminal render + JSON of 3 collectors holding 1 h of history, 60 repetitions after warm-up, vs getCurrentMetrics() of the same recorders; load: 3 collectors at 7,000/s each for 30 s through the monitor open loop with terminal and web dashboards',
    record_ns_plain: round(median(plainNs)),
    record_ns_monitored: round(median(watchedNs)),
    record_cost_ratio: round(median(ratios)),
    frame_ms_full_hour: round(median(frameMs.slice(10))),
    core_live_snapshot_ms: round(median(coreMs.slice(10))),
    frame_vs_core_ratio: round(median(frameMs.slice(10)) / median(coreMs.slice(10))),
    load_samples_per_second: soak.samples_per_second,
    load_target_samples_per_second: soak.target_samples_per_second,
    load_tick_ms_median: soak.dashboard_tick_ms.median,
    load_tick_ms_max: soak.dashboard_tick_ms.max,
    rss_mb_at_10s: rssAt10,
    rss_mb_at_30s: rssEnd,
    rss_drift: round((rssEnd - rssAt10) / rssAt10),
  };
}
