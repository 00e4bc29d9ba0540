import type { AlertThresholds } from '../analysis/alerting.js';
import type { AnalyzerThresholds } from '../analysis/analyzer.js';
import type { Objective } from '../analysis/types.js';
import { MetricsCollector } from '../metrics/index.js';
import type { DriveOutcome, RunPlan, Workload } from '../load/index.js';
import { AlertEvaluator, type AlertEvent } from './alerts.js';
import { driveInto } from './_driving.js';
import { checkWindowObjectives, overallRisk } from './_analysis.js';
import { Notifier, type AlertNotification, type ThrottleOptions } from './notifier.js';
import { latencyThresholds, seedAlertRules, type AlertRule } from './rules.js';
import type { ResourceFigures } from './_objective.js';
import type { Sink } from './sinks.js';
import {
  DASHBOARD_WINDOWS,
  MONITOR_SCHEMA_VERSION,
  type CollectorSnapshot,
  type DashboardSnapshot,
  type PeriodicAnalysis,
  type WindowName,
} from './snapshot.js';
import { RollingWindows, type WindowOptions } from './_windows.js';

/** Time, injectable: tests drive the monitor with a fake one and call `tick()` themselves. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface MonitorOptions {
  /**
   * Alert rules. Not given: the seed's alert thresholds (`seedAlertRules`: P95, P99, success,
   * errors, CPU, memory, with its levels), from `alertThresholds`. An empty list: no alerts.
   */
  rules?: readonly AlertRule[];
  /** The seed's alert thresholds the default rules use (config `alert_thresholds`). */
  alertThresholds?: Partial<AlertThresholds>;
  /** The analyzer's thresholds the periodic analysis' risk uses (config `thresholds`). */
  thresholds?: Partial<AnalyzerThresholds>;
  /** Objectives checked by the periodic analysis (besides the rules' own). */
  objectives?: readonly Objective[];
  clock?: Clock;
  /** Dashboard refresh. Default 5,000 ms. */
  intervalMs?: number;
  analysisEveryMs?: number;
  alertsEveryMs?: number;
  windows?: Omit<WindowOptions, 'latencyThresholdsMs'>;
  throttle?: ThrottleOptions;
  /** Every alert transition (the alert log). */
  eventSinks?: Sink<AlertEvent>[];
  /** Throttled notifications (console, webhook). */
  notificationSinks?: Sink<AlertNotification>[];
  /** Dashboard snapshots, every `intervalMs` (terminal, web, Prometheus). */
  dashboardSinks?: Sink<DashboardSnapshot>[];
  /** Lines for people (analysis notes); default: none. */
  log?: (line: string) => void;
}

interface Watched {
  collector: MetricsCollector;
  windows: RollingWindows;
}

const SNAPSHOT_HISTORY = 120;

/** One reading of the process's resources, stamped with the monitor's clock. */
interface ResourceReading {
  t: number;
  /** Null for the first reading (CPU is a rate between two readings). */
  cpu: number | null;
  memoryMb: number;
}

/**
 * The seed's `ContinuousPerformanceMonitor`: named collectors watched through rolling
 * windows, alert rules evaluated in time, periodic analysis, dashboards fed on a schedule.
 * Ticks are scheduled (never `time % 30 == 0` polling): each tick closes window slots and
 * runs whatever is due, so nothing is missed or repeated however late a timer fires.
 */
export class ContinuousPerformanceMonitor {
  readonly evaluator: AlertEvaluator;
  readonly notifier: Notifier;
  private readonly clock: Clock;
  readonly rules: readonly AlertRule[];
  private readonly watched = new Map<string, Watched>();
  /** Resource readings of the longest window that needs them (bounded). */
  private readonly resources: ResourceReading[] = [];
  private readonly resourceKeepMs: number;
  private lastCpu: { usage: NodeJS.CpuUsage; wallMs: number } | undefined;
  private readonly options: MonitorOptions;
  private readonly objectives: Objective[];
  private readonly analysis: Record<string, PeriodicAnalysis> = {};
  private readonly reports: Record<string, string> = {};
  private readonly sinks: Array<Sink<never>>;
  private startMs = NaN;
  /** When `stop` ended the measurement: later snapshots describe the run up to there. */
  private stoppedMs: number | undefined;
  private nextAnalysisMs = Infinity;
  private nextAlertsMs = Infinity;
  private nextDashboardMs = Infinity;
  private timer: NodeJS.Timeout | undefined;
  private latest: DashboardSnapshot | undefined;
  /** Time the last `tick` took (ms): what the soak bench holds to ≤ 5 ms. */
  lastTickMs = 0;

  constructor(
    collectors: Record<string, MetricsCollector> | string[] = {},
    options: MonitorOptions = {},
  ) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.rules = options.rules ?? seedAlertRules(options.alertThresholds);
    this.evaluator = new AlertEvaluator(this.rules);
    this.notifier = new Notifier(options.throttle);
    const seen = new Set<string>();
    this.objectives = [
      ...(options.objectives ?? []),
      ...(options.rules ?? []).filter((r) => !r.alertThreshold).map((r) => r.objective),
    ].filter((o) => !seen.has(o.source) && seen.add(o.source));
    this.resourceKeepMs = Math.max(
      DASHBOARD_WINDOWS['5m'],
      ...this.rules.map((r) => (r.kind === 'threshold' ? r.windowMs : r.longWindowMs)),
    );
    this.sinks = [
      ...(options.eventSinks ?? []),
      ...(options.notificationSinks ?? []),
      ...(options.dashboardSinks ?? []),
    ] as Array<Sink<never>>;
    const entries = Array.isArray(collectors)
      ? collectors.map((name) => [name, undefined] as const)
      : Object.entries(collectors);
    for (const [name, collector] of entries) this.addCollector(name, collector);
  }

  /** A collector for the monitor's own use: histograms only, no per-sample log. */
  static newCollector(): MetricsCollector {
    return new MetricsCollector({ exactCap: 0, sampleResources: false, intervalMs: 60_000 });
  }

  /**
   * Watches `collector` under `name` (a new one if none is given) and returns it; feed it
   * with `recordSample` or `runWorkload` as usual.
   */
  addCollector(
    name: string,
    collector = ContinuousPerformanceMonitor.newCollector(),
  ): MetricsCollector {
    if (this.watched.has(name)) throw new Error(`collector "${name}" is already watched`);
    const windows = new RollingWindows({
      ...this.options.windows,
      latencyThresholdsMs: latencyThresholds(this.rules),
    });
    if (!Number.isNaN(this.startMs)) windows.start(this.clock.now());
    // The windows see every sample the collector records, whoever feeds it (the load
    // driver, `record`, `recordSample`): the collector forwards them.
    collector.forwardTo(windows);
    this.watched.set(name, { collector, windows });
    return collector;
  }

  collector(name: string): MetricsCollector | undefined {
    return this.watched.get(name)?.collector;
  }

  get collectorNames(): string[] {
    return [...this.watched.keys()];
  }

  /** Starts the schedule. `schedule: false` leaves ticking to the caller (tests, benches). */
  async start(options: { schedule?: boolean } = {}): Promise<void> {
    for (const sink of this.sinks) await sink.start?.();
    const now = this.clock.now();
    this.startMs = now;
    this.stoppedMs = undefined;
    for (const { windows } of this.watched.values()) windows.start(now);
    this.nextAlertsMs = now + (this.options.alertsEveryMs ?? 10_000);
    this.nextAnalysisMs = now + (this.options.analysisEveryMs ?? 30_000);
    this.nextDashboardMs = now;
    if (options.schedule !== false) {
      const tickMs = Math.min(
        1000,
        this.options.intervalMs ?? 5000,
        this.options.alertsEveryMs ?? 10_000,
        this.options.windows?.fineMs ?? 5000,
      );
      this.timer = setInterval(() => {
        try {
          this.tick();
        } catch (error) {
          // A failing tick must not end the monitor; the next one tries again.
          this.options.log?.(`perfsight: monitor tick failed: ${String(error)}`);
        }
      }, tickMs);
    }
    this.tick(now);
  }

  /** Closes window slots and runs what is due: alerts, analysis, dashboards, notifications. */
  tick(nowMs = this.clock.now()): void {
    const began = performance.now();
    for (const { windows } of this.watched.values()) windows.advance(nowMs);
    this.readResources(nowMs);
    if (nowMs >= this.nextAlertsMs) {
      this.evaluateAlerts(nowMs);
      this.nextAlertsMs = nextDue(this.nextAlertsMs, this.options.alertsEveryMs ?? 10_000, nowMs);
    }
    for (const notification of this.notifier.due(nowMs)) this.notify(notification);
    if (nowMs >= this.nextAnalysisMs) {
      this.analyze(nowMs);
      this.nextAnalysisMs = nextDue(
        this.nextAnalysisMs,
        this.options.analysisEveryMs ?? 30_000,
        nowMs,
      );
    }
    if (nowMs >= this.nextDashboardMs) {
      const snapshot = this.snapshot(nowMs);
      for (const sink of this.options.dashboardSinks ?? [])
        safely(() => sink.add(snapshot), this.options.log);
      this.nextDashboardMs = nextDue(this.nextDashboardMs, this.options.intervalMs ?? 5000, nowMs);
    }
    this.lastTickMs = performance.now() - began;
  }

  /** Evaluates every rule now (also run on the schedule). */
  evaluateAlerts(nowMs = this.clock.now()): AlertEvent[] {
    const events = this.evaluator.evaluate(
      nowMs,
      this.collectorNames,
      (name, windowMs, latencies) => ({
        ...this.watched.get(name)!.windows.window(windowMs, nowMs, latencies),
        ...this.resourceFigures(windowMs, nowMs),
      }),
    );
    for (const event of events) {
      for (const sink of this.options.eventSinks ?? [])
        safely(() => sink.add(event), this.options.log);
      this.notifier.accept(event, nowMs);
    }
    return events;
  }

  /** The periodic analysis: objectives and risk per collector over the last 5 minutes. */
  analyze(nowMs = this.clock.now()): Record<string, PeriodicAnalysis> {
    const at = new Date(nowMs).toISOString();
    this.options.log?.(`[${at}] Performing performance analysis...`);
    for (const [name, { windows }] of this.watched) {
      const window = {
        ...windows.window(DASHBOARD_WINDOWS['5m'], nowMs),
        ...this.resourceFigures(DASHBOARD_WINDOWS['5m'], nowMs),
      };
      if (window.requests === 0) continue;
      const objectives = checkWindowObjectives(this.objectives, window);
      const risk = overallRisk(window, objectives, this.options.thresholds);
      this.analysis[name] = { at, window: '5m', objectives, overall_risk: risk };
      if (risk === 'critical' || risk === 'high') {
        this.options.log?.(`  ⚠️  ${name}: High risk detected (${risk})`);
      }
    }
    return { ...this.analysis };
  }

  /**
   * The dashboard data now (the seed's `get_dashboard_data`); after `stop`, as of the stop:
   * what sinks took to flush (a webhook draining its queue) is not part of the run.
   */
  snapshot(nowMs = this.stoppedMs ?? this.clock.now()): DashboardSnapshot {
    const collectors: Record<string, CollectorSnapshot> = {};
    for (const [name, { windows, collector }] of this.watched) {
      const all = windows.sinceStart(nowMs);
      const windowFigures = {} as CollectorSnapshot['windows'];
      for (const [label, ms] of Object.entries(DASHBOARD_WINDOWS)) {
        windowFigures[label as WindowName] = windows.window(ms, nowMs);
      }
      collectors[name] = {
        total_samples: all.requests,
        success_rate: all.success_rate,
        requests_per_second: all.requests_per_second,
        latency_p95: all.latency_p95 ?? 0,
        latency_avg: all.latency_avg,
        cache_hit_rate: all.cache_hit_rate,
        fallback_rate: all.fallback_rate,
        error_rate: all.error_rate,
        top_error: collector.topError(),
        since_start: all,
        windows: windowFigures,
        history: windows.history.slice(-SNAPSHOT_HISTORY),
        alerts: this.evaluator.active(name),
      };
    }
    const memory = process.memoryUsage();
    this.latest = {
      schema_version: MONITOR_SCHEMA_VERSION,
      timestamp: new Date(nowMs).toISOString(),
      started_at: new Date(Number.isNaN(this.startMs) ? nowMs : this.startMs).toISOString(),
      elapsed_seconds: Number.isNaN(this.startMs) ? 0 : (nowMs - this.startMs) / 1000,
      collectors,
      alerts: { active: this.evaluator.active(), recent: this.evaluator.history.slice(-50) },
      analysis: { ...this.analysis },
      process: { rss_mb: memory.rss / 2 ** 20, heap_used_mb: memory.heapUsed / 2 ** 20 },
      reports: { ...this.reports },
    };
    return this.latest;
  }

  /** The last snapshot taken (by a tick), or a fresh one. */
  get dashboardData(): DashboardSnapshot {
    return this.latest ?? this.snapshot();
  }

  /** Remembers where a collector's final report went (shown on the dashboards). */
  setReportFolder(collector: string, folder: string): void {
    this.reports[collector] = folder;
  }

  /**
   * Drives a workload into a collector (a new one if `name` is not watched yet) with the load
   * driver `run` uses, until `signal` aborts or the plan ends; a call that throws is counted
   * as a failure and the loop goes on. With a rate: the open loop (latency from the intended
   * start), until the duration or the signal; without: the closed loop.
   */
  drive(name: string, workload: Workload, plan: RunPlan): Promise<DriveOutcome> {
    return driveInto(this.collector(name) ?? this.addCollector(name), workload, plan);
  }

  /**
   * Stops the schedule: a last tick, final analysis and alert evaluation, every unsent
   * notification, then the sinks (which flush). Collections are ended.
   */
  async stop(): Promise<DashboardSnapshot> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const now = this.clock.now();
    this.stoppedMs = now;
    for (const { windows } of this.watched.values()) windows.advance(now);
    this.evaluateAlerts(now);
    this.analyze(now);
    for (const notification of this.notifier.flush(now)) this.notify(notification);
    for (const { collector } of this.watched.values()) collector.endCollection();
    const snapshot = this.snapshot(now);
    for (const sink of this.options.dashboardSinks ?? [])
      safely(() => sink.add(snapshot), this.options.log);
    for (const sink of this.sinks) {
      try {
        await sink.stop?.();
      } catch (error) {
        this.options.log?.(`perfsight: sink ${sink.name} failed to stop: ${String(error)}`);
      }
    }
    return snapshot;
  }

  /**
   * Reads the process's CPU and memory once a tick (microseconds: no timer of its own), so
   * resource rules and the risk see them in the monitor's time, fake clocks included.
   */
  private readResources(nowMs: number): void {
    const usage = process.cpuUsage();
    const wallMs = performance.now();
    const last = this.lastCpu;
    const cpu =
      last && wallMs > last.wallMs
        ? ((usage.user - last.usage.user + usage.system - last.usage.system) /
            1000 /
            (wallMs - last.wallMs)) *
          100
        : null;
    this.lastCpu = { usage, wallMs };
    this.resources.push({ t: nowMs, cpu, memoryMb: process.memoryUsage.rss() / 2 ** 20 });
    while (this.resources.length > 0 && this.resources[0]!.t <= nowMs - this.resourceKeepMs) {
      this.resources.shift();
    }
  }

  /** Average CPU and largest memory of the readings in the last `windowMs`. */
  private resourceFigures(windowMs: number, nowMs: number): ResourceFigures {
    let cpuSum = 0;
    let cpuCount = 0;
    let memory: number | null = null;
    for (let i = this.resources.length - 1; i >= 0; i--) {
      const r = this.resources[i]!;
      if (r.t <= nowMs - windowMs) break;
      if (r.t > nowMs) continue;
      if (r.cpu !== null) {
        cpuSum += r.cpu;
        cpuCount++;
      }
      memory = Math.max(memory ?? 0, r.memoryMb);
    }
    return { cpu_percent: cpuCount > 0 ? cpuSum / cpuCount : null, memory_mb: memory };
  }

  private notify(notification: AlertNotification): void {
    for (const sink of this.options.notificationSinks ?? []) {
      safely(() => sink.add(notification), this.options.log);
    }
  }
}

/** The first time after `nowMs` on the schedule `previous + k × every`. */
function nextDue(previous: number, everyMs: number, nowMs: number): number {
  const missed = Math.floor((nowMs - previous) / everyMs) + 1;
  return previous + Math.max(1, missed) * everyMs;
}

/** A sink that throws must not stop the monitor. */
function safely(action: () => void, log: ((line: string) => void) | undefined): void {
  try {
    action();
  } catch (error) {
    log?.(`perfsight: a sink failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
