/**
 * Sorting latencies ascending, byte for byte as `Float64Array.prototype.sort()` does, in
 * linear time: an LSD radix sort on the IEEE-754 bit patterns. V8's built-in sort compares
 * (n log n), which at the end of a 1,000,000-sample run took longer than recording the
 * samples did; bench/sort.bench.ts has the figures and the crossover below.
 *
 * A double's 64 bits order as the number when the sign bit is flipped for positives and
 * every bit for negatives: -Infinity first, -0 just before +0 (as the built-in sort puts
 * them), +Infinity last. Equal keys are equal bit patterns, so the order among them is
 * unobservable. NaN has no place in that order (the built-in sort puts every NaN last, in an
 * order of payloads it does not promise); the recorder never admits one, and an array that
 * holds one is left to the built-in sort.
 */

/** Below this many values the built-in sort is faster (bench/sort.bench.ts measures it). */
export const RADIX_SORT_FROM = 4096;

/**
 * Below this many values `sortAscending` leaves them to the built-in sort. Compiled, the sorts
 * here beat it from RADIX_SORT_FROM values on (bench/sort.bench.ts, warm); but a run's
 * latencies are sorted once, by a process whose sorting code has not run yet, and compiling it
 * then costs more than it saves up to about 100,000 values. Fresh processes, one sort each
 * (shared 2-core machine): 5,001 latencies of a 1 M-row file's failures, 0.4–0.5 ms built-in
 * against 10–40 ms (the radix sort's six passes); 20,000 decimals on their grid, 1.7 ms
 * against 4.8–8.2 ms; 100,000, 10–11 ms against 8–12 ms; 1,000,000, 140–153 ms against 24–35.
 */
export const SORT_BY_OURS_FROM = 100_000;

/**
 * `sortFewDistinct` gives up beyond this many distinct values (its table then holds 65,536
 * slots, 768 KB) or an eighth of the values, where the radix sort is as fast.
 */
const MOST_DISTINCT = 32_768;
/** Its table's first size (48 KB): grown fourfold at half full. */
const FIRST_SLOTS = 4096;

/** 11-bit digits: six passes cover 64 bits, and 2,048 counters fit in the L1 cache. */
const DIGIT_BITS = 11;
const BUCKETS = 1 << DIGIT_BITS;
const DIGIT_MASK = BUCKETS - 1;
const PASSES = 6;
/** Where each pass's digit starts in the key (passes 0–2 the low word, 3–5 the high one). */
const SHIFTS = [0, 11, 22, 0, 11, 22] as const;
const SIGN = 0x80000000 | 0;

/** The radix sort reads the words of a double; a big-endian machine keeps the built-in sort. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Sorts `values` ascending in place and returns it: what `values.sort()` does, faster.
 * Latencies of fast calls take few distinct values (the clock counts whole nanoseconds:
 * 200,000 calls of a no-op took 585), which are counted and written out in order; any
 * others go to the radix sort.
 */
export function sortAscending(values: Float64Array): Float64Array {
  if (values.length < SORT_BY_OURS_FROM) return values.sort();
  if (sortOnDecimalGrid(values)) return values;
  return sortFewDistinct(values, values.length >> 3) ? values : radixSortAscending(values);
}

/** The finest grid `sortOnDecimalGrid` tries: 10^-9 (a nanosecond, in seconds). */
const MOST_DECIMALS = 9;
/** The scale of each grid: 10^d is exact as a double for every d tried. */
const SCALES = Array.from({ length: MOST_DECIMALS + 1 }, (_, d) => 10 ** d);

/**
 * Sorts `values` by counting, if every value is a non-negative decimal of at most nine
 * places (exactly the double nearest k / 10^d) and the grid between the smallest and the
 * largest has at most twice as many steps as there are values; else leaves it as it was and
 * returns false. Latencies read from a file usually are such decimals (`16.707`, in ms with
 * three places): counting them takes two reads of the array instead of the radix sort's
 * six passes. Each value is written back as k / 10^d, which is the very double it was
 * (checked on the way in), so the result is the built-in sort's, bit for bit.
 */
export function sortOnDecimalGrid(values: Float64Array): boolean {
  const grid = decimalGridOf([values], values.length);
  if (grid) writeOut(grid, values);
  return grid !== undefined;
}

/**
 * Ascending values held as counts on a decimal grid: `counts[k]` of them are the double
 * (low + k) / scale; the first count and the last are not 0. What `sortOnDecimalGrid` writes
 * out; the figures of a run's latencies are read from it without writing them out at all.
 */
export interface DecimalGrid {
  /** How many values. */
  length: number;
  scale: number;
  low: number;
  counts: Int32Array;
}

/**
 * The grid of `sortOnDecimalGrid` for the `length` values of `pieces`, undefined when they
 * are not on one that fits. The values are read where they are: a run's latencies are
 * counted in the sample log's chunks, not gathered into one array first.
 */
export function decimalGridOf(
  pieces: readonly Float64Array[],
  length: number,
): DecimalGrid | undefined {
  const most = Math.max(2 * length, 1 << 16);
  // Counted in one read on the grid of the values so far; a value that needs a finer one
  // starts the count over on that (in a file's column, one of its first values).
  for (let d = 0; ;) {
    const grid = new GridCount(SCALES[d]!, most);
    let stop: { piece: number; at: number } | undefined;
    for (let p = 0; p < pieces.length && !stop; p++) {
      const at = grid.count(pieces[p]!);
      if (at >= 0) stop = { piece: p, at };
    }
    if (!stop) return grid.counted(length);
    const value = pieces[stop.piece]![stop.at]!;
    // Negative numbers and -0 (which would come back as +0) are left to the other sorts, as
    // is a spread too wide for a table; NaN fails every test.
    if (grid.tooWide || !(value > 0 || (value === 0 && 1 / value > 0))) return undefined;
    do {
      if (d === MOST_DECIMALS) return undefined;
      d++;
    } while (Math.round(value * SCALES[d]!) / SCALES[d]! !== value);
  }
}

/**
 * The grid without `values`, which it holds (each counted in it once more than in the
 * result): a run's successes are its latencies without its few failures.
 */
export function withoutValues(grid: DecimalGrid, values: Float64Array): DecimalGrid {
  const { low, scale } = grid;
  const counts = grid.counts.slice();
  for (let i = 0; i < values.length; i++) counts[Math.round(values[i]! * scale) - low]!--;
  const { first, last } = occupied(counts);
  return {
    length: grid.length - values.length,
    scale,
    low: low + first,
    counts: counts.subarray(first, last + 1),
  };
}

/** The grid's values written out in order into `out` (of the grid's length). */
export function writeOut(grid: DecimalGrid, out: Float64Array): void {
  const { low, scale, counts } = grid;
  let at = 0;
  for (let k = 0; k < counts.length; k++) {
    const times = counts[k]!;
    if (times === 0) continue;
    out.fill((low + k) / scale, at, at + times);
    at += times;
  }
}

/**
 * Counts values on the grid of `scale` (k / scale, k whole): `counts[i]` of them are k =
 * `base` + i. The table grows around the values as they come, up to `most` steps.
 */
class GridCount {
  private counts = new Int32Array(0);
  private base = 0;
  /** Whether a value was too far from the others for a table of `most` steps. */
  tooWide = false;

  constructor(
    private readonly scale: number,
    private readonly most: number,
  ) {}

  /**
   * Counts `values`; returns the index of the first it cannot count — negative, -0, NaN, not
   * on this grid, too far out (`tooWide`) — the others after it uncounted, else -1.
   */
  count(values: Float64Array): number {
    const scale = this.scale;
    let counts = this.counts;
    let base = this.base;
    for (let i = 0; i < values.length; i++) {
      const value = values[i]!;
      const k = Math.round(value * scale);
      if (k / scale !== value || !(value > 0 || (value === 0 && 1 / value > 0))) return i;
      const at = k - base;
      if (at >= 0 && at < counts.length) {
        counts[at]!++;
        continue;
      }
      if (!this.grow(k)) return i;
      counts = this.counts;
      base = this.base;
      counts[k - base]!++;
    }
    return -1;
  }

  /** What was counted, as a grid of `length` values; undefined beyond 2^51 steps. */
  counted(length: number): DecimalGrid | undefined {
    const { first, last } = occupied(this.counts);
    // Grid points up to 2^51 are whole numbers Math.round gets exactly.
    if (!(first <= last) || !(this.base + last < 2 ** 51)) return undefined;
    return {
      length,
      scale: this.scale,
      low: this.base + first,
      counts: this.counts.subarray(first, last + 1),
    };
  }

  /** Makes room for k (twice the room the values need, k among them); false if too wide. */
  private grow(k: number): boolean {
    const { first, last } = occupied(this.counts);
    const from = first <= last ? Math.min(this.base + first, k) : k;
    const to = first <= last ? Math.max(this.base + last, k) : k;
    const span = to - from + 1;
    if (!(span <= this.most)) {
      this.tooWide = true;
      return false;
    }
    const size = Math.max(2 * this.counts.length, 2 * span, 1 << 12);
    const counts = new Int32Array(size);
    const base = from - Math.floor((size - span) / 2);
    if (first <= last) counts.set(this.counts.subarray(first, last + 1), this.base + first - base);
    this.counts = counts;
    this.base = base;
    return true;
  }
}

/** The first and the last index of `counts` that are not 0 (first > last: none). */
function occupied(counts: Int32Array): { first: number; last: number } {
  let first = 0;
  let last = counts.length - 1;
  while (first <= last && counts[first] === 0) first++;
  while (last > first && counts[last] === 0) last--;
  return { first, last };
}

/**
 * Sorts `values` by counting its distinct bit patterns in a hash table, if it holds at most
 * `most` of them (and no NaN); else leaves it as it was and returns false. The distinct
 * values are sorted, then each is written as often as it came.
 */
export function sortFewDistinct(values: Float64Array, most: number): boolean {
  const n = values.length;
  if (!LITTLE_ENDIAN) return false;
  const limit = Math.min(most, MOST_DISTINCT);
  const words = new Int32Array(values.buffer, values.byteOffset, 2 * n);
  let table = new DistinctCounts(FIRST_SLOTS);
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    if (value !== value) return false;
    if (!table.count(value, words[2 * i]!, words[2 * i + 1]!)) continue;
    // A new value: the table grows at half full, so probes stay short.
    if (table.distinct > limit) return false;
    if (2 * table.distinct > table.slots) table = table.grown();
  }
  const ordered = table.values();
  const orderedWords = new Int32Array(ordered.buffer);
  if (ordered.length < RADIX_SORT_FROM) ordered.sort();
  else radixSortAscending(ordered);
  let at = 0;
  for (let d = 0; d < ordered.length; d++) {
    const times = table.timesOf(orderedWords[2 * d]!, orderedWords[2 * d + 1]!);
    values.fill(ordered[d]!, at, at + times);
    at += times;
  }
  return true;
}

/** How often each bit pattern came: open addressing, linear probing, never deleting. */
class DistinctCounts {
  readonly slots: number;
  distinct = 0;
  private readonly shift: number;
  private readonly table: Float64Array;
  private readonly words: Int32Array;
  /** 0: the slot is empty. */
  private readonly times: Int32Array;

  constructor(slots: number) {
    this.slots = slots;
    this.shift = 32 - Math.log2(slots);
    this.table = new Float64Array(slots);
    this.words = new Int32Array(this.table.buffer);
    this.times = new Int32Array(slots);
  }

  /** Counts `value` (its words `low`, `high`); true when it was not there yet. */
  count(value: number, low: number, high: number): boolean {
    const mask = this.slots - 1;
    for (let slot = this.slotOf(low, high); ; slot = (slot + 1) & mask) {
      if (this.times[slot] === 0) {
        this.table[slot] = value;
        this.times[slot] = 1;
        this.distinct++;
        return true;
      }
      if (this.words[2 * slot] === low && this.words[2 * slot + 1] === high) {
        this.times[slot]!++;
        return false;
      }
    }
  }

  /**
   * How often the value with these words came (it did: the slots between its hash and its
   * own were filled before it and never emptied, so the probe cannot stop short).
   */
  timesOf(low: number, high: number): number {
    return this.times[this.slotOfPresent(low, high)]!;
  }

  /** The distinct values, in slot order. */
  values(): Float64Array {
    const out = new Float64Array(this.distinct);
    let k = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.times[slot] !== 0) out[k++] = this.table[slot]!;
    }
    return out;
  }

  /** The same counts in a table four times the size. */
  grown(): DistinctCounts {
    const bigger = new DistinctCounts(this.slots * 4);
    for (let slot = 0; slot < this.slots; slot++) {
      const times = this.times[slot]!;
      if (times === 0) continue;
      bigger.count(this.table[slot]!, this.words[2 * slot]!, this.words[2 * slot + 1]!);
      bigger.times[bigger.slotOfPresent(this.words[2 * slot]!, this.words[2 * slot + 1]!)] = times;
    }
    return bigger;
  }

  private slotOfPresent(low: number, high: number): number {
    const mask = this.slots - 1;
    let slot = this.slotOf(low, high);
    while (this.words[2 * slot] !== low || this.words[2 * slot + 1] !== high) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  /** Multiplicative hashing of both words; the top bits pick the slot. */
  private slotOf(low: number, high: number): number {
    return Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b) >>> this.shift;
  }
}

/** `sortAscending` by radix whatever the length (the tests and the bench call it directly). */
export function radixSortAscending(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < 2 || !LITTLE_ENDIAN) return values.sort();
  const words = new Int32Array(values.buffer, values.byteOffset, 2 * n);
  const counts = digitCounts(values, words);
  if (counts === undefined) return values.sort();
  let source: Float64Array = values;
  let sourceWords: Int32Array = words;
  let target: Float64Array = new Float64Array(n);
  let targetWords: Int32Array = new Int32Array(target.buffer);
  const offsets = new Int32Array(BUCKETS);
  for (let pass = 0; pass < PASSES; pass++) {
    // A digit every key shares moves nothing: the pass is skipped.
    if (!startOffsets(counts, pass * BUCKETS, n, offsets)) continue;
    const shift = SHIFTS[pass]!;
    if (pass < 3) scatterByLowWord(source, sourceWords, target, offsets, shift);
    else scatterByHighWord(source, sourceWords, target, offsets, shift);
    [source, target] = [target, source];
    [sourceWords, targetWords] = [targetWords, sourceWords];
  }
  if (source !== values) values.set(source);
  return values;
}

/**
 * Each pass's digit counts over the keys, in one read of the array; undefined if a NaN is
 * among the values.
 */
function digitCounts(values: Float64Array, words: Int32Array): Int32Array | undefined {
  const counts = new Int32Array(PASSES * BUCKETS);
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    if (value !== value) return undefined;
    const high = words[2 * i + 1]!;
    const flip = high >> 31; // all ones for a negative number (or -0), else zero
    const keyLow = words[2 * i]! ^ flip;
    const keyHigh = high ^ (flip | SIGN);
    counts[keyLow & DIGIT_MASK]!++;
    counts[BUCKETS + ((keyLow >>> 11) & DIGIT_MASK)]!++;
    counts[2 * BUCKETS + (keyLow >>> 22)]!++;
    counts[3 * BUCKETS + (keyHigh & DIGIT_MASK)]!++;
    counts[4 * BUCKETS + ((keyHigh >>> 11) & DIGIT_MASK)]!++;
    counts[5 * BUCKETS + (keyHigh >>> 22)]!++;
  }
  return counts;
}

/**
 * Fills `offsets` with where each digit's run starts in the pass's output; false when one
 * digit holds all `n` keys (the pass would move nothing).
 */
function startOffsets(counts: Int32Array, from: number, n: number, offsets: Int32Array): boolean {
  let start = 0;
  for (let digit = 0; digit < BUCKETS; digit++) {
    const count = counts[from + digit]!;
    if (count === n) return false;
    offsets[digit] = start;
    start += count;
  }
  return true;
}

// Two loops rather than one with a branch: each stays small and monomorphic for the JIT.
function scatterByLowWord(
  source: Float64Array,
  words: Int32Array,
  target: Float64Array,
  offsets: Int32Array,
  shift: number,
): void {
  const n = source.length;
  for (let i = 0; i < n; i++) {
    const key = words[2 * i]! ^ (words[2 * i + 1]! >> 31);
    target[offsets[(key >>> shift) & DIGIT_MASK]!++] = source[i]!;
  }
}

function scatterByHighWord(
  source: Float64Array,
  words: Int32Array,
  target: Float64Array,
  offsets: Int32Array,
  shift: number,
): void {
  const n = source.length;
  for (let i = 0; i < n; i++) {
    const high = words[2 * i + 1]!;
    const key = high ^ ((high >> 31) | SIGN);
    target[offsets[(key >>> shift) & DIGIT_MASK]!++] = source[i]!;
  }
}

/** Keeps the table's layout known to V8 between sorts (see `KEPT_COLLECTOR`, collector.ts). */
export const KEPT_TABLE = new DistinctCounts(4);
