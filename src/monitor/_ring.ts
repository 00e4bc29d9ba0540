import { LogLinearCounts } from '../metrics/index.js';

/** Counter fields of a slot row; per-threshold `bad` counts follow `FIXED_FIELDS`. */
export const REQUESTS = 0;
export const FAILURES = 1;
export const CACHE_HITS = 2;
export const CACHE_MISSES = 3;
export const FALLBACKS = 4;
export const SUCCESS_SUM = 5;
export const SUCCESS_MAX = 6;
/** Infinity in a row without successes (see `clearRow`). */
export const SUCCESS_MIN = 7;
export const FIXED_FIELDS = 8;

/** At most this many running sums a ring (windows asked for); others are summed directly. */
const MAX_RUNNING = 16;

interface RunningSum {
  counters: Float64Array;
  histogram: LogLinearCounts | null;
}

/**
 * A ring of time slots: one open slot plus the last `capacity` closed ones, each a row of
 * counters, the newest `histogramCapacity` with a latency histogram too.
 *
 * Windows ask for "the last n closed slots". Summing 60 histograms of 3,328 buckets on every
 * dashboard frame costs milliseconds, so each n asked for gets a running sum, kept up to date
 * as slots close (add the closed slot, subtract the one that left): a window then costs one
 * histogram copy whatever its length. Counts are integers in doubles, so add/subtract is exact.
 */
export class SlotRing {
  readonly counters: Float64Array;
  readonly histograms: LogLinearCounts[];
  /** Slots closed so far; the open slot is number `closed`. */
  closed = 0;
  private readonly size: number;
  private readonly histogramSize: number;
  private readonly running = new Map<number, RunningSum>();

  constructor(
    readonly fields: number,
    readonly capacity: number,
    readonly histogramCapacity: number,
  ) {
    this.size = capacity + 1;
    this.histogramSize = histogramCapacity + 1;
    this.counters = new Float64Array(this.size * fields);
    for (let k = 0; k < this.size; k++) clearRow(this.row(k));
    this.histograms = Array.from({ length: this.histogramSize }, () => new LogLinearCounts(2));
  }

  openRow(): Float64Array {
    return this.row(this.closed);
  }

  openHistogram(): LogLinearCounts {
    return this.histograms[this.closed % this.histogramSize]!;
  }

  /** Closes the open slot and opens (clears) the next one. */
  close(): void {
    const k = this.closed;
    for (const [n, sum] of this.running) {
      addInto(sum.counters, this.row(k), 1);
      if (k - n >= 0) addInto(sum.counters, this.row(k - n), -1);
      if (sum.histogram) {
        addCounts(sum.histogram, this.histograms[k % this.histogramSize]!, 1);
        if (k - n >= 0)
          addCounts(sum.histogram, this.histograms[(k - n) % this.histogramSize]!, -1);
      }
    }
    this.closed++;
    clearRow(this.row(this.closed));
    this.openHistogram().reset();
  }

  /** Forgets every slot (after a gap longer than the ring); `closed` is set by the caller. */
  clear(closed: number): void {
    this.closed = closed;
    for (let k = 0; k < this.size; k++) clearRow(this.row(k));
    for (const h of this.histograms) h.reset();
    this.running.clear();
  }

  /**
   * Adds the last `n` closed slots (n ≤ capacity) into `counters` and, when given and
   * n ≤ histogramCapacity, `histogram`. The maximum and minimum fields take the largest
   * slot maximum and the smallest slot minimum.
   */
  addClosed(n: number, counters: Float64Array, histogram: LogLinearCounts | null): void {
    if (n <= 0) return;
    const sum = this.runningSum(n, histogram !== null);
    if (sum) {
      addInto(counters, sum.counters, 1);
      if (histogram && sum.histogram) histogram.add(sum.histogram);
    } else {
      for (let k = this.closed - n; k < this.closed; k++) {
        if (k < 0) continue;
        addInto(counters, this.row(k), 1);
        if (histogram) histogram.add(this.histograms[k % this.histogramSize]!);
      }
    }
    // A maximum or minimum cannot be subtracted: read them from the slots.
    let max = counters[SUCCESS_MAX]!;
    let min = counters[SUCCESS_MIN]!;
    for (let k = Math.max(0, this.closed - n); k < this.closed; k++) {
      const at = (k % this.size) * this.fields;
      const high = this.counters[at + SUCCESS_MAX]!;
      const low = this.counters[at + SUCCESS_MIN]!;
      if (high > max) max = high;
      if (low < min) min = low;
    }
    counters[SUCCESS_MAX] = max;
    counters[SUCCESS_MIN] = min;
  }

  private runningSum(n: number, withHistogram: boolean): RunningSum | undefined {
    let sum = this.running.get(n);
    if (!sum) {
      if (this.running.size >= MAX_RUNNING) return undefined;
      // Its minimum and maximum fields stay unused (`addInto` skips them).
      sum = { counters: new Float64Array(this.fields), histogram: null };
      for (let k = Math.max(0, this.closed - n); k < this.closed; k++) {
        addInto(sum.counters, this.row(k), 1);
      }
      this.running.set(n, sum);
    }
    if (withHistogram && !sum.histogram && n <= this.histogramCapacity) {
      sum.histogram = new LogLinearCounts(2);
      for (let k = Math.max(0, this.closed - n); k < this.closed; k++) {
        sum.histogram.add(this.histograms[k % this.histogramSize]!);
      }
    }
    return sum;
  }

  private row(k: number): Float64Array {
    const at = (k % this.size) * this.fields;
    return this.counters.subarray(at, at + this.fields);
  }
}

/** `target += sign × source`, field by field; maximum and minimum are left to the caller. */
function addInto(target: Float64Array, source: Float64Array, sign: 1 | -1): void {
  for (let i = 0; i < target.length; i++) {
    if (i !== SUCCESS_MAX && i !== SUCCESS_MIN) target[i]! += sign * source[i]!;
  }
}

/** An empty row: zero counts, and a minimum any success will lower. */
export function clearRow(row: Float64Array): void {
  row.fill(0);
  row[SUCCESS_MIN] = Infinity;
}

function addCounts(target: LogLinearCounts, source: LogLinearCounts, sign: 1 | -1): void {
  if (source.totalCount === 0) return;
  const t = target.counts;
  const s = source.counts;
  for (let i = 0; i < t.length; i++) t[i]! += sign * s[i]!;
  target.totalCount += sign * source.totalCount;
}

/** Adds a row into another, the maximum and minimum fields taking the extreme values. */
export function mergeRow(target: Float64Array, source: Float64Array): void {
  addInto(target, source, 1);
  if (source[SUCCESS_MAX]! > target[SUCCESS_MAX]!) target[SUCCESS_MAX] = source[SUCCESS_MAX]!;
  if (source[SUCCESS_MIN]! < target[SUCCESS_MIN]!) target[SUCCESS_MIN] = source[SUCCESS_MIN]!;
}
