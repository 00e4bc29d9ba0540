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

/** Sorts `values` ascending in place and returns it: what `values.sort()` does, faster. */
export function sortAscending(values: Float64Array): Float64Array {
  return values.length < RADIX_SORT_FROM ? values.sort() : radixSortAscending(values);
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
    // A digit every key shares moves nothing: the pass is skipped. Latencies measured as a
    // difference of two clock readings share their lowest bits, so often two passes go.
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
