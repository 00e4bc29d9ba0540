import { terminalLine, terminalText } from '../neutralise/index.js';
import type { MetricsCollector } from '../metrics/index.js';
import type { Sink } from '../monitor/sinks.js';
import type { CollectorSnapshot, DashboardSnapshot } from '../monitor/snapshot.js';

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

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const ms = (x: number | null) => (x === null ? '-' : `${x.toFixed(2)}ms`);

/** The seed's block for one collector, plus the last minute, the P95 sparkline and alerts. */
function renderCollector(name: string, c: CollectorSnapshot): string[] {
  const minute = c.windows['1m'];
  const p95s = c.history.map((h) => h.p95);
  const lines = [
    '',
    `${name.toUpperCase()}:`,
    `  Requests: ${c.total_samples.toLocaleString('en-US')}`,
    `  Success Rate: ${pct(c.success_rate)}`,
    `  Throughput: ${c.requests_per_second.toFixed(1)} RPS`,
    `  Avg Latency: ${c.latency_avg.toFixed(2)}ms`,
    `  P95 Latency: ${c.latency_p95.toFixed(2)}ms`,
    `  Cache Hit Rate: ${pct(c.cache_hit_rate)}`,
    `  Fallback Rate: ${pct(c.fallback_rate)}`,
    `  Error Rate: ${pct(c.error_rate)}`,
    `  Last 1m: ${minute.requests_per_second.toFixed(1)} RPS, P95 ${ms(minute.latency_p95)}, errors ${pct(minute.error_rate)}`,
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

/** The whole dashboard as text (pure; the sink decides how to show it). */
export function renderDashboard(snapshot: DashboardSnapshot): string {
  const lines = [RULE, `REAL-TIME PERFORMANCE DASHBOARD - ${snapshot.timestamp}`, RULE];
  for (const [name, c] of Object.entries(snapshot.collectors))
    lines.push(...renderCollector(name, c));
  lines.push(RULE, 'Press Ctrl+C to stop monitoring');
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
      return `[${time}] ${terminalLine(name)}: ${c.total_samples} requests, ${m.requests_per_second.toFixed(1)} rps, p95 ${ms(m.latency_p95)}, errors ${pct(m.error_rate)}${firing ? `, ${firing} alert(s) firing` : ''}\n`;
    })
    .join('');
}

/**
 * The seed's `RealTimeDashboard`, as a sink of dashboard snapshots. On a TTY it redraws in
 * place (cursor home, clear to end: no scrolling, no flicker); otherwise it prints one plain
 * line per collector per refresh.
 */
export class RealTimeDashboard implements Sink<DashboardSnapshot> {
  readonly name = 'terminal';
  private readonly tty: boolean;
  private drawn = false;
  private data: DashboardSnapshot | undefined;
  /** Collectors added the seed's way; the monitor feeds snapshots instead. */
  readonly metricsCollectors = new Map<string, MetricsCollector>();

  constructor(
    readonly updateIntervalMs = 5000,
    private readonly out: NodeJS.WriteStream | NodeJS.WritableStream = process.stdout,
  ) {
    this.tty = (out as NodeJS.WriteStream).isTTY === true;
  }

  addMetricsCollector(name: string, collector: MetricsCollector): void {
    this.metricsCollectors.set(name, collector);
  }

  start(): void {
    if (this.tty) this.out.write('\x1b[?25l\x1b[2J'); // hide cursor, clear once
  }

  add(snapshot: DashboardSnapshot): void {
    this.data = snapshot;
    if (this.tty) {
      const frame = renderDashboard(snapshot).replace(/\n/g, '\x1b[K\n');
      this.out.write(`\x1b[H${frame}\x1b[J`);
      this.drawn = true;
    } else {
      this.out.write(renderPlainLines(snapshot));
    }
  }

  stop(): void {
    if (this.tty && this.drawn) this.out.write('\x1b[?25h\n');
    else if (this.tty) this.out.write('\x1b[?25h');
  }

  getDashboardData(): DashboardSnapshot | undefined {
    return this.data;
  }
}
