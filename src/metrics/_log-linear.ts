/**
 * Latency counts in HdrHistogram's bucket layout (lowest discernible value 1 µs, unit
 * magnitude 0), recorded with a 32-bit `clz32` index and one typed-array bump.
 *
 * Why not hdr-histogram-js on the hot path: its `recordValue` costs ~100 ns (JS build) or
 * ~16 ns plus an async WASM start (WASM build); this costs a few ns (see bench/record.ts).
 * The layout is HdrHistogram's, so `_hdr-v2.ts` writes HdrHistogram's V2 encoding (the string
 * other tools read) straight from these counts.
 */

/** Largest value recorded as-is: 2^32 − 1 µs ≈ 71.6 minutes. Larger values are clamped. */
export const MAX_TRACKABLE_US = 0xffffffff;

export class LogLinearCounts {
  readonly significantDigits: number;
  readonly counts: Float64Array;
  /**
   * The layout `indexOfMicros` computes with, readable for a loop that computes indices
   * itself into locals (the timeline's `countPlainSuccesses`): V8 reloads a field a method
   * reads on each turn of the loop that calls it.
   */
  readonly halfCountMagnitude: number;
  readonly halfCount: number;
  readonly subBucketMask: number;
  readonly zeroCountBase: number;
  totalCount = 0;

  constructor(significantDigits: 2 | 3) {
    this.significantDigits = significantDigits;
    const countMagnitude = Math.ceil(Math.log2(2 * 10 ** significantDigits));
    this.halfCountMagnitude = countMagnitude - 1;
    this.halfCount = 2 ** this.halfCountMagnitude;
    this.subBucketMask = 2 ** countMagnitude - 1;
    this.zeroCountBase = 31 - this.halfCountMagnitude;
    const bucketCount = this.zeroCountBase - Math.clz32(MAX_TRACKABLE_US) + 1;
    this.counts = new Float64Array((bucketCount + 1) * this.halfCount);
  }

  /** Records one value in whole microseconds (0 ≤ us ≤ MAX_TRACKABLE_US). */
  recordMicros(us: number): void {
    const bucket = this.zeroCountBase - Math.clz32(us | this.subBucketMask);
    const subBucket = us >>> bucket;
    this.counts[((bucket + 1) << this.halfCountMagnitude) + subBucket - this.halfCount]! += 1;
    this.totalCount++;
  }

  /** The counts index of a value in whole microseconds. */
  indexOfMicros(us: number): number {
    const bucket = this.zeroCountBase - Math.clz32(us | this.subBucketMask);
    return ((bucket + 1) << this.halfCountMagnitude) + (us >>> bucket) - this.halfCount;
  }

  recordMicrosWithCount(us: number, count: number): void {
    this.counts[this.indexOfMicros(us)]! += count;
    this.totalCount += count;
  }

  /** Records one latency in milliseconds, rounded to the microsecond and clamped to range. */
  recordMs(latencyMs: number): void {
    this.recordMsAt(latencyMs);
  }

  /** `recordMs` that returns the counts index it bumped (for callers tracking a range). */
  recordMsAt(latencyMs: number): number {
    let us = Math.round(latencyMs * 1000);
    if (!(us >= 0 && us <= MAX_TRACKABLE_US)) us = clampMicros(us);
    const index = this.indexOfMicros(us);
    this.counts[index]! += 1;
    this.totalCount++;
    return index;
  }

  /** Adds another histogram of the same layout; `from`/`to` bound the indices to visit. */
  add(other: LogLinearCounts, from = 0, to = other.counts.length - 1): void {
    for (let i = from; i <= to; i++) this.counts[i]! += other.counts[i]!;
    this.totalCount += other.totalCount;
  }

  /** A copy with the same layout and counts. */
  clone(): LogLinearCounts {
    const copy = new LogLinearCounts(this.significantDigits as 2 | 3);
    copy.counts.set(this.counts);
    copy.totalCount = this.totalCount;
    return copy;
  }

  reset(): void {
    this.counts.fill(0);
    this.totalCount = 0;
  }

  /** Lowest value (µs) that lands in the bucket at `index`. */
  lowestEquivalentMicros(index: number): number {
    let bucket = (index >> this.halfCountMagnitude) - 1;
    let subBucket = (index & (this.halfCount - 1)) + this.halfCount;
    if (bucket < 0) {
      subBucket -= this.halfCount;
      bucket = 0;
    }
    return subBucket * 2 ** bucket;
  }

  /** Width (µs) of the bucket at `index`. */
  bucketWidthMicros(index: number): number {
    const bucket = Math.max(0, (index >> this.halfCountMagnitude) - 1);
    return 2 ** bucket;
  }

  /** HdrHistogram's `highestEquivalentValue`: what it reports for a percentile. */
  highestEquivalentMicros(index: number): number {
    return this.lowestEquivalentMicros(index) + this.bucketWidthMicros(index) - 1;
  }

  /** HdrHistogram's `medianEquivalentValue`: what it uses for mean and std. */
  medianEquivalentMicros(index: number): number {
    return this.lowestEquivalentMicros(index) + Math.floor(this.bucketWidthMicros(index) / 2);
  }

  /**
   * HdrHistogram's `getValueAtPercentile`, in ms: the highest value equivalent to the
   * smallest recorded value with at least `percentile` % of the counts at or below it.
   */
  percentileMs(percentile: number): number {
    return this.percentileMicros(percentile) / 1000;
  }

  /** `from`: an index below which every count is known to be zero (skips the scan there). */
  percentileMicros(percentile: number, from = 0): number {
    if (this.totalCount === 0) return 0;
    const wanted = this.rankOf(percentile);
    let seen = 0;
    for (let i = from; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= wanted) return this.highestEquivalentMicros(i);
    }
    return 0;
  }

  /**
   * `percentileMicros` of each of `percentiles` (ascending) in one scan of the counts: the
   * timeline asks three per interval, and three scans of a few thousand buckets for each of
   * a long run's thousands of intervals took a tenth of a 1 M-sample report's time.
   */
  percentilesMicros(percentiles: readonly number[], from = 0): number[] {
    const found = percentiles.map(() => 0);
    if (this.totalCount === 0) return found;
    let k = 0;
    let wanted = this.rankOf(percentiles[0]!);
    let seen = 0;
    for (let i = from; i < this.counts.length && k < percentiles.length; i++) {
      seen += this.counts[i]!;
      while (seen >= wanted) {
        found[k++] = this.highestEquivalentMicros(i);
        if (k === percentiles.length) break;
        wanted = this.rankOf(percentiles[k]!);
      }
    }
    return found;
  }

  /**
   * Moves these counts into `target` (same layout) and answers `percentilesMicros` of them
   * (ascending), in one scan of `from..to`, where every non-zero count must lie: what the
   * timeline does when an interval closes. As `percentilesMicros(percentiles, from)`, then
   * `target.add(this, from, to)` and a reset, it took three scans of the interval's index
   * range — a few thousand buckets for the thousand samples of a second — and a tenth of a
   * 1 M-sample report's statistics. The same figures: the ranks are reached at the same index.
   *
   * `listed`, when its first `totalCount` entries are the index of each count (in any order:
   * the timeline lists them as it counts), lets a sparse interval be drained by its samples
   * rather than by its buckets (`moveListedCounts`): fewer samples than buckets, as a second of
   * a thousand samples over several thousand buckets has.
   */
  drainInto(
    target: LogLinearCounts,
    from: number,
    to: number,
    percentiles: readonly number[],
    listed?: Int32Array,
  ) {
    const n = percentiles.length;
    // Typed arrays made once per number of percentiles: the timeline drains an interval a second.
    if (drainRanks.length !== n) {
      drainRanks = new Float64Array(n);
      drainReached = new Int32Array(n);
    }
    const ranks = drainRanks;
    const reached = drainReached;
    for (let k = 0; k < n; k++) ranks[k] = this.rankOf(percentiles[k]!);
    const total = this.totalCount;
    if (listed !== undefined && total <= listed.length && total < to - from) {
      moveListedCounts(this.counts, target.counts, listed, total, from, to, ranks, reached);
    } else {
      moveCounts(this.counts, target.counts, from, to, total > 0 ? ranks : NO_RANKS, reached);
    }
    target.totalCount += this.totalCount;
    const found = percentiles.map(() => 0);
    if (this.totalCount > 0) {
      for (let k = 0; k < found.length; k++) found[k] = this.highestEquivalentMicros(reached[k]!);
    }
    this.totalCount = 0;
    return found;
  }

  /** How many counts lie at or below a percentile: HdrHistogram's rank, at least 1. */
  private rankOf(percentile: number): number {
    return Math.max(1, Math.ceil((Math.min(percentile, 100) / 100) * this.totalCount));
  }

  /** Mean and population std (ms) from median-equivalent values, as HdrHistogram does. */
  meanAndStdMs(): { mean: number; std: number } {
    if (this.totalCount === 0) return { mean: 0, std: 0 };
    let sum = 0;
    this.forEachNonZero((us, count) => (sum += us * count));
    const mean = sum / this.totalCount;
    let squares = 0;
    this.forEachNonZero((us, count) => (squares += (us - mean) ** 2 * count));
    return { mean: mean / 1000, std: Math.sqrt(squares / this.totalCount) / 1000 };
  }

  /** Visits each non-empty bucket with its median-equivalent value (µs) and count. */
  forEachNonZero(visit: (micros: number, count: number, index: number) => void): void {
    for (let i = 0; i < this.counts.length; i++) {
      const count = this.counts[i]!;
      if (count > 0) visit(this.medianEquivalentMicros(i), count, i);
    }
  }
}

const NO_RANKS = new Float64Array(0);
/** `drainInto`'s ranks and the indices they are reached at. */
let drainRanks = new Float64Array(0);
let drainReached = new Int32Array(0);

/**
 * `drainInto`'s scan, on typed arrays and numbers only, in a function of its own: it runs
 * once per interval from a cold start, and V8 compiles a small loop of one shape sooner (a
 * method taking arrays of percentiles and results was compiled, thrown away on a changed
 * layout, and compiled again — tens of ms on a busy machine, run slowly meanwhile). Moves
 * `counts[from..to]` into `into`, zeroing them, and sets `reached[k]` to the index where the
 * running count first reaches `ranks[k]` (ascending). Every bucket is written, empty or not:
 * a test to skip the empty ones is mispredicted too often (a thousand samples spread over
 * several thousand buckets) to pay. 1 M-row file, its 1,001 intervals' scans: 90 → 73 ms
 * CPU against the three scans (medians of 5 fresh processes, alternating, busy machine).
 */
function moveCounts(
  counts: Float64Array,
  into: Float64Array,
  from: number,
  to: number,
  ranks: Float64Array,
  reached: Int32Array,
): void {
  let k = 0;
  let wanted = ranks.length > 0 ? ranks[0]! : Infinity;
  let seen = 0;
  for (let i = from; i <= to; i++) {
    const count = counts[i]!;
    into[i]! += count;
    counts[i] = 0;
    seen += count;
    while (seen >= wanted) {
      reached[k++] = i;
      wanted = k < ranks.length ? ranks[k]! : Infinity;
    }
  }
}

/** Buckets per block of `moveListedCounts`' block counts (a power of two). */
const BLOCK_BITS = 6;
/** `moveListedCounts`' counts per block of buckets, all zero between calls; grown to fit. */
let blockCounts = new Float64Array(0);

/**
 * `moveCounts` for counts whose every one was recorded at an index in `listed[0..total)`
 * (repeats allowed): the work follows the samples, not the buckets of `from..to`. The ranks
 * are found in the counts of blocks of 64 buckets (summed from the list), then within the
 * block each is reached in; each listed index's count is then moved (a repeat moves 0). The
 * same figures as `moveCounts`: `reached[k]` is still the first index whose running count
 * reaches `ranks[k]`, and whole counts move, so no sum changes. 1 M-row file (1,001
 * intervals of ~1,000 samples over ~4,800 buckets each): the read's main-thread CPU 110 →
 * 91 ms against `moveCounts` (medians of 9 fresh processes, alternating).
 */
function moveListedCounts(
  counts: Float64Array,
  into: Float64Array,
  listed: Int32Array,
  total: number,
  from: number,
  to: number,
  ranks: Float64Array,
  reached: Int32Array,
): void {
  if (blockCounts.length <= counts.length >> BLOCK_BITS) {
    blockCounts = new Float64Array((counts.length >> BLOCK_BITS) + 1);
  }
  const blocks = blockCounts;
  for (let j = 0; j < total; j++) blocks[listed[j]! >> BLOCK_BITS]! += 1;
  let block = from >> BLOCK_BITS;
  let seen = 0;
  for (let k = 0; k < ranks.length; k++) {
    const wanted = ranks[k]!;
    while (seen + blocks[block]! < wanted) seen += blocks[block++]!;
    // The rank is reached in this block: its buckets one by one, from its start.
    let i = block << BLOCK_BITS;
    let running = seen + counts[i]!;
    while (running < wanted) running += counts[++i]!;
    reached[k] = i;
  }
  for (let j = 0; j < total; j++) {
    const i = listed[j]!;
    into[i]! += counts[i]!;
    counts[i] = 0;
  }
  blocks.fill(0, from >> BLOCK_BITS, (to >> BLOCK_BITS) + 1);
}

function clampMicros(us: number): number {
  if (Number.isNaN(us) || us < 0) return 0;
  return MAX_TRACKABLE_US;
}
