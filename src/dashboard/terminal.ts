import { count, percent } from '../model/format.js';
import { terminalLine, terminalText } from '../neutralise/index.js';
import type { MetricsCollector } from '../metrics/index.js';
import { json } from '../report/files.js';
import { writeFileAtomic } from '../report/write.js';
import { CollectorWatch } from './_collectors.js';
import type { Sink } from '../monitor/sinks.js';
import type { CollectorSnapshot, DashboardSnapshot } from '../monitor/snapshot.js';
import type { WindowFigures } from '../monitor/index.js';

const BARS = '▁▂▃▄▅▆▇█';
const RULE = '='.repeat(80);

/** A sparkline of the values, scaled from their minimum to their maximum. */
export function sparkline(values: readonly number[], width = 40): string {
  const tail = values.slice(-width);
  if (tail.length === 0) return '';
  const low = Math.min(...tail);
  const high = Math.max(...tail);
  const span = high - low;
  return tail
    .map((v) => BARS[span > 0 ? Math.round(((v - low) / span) * (BARS.length - 1)) : 0])
    .join('');
}

const ms = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)}ms`);
/** Shown for a figure there is nothing to compute from (a rate of zero requests). */
const NONE = '–';

/** A window's P95, or "–" when it holds no successful call to take it from. */
const p95Of = (w: WindowFigures) => (w.requests - w.failures > 0 ? ms(w.latency_p95) : NONE);

/** The error rate with why calls fail: "100.00% (top: ECONNREFUSED × 12)". */
function errors(rate: number, top: CollectorSnapshot['top_error']): string {
  return top && rate > 0 ? `${percent(rate)} (top: ${top.type} × ${top.count})` : percent(rate);
}

/** The seed's block for one collector, plus the last minute, the P95 sparkline and alerts. */
function renderCollector(name: string, c: CollectorSnapshot): string[] {
  const minute = c.windows['1m'];
  const p95s = c.history.map((h) => h.p95);
  // No request yet: rates of nothing are not 0 %, and no latency is not 0 ms.
  const none = c.total_samples === 0;
  const rate = (x: number) => (none ? NONE : percent(x));
  // Latency is of successful calls; a workload that never looked in a cache has no hit rate.
  const answered = !none && c.success_rate > 0;
  const s = c.since_start;
  const noCache = s.requests > 0 && s.cache_hits + s.cache_misses === 0;
  const lines = [
    '',
    `${name.toUpperCase()}:`,
    `  Requests: ${none ? '0 (no requests yet)' : count(c.total_samples)}`,
    `  Success Rate: ${rate(c.success_rate)}`,
    `  Throughput: ${c.requests_per_second.toFixed(1)} RPS`,
    `  Avg Latency: ${answered ? `${c.latency_avg.toFixed(2)}ms` : NONE}`,
    `  P95 Latency: ${answered ? `${c.latency_p95.toFixed(2)}ms` : NONE}`,
    `  Cache Hit Rate: ${noCache ? NONE : rate(c.cache_hit_rate)}`,
    `  Fallback Rate: ${rate(c.fallback_rate)}`,
    `  Error Rate: ${none ? NONE : errors(c.error_rate, c.top_error)}`,
    minute.requests === 0
      ? '  Last 1m: no requests'
      : `  Last 1m: ${minute.requests_per_second.toFixed(1)} RPS, P95 ${p95Of(minute)}, errors ${errors(minute.error_rate, c.top_error)}`,
  ];
  if (p95s.length > 0) {
    lines.push(
      `  P95 trend: ${sparkline(p95s)} ${Math.min(...p95s.slice(-40)).toFixed(1)}–${Math.max(...p95s.slice(-40)).toFixed(1)}ms`,
    );
  }
  for (const alert of c.alerts) {
    lines.push(
      `  ${alert.state === 'firing' ? '🔥' : '…'} ${alert.level} ${alert.state}: ${alert.message}`,
    );
  }
  return lines;
}

/** Lines drawn with the dashboard on a TTY, which a redraw would otherwise wipe. */
export interface FrameLines {
  /** Above the dashboard: what stays true while it runs (the web dashboard's URL…). */
  header?: readonly string[];
  /** Below it: the latest messages and alert notifications, oldest first. */
  messages?: readonly string[];
}

/** The whole dashboard as text (pure; the sink decides how to show it). */
export function renderDashboard(snapshot: DashboardSnapshot, frame: FrameLines = {}): string {
  const lines = [...(frame.header ?? [])];
  lines.push(RULE, `REAL-TIME PERFORMANCE DASHBOARD - ${snapshot.timestamp}`, RULE);
  for (const [name, c] of Object.entries(snapshot.collectors))
    lines.push(...renderCollector(name, c));
  lines.push(RULE);
  if (frame.messages && frame.messages.length > 0) lines.push(...frame.messages, RULE);
  lines.push('Press Ctrl+C to stop monitoring');
  // Names and alert messages come from data; the TTY sink adds its own escapes afterwards.
  return terminalText(`${lines.join('\n')}\n`);
}

/** One line a collector, for logs and pipes. */
export function renderPlainLines(snapshot: DashboardSnapshot): string {
  const time = snapshot.timestamp.slice(11, 19);
  return Object.entries(snapshot.collectors)
    .map(([name, c]) => {
      const m = c.windows['1m'];
      const firing = c.alerts.filter((a) => a.state === 'firing').length;
      const top = c.top_error ? { ...c.top_error, type: terminalLine(c.top_error.type) } : null;
      const figures =
        m.requests === 0
          ? 'no requests in the last minute'
          : `${m.requests_per_second.toFixed(1)} rps, p95 ${p95Of(m)}, errors ${errors(m.error_rate, top)}`;
      return `[${time}] ${terminalLine(name)}: ${c.total_samples} requests, ${figures}${firing ? `, ${firing} alert(s) firing` : ''}\n`;
    })
    .join('');
}

/** Refreshes faster than this are the seed's seconds given as milliseconds, not a wish. */
const MIN_UPDATE_INTERVAL_MS = 100;
/** Messages (alerts, analysis notes) kept below the dashboard on a TTY. */
const MAX_MESSAGES = 10;

/**
 * The seed's `RealTimeDashboard`. Two ways to feed it:
 * - the seed's: `addMetricsCollector(name, collector)`, then `startDashboard()`; every
 *   `updateIntervalMs` it reads the collectors and redraws, until `stopDashboard()`;
 * - the monitor's: as a sink of its dashboard snapshots (`start` / `add` / `stop`).
 * On a TTY it redraws in place (cursor home, clear to end: no scrolling, no flicker);
 * otherwise it prints one plain line per collector per refresh. It prints to `out`
 * (default process.stdout).
 */
export class RealTimeDashboard implements Sink<DashboardSnapshot> {
  readonly name = 'terminal';
  private readonly tty: boolean;
  private drawn = false;
  private data: DashboardSnapshot | undefined;
  /** Collectors added the seed's way; the monitor feeds snapshots instead. */
  readonly metricsCollectors = new Map<string, MetricsCollector>();
  private readonly watch = new CollectorWatch();
  private timer: NodeJS.Timeout | undefined;
  private live = false;
  private readonly header: string[] = [];
  private readonly messages: string[] = [];

  constructor(
    readonly updateIntervalMs = 5000,
    private readonly out: NodeJS.WriteStream | NodeJS.WritableStream = process.stdout,
  ) {
    this.tty = (out as NodeJS.WriteStream).isTTY === true;
  }

  /** Watches `collector` under `name`; it shows from the next refresh. */
  addMetricsCollector(name: string, collector: MetricsCollector): void {
    this.metricsCollectors.set(name, collector);
    this.watch.add(name, collector);
  }

  /** Whether `startDashboard()` is refreshing (the seed's `running`). */
  get running(): boolean {
    return this.timer !== undefined;
  }

  /**
   * Starts refreshing from the added collectors every `updateIntervalMs`. Returns at once
   * (the seed's loop blocked); the timer does not keep the process alive.
   */
  startDashboard(): void {
    if (this.timer) return;
    if (!(this.updateIntervalMs >= MIN_UPDATE_INTERVAL_MS)) {
      throw new RangeError(
        `updateIntervalMs ${String(this.updateIntervalMs)} is under ${MIN_UPDATE_INTERVAL_MS}: it is in milliseconds (the seed's update_interval=2.0 seconds is 2000)`,
      );
    }
    // On a terminal the frames redraw from the top: the line is kept above them, not wiped.
    if (this.tty) this.header.push('Real-time dashboard started');
    else this.out.write('Real-time dashboard started\n');
    this.watch.start(Date.now());
    this.start();
    this.refresh();
    this.timer = setInterval(() => this.refresh(), this.updateIntervalMs);
    this.timer.unref();
  }

  /** Stops refreshing after a last frame; the collectors are left as they are. */
  stopDashboard(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.refresh();
    this.stop();
    this.watch.release();
    this.out.write('Dashboard stopped\n');
  }

  /** Reads the added collectors now and draws them. */
  private refresh(): void {
    this.add(this.watch.snapshot(Date.now()));
  }

  /**
   * Whether it redraws in place now (a TTY, between `start` and `stop`): a line written to the
   * terminal meanwhile would be wiped by the next frame; give it to `addHeaderLine` or
   * `addMessage` instead.
   */
  get drawingInPlace(): boolean {
    return this.tty && this.live;
  }

  /** A line kept above the dashboard while it redraws in place (the web dashboard's URL…). */
  addHeaderLine(line: string): void {
    this.header.push(line);
    this.redraw();
  }

  /** A message kept below the dashboard while it redraws in place (the latest ten). */
  addMessage(line: string): void {
    this.messages.push(line);
    if (this.messages.length > MAX_MESSAGES) this.messages.shift();
    this.redraw();
  }

  start(): void {
    this.live = true;
    if (this.tty) this.out.write('\x1b[?25l\x1b[2J'); // hide cursor, clear once
  }

  add(snapshot: DashboardSnapshot): void {
    this.data = snapshot;
    if (this.tty) this.draw(snapshot);
    else this.out.write(renderPlainLines(snapshot));
  }

  stop(): void {
    this.live = false;
    if (this.tty && this.drawn) this.out.write('\x1b[?25h\n');
    else if (this.tty) this.out.write('\x1b[?25h');
  }

  /** Draws the frame again with a new header line or message, if one is on screen. */
  private redraw(): void {
    if (this.drawingInPlace && this.drawn && this.data) this.draw(this.data);
  }

  private draw(snapshot: DashboardSnapshot): void {
    const text = renderDashboard(snapshot, { header: this.header, messages: this.messages });
    // Cursor home, each line cleared to its end, then the rest of the screen.
    this.out.write(`\x1b[H${text.replace(/\n/g, '\x1b[K\n')}\x1b[J`);
    this.drawn = true;
  }

  /**
   * The last frame's data (the seed's `get_dashboard_data`); with collectors added and no
   * frame drawn yet, their figures now.
   */
  getDashboardData(): DashboardSnapshot | undefined {
    if (this.data === undefined && this.watch.size > 0) return this.watch.snapshot(Date.now());
    return this.data;
  }

  /** Writes `getDashboardData()` as JSON (atomically) and says so, as the seed did. */
  async exportDashboardData(filename: string): Promise<void> {
    await writeFileAtomic(filename, json(this.getDashboardData() ?? {}));
    this.out.write(`Dashboard data exported to ${terminalLine(filename)}\n`);
  }
}
