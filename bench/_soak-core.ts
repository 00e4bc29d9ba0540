/**
 * The monitor under sustained load, shared by `npm run soak` (10 minutes) and
 * bench/monitor.bench.ts (a short version). Three collectors are driven by the open-loop
 * monitor's open loop at a fixed rate each; the monitor runs on its real schedule with the terminal
 * dashboard (TTY mode, to a null stream), the web dashboard (one SSE client), an alert rule
 * and an SLO. RSS is read after a forced GC every `rssEveryMs`; tick cost is the monitor's
 * whole tick, for every tick that drew a dashboard frame.
 */
import { Writable } from 'node:stream';
import { request } from 'undici';
import { RealTimeDashboard, WebDashboard } from '../src/dashboard/index.js';
import type { Workload } from '../src/load/index.js';
import {
  ContinuousPerformanceMonitor,
  parseAlertRule,
  parseSloRules,
  type DashboardSnapshot,
} from '../src/monitor/index.js';
import { seededRandom } from '../src/random/index.js';
import { collectGarbage, median } from './_stats.js';

export interface SoakFigures {
  duration_seconds: number;
  collectors: number;
  target_samples_per_second: number;
  samples_per_second: number;
  total_samples: number;
  /** RSS (MB) after GC, one reading per `rssEveryMs`. */
  rss_mb: number[];
  dashboard_tick_ms: {
    median: number;
    p99: number;
    max: number;
    ticks: number;
    cold_first_ms: number;
  };
  sse_messages: number;
  alerts_logged: number;
}

/** A cheap synchronous call: a few µs of work, 1 % cache misses… outcomes drawn from a seed. */
function busyWorkload(name: string, seed: number): Workload {
  const random = seededRandom(seed);
  let sink = 0;
  return {
    name,
    call() {
      const r = random();
      for (let i = 0; i < 20; i++) sink += Math.sqrt(i + r);
      if (r < 0.005) throw Object.assign(new Error('synthetic'), { code: 'ESYNTH' });
      return { cacheHit: r < 0.6, fallbackUsed: sink < 0 };
    },
  };
}

export async function runSoak(options: {
  durationMs: number;
  ratePerCollector: number;
  rssEveryMs: number;
  progress?: (line: string) => void;
}): Promise<SoakFigures> {
  const names = ['feature_extraction', 'api_endpoints', 'data_processing'];
  const tickCosts: number[] = [];
  const nullTty = Object.assign(new Writable({ write: (_c, _e, done) => done() }), {
    isTTY: true,
  }) as unknown as NodeJS.WriteStream;
  const web: WebDashboard = new WebDashboard({
    port: 0,
    read: (): DashboardSnapshot => monitor.dashboardData,
  });
  const alerts: unknown[] = [];
  const monitor: ContinuousPerformanceMonitor = new ContinuousPerformanceMonitor(names, {
    rules: [parseAlertRule('p99<50ms over 1m'), ...parseSloRules('success>=99.9%')],
    intervalMs: 5000,
    alertsEveryMs: 10_000,
    analysisEveryMs: 30_000,
    eventSinks: [{ name: 'count', add: (e) => void alerts.push(e.id) }],
    dashboardSinks: [
      new RealTimeDashboard(5000, nullTty),
      web,
      { name: 'frames', add: () => void frames++ },
    ],
  });
  // Tick cost: the whole tick (windows, alerts, analysis, snapshot, both dashboards) of
  // every tick that drew a frame.
  let frames = 0;
  const tick = monitor.tick.bind(monitor);
  monitor.tick = (nowMs?: number) => {
    const before = frames;
    const began = performance.now();
    tick(nowMs);
    if (frames > before) tickCosts.push(performance.now() - began);
  };
  await monitor.start();

  // One SSE client, reading everything, as a browser would.
  let sseMessages = 0;
  const events = await request(new URL('/events', web.url), { method: 'GET' });
  events.body.on('data', (chunk: Buffer) => {
    sseMessages += chunk.toString().match(/^data: /gm)?.length ?? 0;
  });

  const controller = new AbortController();
  const began = performance.now();
  const rss: number[] = [];
  const rssTimer = setInterval(() => {
    collectGarbage();
    const mb = process.memoryUsage().rss / 2 ** 20;
    rss.push(Math.round(mb * 10) / 10);
    const total = names.reduce(
      (n, name) => n + monitor.dashboardData.collectors[name]!.total_samples,
      0,
    );
    const seconds = (performance.now() - began) / 1000;
    options.progress?.(
      `soak ${seconds.toFixed(0)} s: RSS ${mb.toFixed(1)} MB, ${(total / seconds).toFixed(0)} samples/s, last tick ${monitor.lastTickMs.toFixed(2)} ms`,
    );
  }, options.rssEveryMs);
  const drives = names.map((name, i) =>
    monitor.drive(name, busyWorkload(name, i + 1), {
      rate: options.ratePerCollector,
      durationMs: options.durationMs,
      signal: controller.signal,
    }),
  );
  await Promise.all(drives);
  const seconds = (performance.now() - began) / 1000;
  clearInterval(rssTimer);
  const final = await monitor.stop();
  events.body.destroy();
  const total = names.reduce((n, name) => n + final.collectors[name]!.total_samples, 0);
  // The first two frames (10 s) run cold code (JIT): reported apart, not in the figures.
  const warm = tickCosts.slice(2);
  const sorted = [...warm].sort((a, b) => a - b);
  return {
    duration_seconds: Math.round(seconds * 10) / 10,
    collectors: names.length,
    target_samples_per_second: options.ratePerCollector * names.length,
    samples_per_second: Math.round(total / seconds),
    total_samples: total,
    rss_mb: rss,
    dashboard_tick_ms: {
      median: round3(median(warm)),
      p99: round3(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? NaN),
      max: round3(sorted.at(-1) ?? NaN),
      ticks: warm.length,
      cold_first_ms: round3(tickCosts[0] ?? NaN),
    },
    sse_messages: sseMessages,
    alerts_logged: alerts.length,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
