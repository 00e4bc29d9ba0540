import { LogLinearCounts, MAX_TRACKABLE_US } from './_log-linear.js';
import { SUM_SCALE, withinObserved } from './percentiles.js';
import { FLAG_SUCCESS } from './flags.js';

/** Requests, failures and latency percentiles of one interval (1 s by default). */
export interface ThroughputPoint {
  /** Epoch seconds at the start of the interval. */
  timestamp: number;
  interval_seconds: number;
  requests: number;
  failures: number;
  throughput_rps: number;
  /** Percentiles of the interval's successful latencies (3 significant digits); 0 if none. */
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

/** Gaps longer than this many empty intervals are skipped rather than filled. */
const MAX_EMPTY_INTERVALS = 3600;
/**
 * Successes of an interval whose counts index is listed (`IntervalTimeline.listed`): a
 * second of up to 4,096 calls is drained sample by sample.
 */
const LISTED_ROOM = 4096;
/** The percentiles each interval of the timeline shows (ascending: read in one scan). */
const INTERVAL_PERCENTILES = [50, 95, 99] as const;

/**
 * Cuts the sample stream into fixed intervals as it goes. The current interval's successful
 * latencies go into a histogram of the run's layout; when the interval closes, its
 * percentiles are kept as one point and its counts are folded into the run's histogram
 * (`runLatencies`). So each sample is recorded into one histogram, not two — the hot path's
 * largest cost (bench/record.bench.ts) — and memory grows by one point per interval.
 * Only the index range an interval touched is scanned and cleared, so sparse replays of
 * samples spread over days stay cheap — or only the buckets its samples went to, when it
 * has fewer samples than that range has buckets.
 */
export class IntervalTimeline {
  readonly points: ThroughputPoint[] = [];
  /** Where closed intervals' latencies accumulate: the run's successful-latency histogram. */
  runLatencies: LogLinearCounts;
  private readonly latencies: LogLinearCounts;
  private lowIndex = Infinity;
  private highIndex = -1;
  /**
   * The counts index of each of the open interval's successes, as counted (the first
   * LISTED_ROOM of them): what lets `drain` move a sparse interval sample by sample
   * (`LogLinearCounts.drainInto`).
   */
  private readonly listed = new Int32Array(LISTED_ROOM);
  private startMs = NaN;
  /** Samples stamped at or after this close the current interval. NaN until the first one. */
  endMs = NaN;
  private requests = 0;
  private failures = 0;
  /** The open interval's fastest and slowest success: its percentiles stay within them. */
  private min = Infinity;
  private max = -Infinity;
  /**
   * The sum the last `countPlainSuccesses` continued (see there). A double from the start
   * (NaN until then): a field first holding a small integer changes its layout, and throws
   * out the code compiled for it, on its first fraction.
   */
  runScaledSum = NaN;

  constructor(
    runLatencies: LogLinearCounts,
    readonly intervalMs = 1000,
  ) {
    this.runLatencies = runLatencies;
    this.latencies = new LogLinearCounts(runLatencies.significantDigits as 2 | 3);
  }

  /** Starts the first interval at `startMs` (the run's start, or the first sample's). */
  begin(startMs: number): void {
    this.fold();
    this.points.length = 0;
    this.startMs = startMs;
    this.endMs = startMs + this.intervalMs;
    this.requests = 0;
    this.failures = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  /** Forgets everything; closed intervals will now accumulate into `runLatencies`. */
  reset(runLatencies: LogLinearCounts): void {
    this.latencies.reset();
    this.lowIndex = Infinity;
    this.highIndex = -1;
    this.runLatencies = runLatencies;
    this.points.length = 0;
    this.startMs = this.endMs = NaN;
    this.requests = this.failures = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  get started(): boolean {
    return !Number.isNaN(this.startMs);
  }

  /** Counts one sample in the current interval (after `rollTo` for its timestamp). */
  count(latencyMs: number, success: boolean): void {
    this.requests++;
    if (success) {
      const index = this.latencies.recordMsAt(latencyMs);
      const counted = this.latencies.totalCount;
      if (counted <= LISTED_ROOM) this.listed[counted - 1] = index;
      if (latencyMs < this.min) this.min = latencyMs;
      if (latencyMs > this.max) this.max = latencyMs;
      if (index < this.lowIndex) this.lowIndex = index;
      if (index > this.highIndex) this.highIndex = index;
    } else this.failures++;
  }

  /**
   * `count(latency, true)` for each sample from `from` on while it is a plain success
   * (`flags` exactly FLAG_SUCCESS, a finite latency ≥ 0) stamped before this interval's end;
   * returns where that run ends. The collector's `recordBatch` takes its figures from the same
   * pass (one read of the samples where there were three: find the run, sum it, count it):
   * `scaledSum` continued by each latency × SUM_SCALE in order, left in `runScaledSum`; the
   * run's fastest and slowest are folded into the interval's (`intervalMin`, `intervalMax`).
   */
  countPlainSuccesses(
    latencyMs: Float64Array,
    flags: Uint8Array,
    timestampMs: Float64Array,
    from: number,
    length: number,
    scaledSum: number,
  ): number {
    const latencies = this.latencies;
    const counts = latencies.counts;
    const endMs = this.endMs;
    // The histogram's layout in locals: `recordMsAt` reloads it for every sample.
    const { zeroCountBase, subBucketMask, halfCountMagnitude, halfCount } = latencies;
    let sum = scaledSum;
    let min = this.min;
    let max = this.max;
    let lowIndex = this.lowIndex;
    let highIndex = this.highIndex;
    const listed = this.listed;
    let counted = latencies.totalCount;
    let i = from;
    for (; i < length; i++) {
      const latency = latencyMs[i]!;
      if (flags[i] !== FLAG_SUCCESS || !(latency >= 0 && latency < Infinity)) break;
      if (!(timestampMs[i]! < endMs)) break;
      sum += latency * SUM_SCALE;
      // `recordMsAt`'s index: the latency is finite and ≥ 0 here, so only the clamp above
      // MAX_TRACKABLE_US (2^32 − 1 µs) is left of its range check.
      let us = Math.round(latency * 1000);
      if (!(us <= MAX_TRACKABLE_US)) us = MAX_TRACKABLE_US;
      const bucket = zeroCountBase - Math.clz32(us | subBucketMask);
      const index = ((bucket + 1) << halfCountMagnitude) + (us >>> bucket) - halfCount;
      counts[index]! += 1;
      if (latency < min) min = latency;
      if (latency > max) max = latency;
      if (index < lowIndex) lowIndex = index;
      if (index > highIndex) highIndex = index;
      if (counted < LISTED_ROOM) listed[counted] = index;
      counted++;
    }
    latencies.totalCount = counted;
    this.requests += i - from;
    this.runScaledSum = sum;
    this.min = min;
    this.max = max;
    this.lowIndex = lowIndex;
    this.highIndex = highIndex;
    return i;
  }

  /** The open interval's fastest and slowest success so far. */
  get intervalMin(): number {
    return this.min;
  }

  get intervalMax(): number {
    return this.max;
  }

  /** Closes every interval that ends at or before `timestampMs`. */
  rollTo(timestampMs: number): void {
    let empty = 0;
    while (timestampMs >= this.endMs) {
      if (this.requests === 0 && ++empty > MAX_EMPTY_INTERVALS) {
        const skip = Math.floor((timestampMs - this.startMs) / this.intervalMs);
        this.startMs += skip * this.intervalMs;
        this.endMs = this.startMs + this.intervalMs;
        break;
      }
      this.close(this.endMs);
    }
  }

  /** Closes the last, possibly partial, interval at `endMs`. */
  finish(endMs: number): void {
    if (this.started) {
      this.rollTo(endMs);
      if (this.requests > 0 && endMs > this.startMs) this.close(endMs);
    }
    this.fold();
  }

  /** The run's latencies including the open interval's, for live views (a copy). */
  liveRunLatencies(): LogLinearCounts {
    if (this.latencies.totalCount === 0) return this.runLatencies;
    const live = this.runLatencies.clone();
    live.add(this.latencies, this.lowIndex, this.highIndex);
    return live;
  }

  /** Moves the open interval's latencies into the run's histogram. */
  fold(): void {
    this.drain([]);
  }

  /**
   * `fold`, answering the percentiles (ascending, µs) of the latencies it moves, in the same
   * scan; zeros when the open interval has none.
   */
  private drain(percentiles: readonly number[]): number[] {
    if (this.latencies.totalCount === 0) return percentiles.map(() => 0);
    const found = this.latencies.drainInto(
      this.runLatencies,
      this.lowIndex,
      this.highIndex,
      percentiles,
      this.listed,
    );
    this.lowIndex = Infinity;
    this.highIndex = -1;
    return found;
  }

  private close(endMs: number): void {
    const seconds = (endMs - this.startMs) / 1000;
    // Read by index, no array or closure made per interval: a run of 1,000 s closes 1,000.
    let p50 = 0;
    let p95 = 0;
    let p99 = 0;
    if (this.latencies.totalCount > 0) {
      const found = this.drain(INTERVAL_PERCENTILES);
      p50 = withinObserved(found[0]! / 1000, this.min, this.max);
      p95 = withinObserved(found[1]! / 1000, this.min, this.max);
      p99 = withinObserved(found[2]! / 1000, this.min, this.max);
    }
    this.points.push({
      timestamp: this.startMs / 1000,
      interval_seconds: seconds,
      requests: this.requests,
      failures: this.failures,
      throughput_rps: seconds > 0 ? this.requests / seconds : 0,
      p50_ms: p50,
      p95_ms: p95,
      p99_ms: p99,
    });
    this.requests = 0;
    this.failures = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.startMs = this.endMs;
    this.endMs = this.startMs + this.intervalMs;
  }
}
