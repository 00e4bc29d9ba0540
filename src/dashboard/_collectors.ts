import type { MetricsCollector } from '../metrics/index.js';
import { RollingWindows } from '../monitor/index.js';
import {
  DASHBOARD_WINDOWS,
  MONITOR_SCHEMA_VERSION,
  type CollectorSnapshot,
  type DashboardSnapshot,
  type WindowName,
} from '../monitor/snapshot.js';

const SNAPSHOT_HISTORY = 120;

interface Watched {
  collector: MetricsCollector;
  windows: RollingWindows;
  /** Ends the collector's forwarding to the windows; set while watching. */
  unwatch?: () => void;
}

/**
 * Collectors given to the dashboard the seed's way (`addMetricsCollector`), watched the way
 * the monitor watches its own: every sample the collector records also lands in rolling
 * windows (1 m, 5 m, 1 h), so the dashboard shows the recent minute beside the collector's
 * figures since its start — in the monitor's snapshot shape, drawn by the same renderer.
 */
export class CollectorWatch {
  private readonly watched = new Map<string, Watched>();
  private startMs = NaN;

  get size(): number {
    return this.watched.size;
  }

  add(name: string, collector: MetricsCollector): void {
    this.remove(name);
    const watched: Watched = { collector, windows: new RollingWindows() };
    this.watched.set(name, watched);
    if (!Number.isNaN(this.startMs)) this.watch(watched);
  }

  /** Starts watching: from now on the collectors' samples also land in the windows. */
  start(nowMs: number): void {
    this.startMs = nowMs;
    for (const watched of this.watched.values()) this.watch(watched);
  }

  /** Stops watching: the collectors no longer forward their samples to the windows. */
  release(): void {
    for (const watched of this.watched.values()) this.unwatch(watched);
    this.startMs = NaN;
  }

  snapshot(nowMs: number): DashboardSnapshot {
    const collectors: Record<string, CollectorSnapshot> = {};
    for (const [name, { collector, windows }] of this.watched) {
      windows.advance(nowMs);
      // The seed's figures are the collector's own, since its collection started.
      const c = collector.getCurrentMetrics();
      const windowFigures = {} as CollectorSnapshot['windows'];
      for (const [label, ms] of Object.entries(DASHBOARD_WINDOWS)) {
        windowFigures[label as WindowName] = windows.window(ms, nowMs);
      }
      collectors[name] = {
        total_samples: c.total_samples,
        success_rate: c.success_rate,
        requests_per_second: c.requests_per_second,
        latency_p95: c.latency_p95,
        latency_avg: c.latency_avg,
        cache_hit_rate: c.cache_hit_rate,
        fallback_rate: c.fallback_rate,
        error_rate: c.error_rate,
        top_error: collector.topError(),
        since_start: windows.sinceStart(nowMs),
        windows: windowFigures,
        history: windows.history.slice(-SNAPSHOT_HISTORY),
        alerts: [],
      };
    }
    const memory = process.memoryUsage();
    const started = Number.isNaN(this.startMs) ? nowMs : this.startMs;
    return {
      schema_version: MONITOR_SCHEMA_VERSION,
      timestamp: new Date(nowMs).toISOString(),
      started_at: new Date(started).toISOString(),
      elapsed_seconds: (nowMs - started) / 1000,
      collectors,
      alerts: { active: [], recent: [] },
      analysis: {},
      process: { rss_mb: memory.rss / 2 ** 20, heap_used_mb: memory.heapUsed / 2 ** 20 },
      reports: {},
    };
  }

  /** The windows see every sample the collector records, whoever feeds it (as the monitor's do). */
  private watch(watched: Watched): void {
    watched.windows.start(this.startMs);
    watched.unwatch ??= watched.collector.forwardTo(watched.windows);
  }

  private unwatch(watched: Watched): void {
    watched.unwatch?.();
    watched.unwatch = undefined;
  }

  private remove(name: string): void {
    const watched = this.watched.get(name);
    if (watched) this.unwatch(watched);
    this.watched.delete(name);
  }
}
