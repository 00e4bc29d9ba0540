import { createRequire } from 'node:module';
import type * as Hdr from 'hdr-histogram-js';
import { LogLinearCounts, MAX_TRACKABLE_US } from './_log-linear.js';
import { decodeV2CompressedBase64, encodeV2CompressedBase64 } from './_hdr-v2.js';

type HdrLibrary = Pick<typeof Hdr, 'decodeFromCompressedBase64'>;

let loaded: HdrLibrary | undefined;

/**
 * hdr-histogram-js, loaded only to read a histogram string perfsight's own V2 decoder does
 * not recognise (another cookie, unit or digit count): writing and reading perfsight's own
 * strings never loads it (~30–50 ms of CPU). Only its codec, not its index, which also
 * loads its log writer (`Intl.NumberFormat`).
 */
function hdrLibrary(): HdrLibrary {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = require('hdr-histogram-js/dist/encoding') as HdrLibrary;
  }
  return loaded;
}

/**
 * HdrHistogram V2 compressed base64 (`HISTF…`) of counts in µs — readable by every
 * HdrHistogram implementation, and mergeable across machines.
 */
export function encodeHdrBase64(counts: LogLinearCounts): string {
  const base64 = encodeV2CompressedBase64(counts);
  rememberEncoded(base64, counts);
  return base64;
}

/** Reads a V2 compressed base64 histogram (µs) back into 3-digit counts. */
export function decodeHdrBase64(base64: string): LogLinearCounts {
  const known = ENCODED.get(base64);
  if (known) {
    const counts = new LogLinearCounts(3);
    counts.counts.set(known.counts);
    counts.totalCount = known.totalCount;
    return counts;
  }
  return decodeV2CompressedBase64(base64) ?? decodeWithLibrary(base64);
}

/**
 * The counts of the last strings encoded here, by string: `report` writes a run's histogram
 * into detailed.json, and report.html reads it back from there for its charts moments later
 * — inflating and parsing what was just deflated (a few ms of cold code). Only 3-digit counts
 * whose every count the codec carries as it is (a whole number from 0 to 2^53 − 1): what decoding the string gives
 * is then these very counts, and their sum as the total. Kept as copies (the histogram may
 * change after it was encoded), two at a time: a run's successes and failures.
 */
const ENCODED = new Map<string, { counts: Float64Array; totalCount: number }>();
const KEEP_ENCODED = 2;

function rememberEncoded(base64: string, histogram: LogLinearCounts): void {
  if (histogram.significantDigits !== 3) return;
  const all = histogram.counts;
  // Only the range from the first to the last non-zero count is copied and looked at (a
  // run's latencies fill a third of the layout or less); the rest of the copy is +0.
  let first = 0;
  while (first < all.length && all[first] === 0) first++;
  let last = all.length - 1;
  while (last >= first && all[last] === 0) last--;
  const counts = new Float64Array(all.length);
  const total = copyWholeCounts(all, first, last, counts);
  if (total < 0) return;
  ENCODED.delete(base64);
  ENCODED.set(base64, { counts, totalCount: total });
  if (ENCODED.size > KEEP_ENCODED) ENCODED.delete(ENCODED.keys().next().value!);
}

/**
 * Copies `from[first..last]` into `to` and answers their sum, or -1 if one of them is not a
 * whole number from 0 to 2^53 − 1 (a -0 is copied as +0, as decoding gives it).
 */
function copyWholeCounts(from: Float64Array, first: number, last: number, to: Float64Array) {
  let total = 0;
  for (let i = first; i <= last; i++) {
    const count = from[i]!;
    if (!(Number.isSafeInteger(count) && count >= 0)) return -1;
    if (count !== 0) to[i] = count;
    total += count;
  }
  return total;
}

/** `decodeHdrBase64` through hdr-histogram-js: any string it reads. */
function decodeWithLibrary(base64: string): LogLinearCounts {
  const histogram = hdrLibrary().decodeFromCompressedBase64(base64, 64) as unknown as {
    countsArrayLength: number;
    getCountAtIndex(index: number): number;
    valueFromIndex(index: number): number;
    destroy(): void;
  };
  const counts = new LogLinearCounts(3);
  for (let i = 0; i < histogram.countsArrayLength; i++) {
    const count = histogram.getCountAtIndex(i);
    if (count <= 0) continue;
    counts.recordMicrosWithCount(Math.min(histogram.valueFromIndex(i), MAX_TRACKABLE_US), count);
  }
  histogram.destroy();
  return counts;
}
