import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { MAX_TIMER_MS } from '../load/timers.js';

/** One reading of the process's resources over the interval that ends at `timestamp`. */
export interface ResourcePoint {
  /** Epoch seconds at the end of the interval. */
  timestamp: number;
  /** CPU time (user + system) over wall time, in % of one core (can exceed 100). */
  cpu_percent: number;
  /** Resident set size. */
  memory_mb: number;
  heap_used_mb: number;
  /** Mean and max event-loop delay over the interval: how late timers and I/O ran. */
  event_loop_delay_ms: number;
  event_loop_delay_max_ms: number;
}

const MB = 1024 * 1024;

/**
 * Samples CPU, memory and event-loop delay on its own unref'd timer, so nothing of it ever
 * runs inside `recordSample` (the seed probed the CPU for 10 ms on every sample).
 */
export class ResourceSampler {
  readonly points: ResourcePoint[] = [];
  private timer: NodeJS.Timeout | undefined;
  private loopDelay: IntervalHistogram | undefined;
  private lastCpu = process.cpuUsage();
  private lastWallMs = 0;

  constructor(private readonly intervalMs = 1000) {}

  start(): void {
    this.stop(false);
    this.points.length = 0;
    this.lastCpu = process.cpuUsage();
    this.lastWallMs = performance.now();
    this.loopDelay = monitorEventLoopDelay({ resolution: 10 });
    this.loopDelay.enable();
    // Node's timers hold at most ~24.8 days; a longer interval would fire every millisecond.
    this.timer = setInterval(() => this.sample(), Math.min(this.intervalMs, MAX_TIMER_MS));
    this.timer.unref();
  }

  /** Stops the timer; a final reading covers the tail (or the whole of a short run). */
  stop(finalReading = true): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    if (finalReading && (this.points.length === 0 || performance.now() - this.lastWallMs >= 100)) {
      this.sample();
    }
    this.loopDelay?.disable();
    this.loopDelay = undefined;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  private sample(): void {
    const nowMs = performance.now();
    const cpu = process.cpuUsage(this.lastCpu);
    const wallMs = Math.max(nowMs - this.lastWallMs, 1e-3);
    const memory = process.memoryUsage();
    const delay = this.loopDelay;
    // The histogram reports NaN/huge sentinels until it has a reading.
    const hasDelay = delay !== undefined && delay.count > 0;
    this.points.push({
      timestamp: (performance.timeOrigin + nowMs) / 1000,
      cpu_percent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      memory_mb: memory.rss / MB,
      heap_used_mb: memory.heapUsed / MB,
      event_loop_delay_ms: hasDelay ? delay.mean / 1e6 : 0,
      event_loop_delay_max_ms: hasDelay ? delay.max / 1e6 : 0,
    });
    delay?.reset();
    this.lastCpu = process.cpuUsage();
    this.lastWallMs = nowMs;
  }
}

export interface ResourceSummary {
  avg_cpu_percent: number;
  max_cpu_percent: number;
  avg_memory_mb: number;
  max_memory_mb: number;
  avg_heap_used_mb: number;
  max_event_loop_delay_ms: number;
}

/** The seed's resource figures, over the timeline; null when nothing was measured. */
export function summarizeResources(points: readonly ResourcePoint[]): ResourceSummary | null {
  if (points.length === 0) return null;
  const mean = (pick: (p: ResourcePoint) => number) =>
    points.reduce((sum, p) => sum + pick(p), 0) / points.length;
  const max = (pick: (p: ResourcePoint) => number) =>
    points.reduce((m, p) => Math.max(m, pick(p)), -Infinity);
  return {
    avg_cpu_percent: mean((p) => p.cpu_percent),
    max_cpu_percent: max((p) => p.cpu_percent),
    avg_memory_mb: mean((p) => p.memory_mb),
    max_memory_mb: max((p) => p.memory_mb),
    avg_heap_used_mb: mean((p) => p.heap_used_mb),
    max_event_loop_delay_ms: max((p) => p.event_loop_delay_max_ms),
  };
}
