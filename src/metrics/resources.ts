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
  /**
   * Mean and max event-loop delay over the interval: how late timers and I/O ran, beyond the
   * timer's own resolution. The runner's chaining of calls that never give the loop back is
   * not counted as such: each of those stretches counts as its longest call (see
   * `ResourceSampler.runnerYielding`).
   */
  event_loop_delay_ms: number;
  event_loop_delay_max_ms: number;
}

const MB = 1024 * 1024;
/** The loop-delay timer's period: every reading is at least this long, so it is subtracted. */
const LOOP_DELAY_RESOLUTION_MS = 10;

const rssMb = () => process.memoryUsage().rss / MB;

/** Delay readings over one interval: the histogram's plus those put in for held stretches. */
interface DelayTally {
  count: number;
  sumMs: number;
  maxMs: number;
}

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
  /** RSS before the workload was set up: what Node, perfsight and the modules loaded hold. */
  private baselineMb = rssMb();
  /** RSS when measuring started (after setup and warm-up). */
  private startMb = NaN;
  /** This interval's delay readings so far, moved out of the histogram when it is reset. */
  private tally: DelayTally = { count: 0, sumMs: 0, maxMs: 0 };
  private countAtResume = 0;

  /**
   * The process's memory now is the baseline a workload's memory is reckoned from: create the
   * sampler (its collector) before the workload's setup, or call `markBaseline()` then.
   */
  constructor(private readonly intervalMs = 1000) {}

  /** Takes the memory baseline now: call it before the workload's setup. */
  markBaseline(): void {
    this.baselineMb = rssMb();
  }

  /** Memory before setup, and when measuring started: what `summarizeResources` reckons from. */
  get memoryReference(): MemoryReference {
    return { baseline_memory_mb: this.baselineMb, start_memory_mb: this.startMb };
  }

  /**
   * The runner resumes after giving the loop back. Paired with `runnerYielding`, it tells
   * whether a stretch of calls held the loop throughout.
   */
  runnerResumed(): void {
    this.countAtResume = this.loopDelay?.count ?? 0;
  }

  /**
   * The runner is about to give the loop back after a stretch of calls. If no loop-delay
   * reading was taken since it last resumed, the loop was held throughout: by calls that
   * finish without waiting (synchronous, or computing inside a promise) and by the runner
   * chaining them, which it does for up to YIELD_EVERY_MS to keep its own overhead low. The
   * delay the next reading would show is that whole stretch, most of it the runner's choice,
   * so the reading is restarted and the stretch counts as `longestCallMs`: at most what a
   * timer would wait had the runner given the loop back after every call.
   */
  runnerYielding(longestCallMs: number): void {
    const delay = this.loopDelay;
    if (!delay || delay.count !== this.countAtResume) return;
    // Resetting drops the late reading to come (it restarts the delay clock); what the
    // histogram held so far is kept first.
    this.foldDelay();
    this.tally.count++;
    this.tally.sumMs += longestCallMs;
    this.tally.maxMs = Math.max(this.tally.maxMs, longestCallMs);
  }

  start(): void {
    this.stop(false);
    this.points.length = 0;
    this.lastCpu = process.cpuUsage();
    this.lastWallMs = performance.now();
    this.startMb = rssMb();
    this.tally = { count: 0, sumMs: 0, maxMs: 0 };
    this.loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
    this.loopDelay.enable();
    this.countAtResume = 0;
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
    this.foldDelay();
    const delay = this.tally;
    this.points.push({
      timestamp: (performance.timeOrigin + nowMs) / 1000,
      cpu_percent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
      memory_mb: memory.rss / MB,
      heap_used_mb: memory.heapUsed / MB,
      event_loop_delay_ms: delay.count > 0 ? delay.sumMs / delay.count : 0,
      event_loop_delay_max_ms: delay.maxMs,
    });
    this.tally = { count: 0, sumMs: 0, maxMs: 0 };
    this.lastCpu = process.cpuUsage();
    this.lastWallMs = nowMs;
  }

  /**
   * Moves the histogram's readings, less the timer's resolution, into this interval's tally
   * and resets it (which also restarts its clock: the next reading starts from now).
   */
  private foldDelay(): void {
    const h = this.loopDelay;
    // The histogram reports NaN/huge sentinels until it has a reading.
    if (h && h.count > 0) {
      const excess = (ns: number) => Math.max(0, ns / 1e6 - LOOP_DELAY_RESOLUTION_MS);
      this.tally.sumMs += excess(h.mean) * h.count;
      this.tally.count += h.count;
      this.tally.maxMs = Math.max(this.tally.maxMs, excess(h.max));
    }
    h?.reset();
    this.countAtResume = 0;
  }
}

/** Where the workload's memory is reckoned from. */
export interface MemoryReference {
  /** RSS before the workload's setup (when the collector was created, or `markBaseline`). */
  baseline_memory_mb: number;
  /** RSS when measuring started; NaN if it never did. */
  start_memory_mb: number;
}

export interface ResourceSummary {
  avg_cpu_percent: number;
  max_cpu_percent: number;
  avg_memory_mb: number;
  max_memory_mb: number;
  avg_heap_used_mb: number;
  max_event_loop_delay_ms: number;
  /** RSS before the workload's setup: Node, perfsight and the modules loaded. */
  baseline_memory_mb: number;
  /**
   * Peak RSS above the baseline: what the workload's setup (a model, its runtime) and its
   * calls added. The analyzer's memory threshold applies to this, not to the whole process.
   */
  workload_memory_mb: number;
  /** RSS at the end of the run less RSS when measuring started: growth a leak would show. */
  memory_growth_mb: number;
}

/**
 * The seed's resource figures over the timeline, with the memory the workload added and how
 * it grew; null when nothing was measured.
 */
export function summarizeResources(
  points: readonly ResourcePoint[],
  reference: MemoryReference,
): ResourceSummary | null {
  if (points.length === 0) return null;
  const mean = (pick: (p: ResourcePoint) => number) =>
    points.reduce((sum, p) => sum + pick(p), 0) / points.length;
  const max = (pick: (p: ResourcePoint) => number) =>
    points.reduce((m, p) => Math.max(m, pick(p)), -Infinity);
  const maxMemory = max((p) => p.memory_mb);
  return {
    avg_cpu_percent: mean((p) => p.cpu_percent),
    max_cpu_percent: max((p) => p.cpu_percent),
    avg_memory_mb: mean((p) => p.memory_mb),
    max_memory_mb: maxMemory,
    avg_heap_used_mb: mean((p) => p.heap_used_mb),
    max_event_loop_delay_ms: max((p) => p.event_loop_delay_max_ms),
    baseline_memory_mb: reference.baseline_memory_mb,
    workload_memory_mb: Math.max(0, maxMemory - reference.baseline_memory_mb),
    memory_growth_mb:
      points.at(-1)!.memory_mb -
      (Number.isFinite(reference.start_memory_mb)
        ? reference.start_memory_mb
        : points[0]!.memory_mb),
  };
}

/** Keeps the sampler's layout known to V8 between runs (see `KEPT_COLLECTOR`). */
export const KEPT_SAMPLER = new ResourceSampler();
