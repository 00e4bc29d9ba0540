import { deflateSync, inflateSync } from 'node:zlib';
import { LogLinearCounts, MAX_TRACKABLE_US } from './_log-linear.js';

/**
 * HdrHistogram's V2 compressed encoding (`HISTF…`), written straight from `LogLinearCounts`
 * — the very string hdr-histogram-js's `encodeIntoCompressedBase64` gives for a histogram
 * built with lowest 1, highest MAX_TRACKABLE_US and the same counts (fast-check property in
 * test/metrics/hdr-v2.test.ts, against that library).
 *
 * Why hand-written: load cost. hdr-histogram-js (its wasm module, pako, base64-js, the
 * AssemblyScript loader) was loaded on every `report` only to write this string and read it
 * back for the HTML chart: load + encode + decode of a 1 M-row run's histogram took 37 ms
 * wall / 56 ms CPU through the library, 5.6 ms / 10 ms here (medians of 7 fresh processes,
 * alternating). The whole `node bin/perfsight.js report <1 M rows> --no-history`, alternating
 * with main's build on a shared 2-core machine: 0.76 s against 0.83 s wall (0.92×, medians
 * of 9 runs each in the quietest round), 0.91 s against 0.92 s over 20 runs each — about
 * 35 ms of ~0.9 s, the same size as the run-to-run noise. hdr-histogram-js deflates with
 * node:zlib's `deflateSync` and default options under Node, so the same call gives the same
 * bytes.
 *
 * Layout (big-endian): outer cookie 0x1c849314, length of the deflated part, then zlib's
 * deflate of: inner cookie 0x1c849313, payload length, normalizing index offset (written as
 * 1 by hdr-histogram-js), significant digits, lowest (int64), highest (int64), conversion
 * ratio (int64, 1), then the counts up to the highest non-zero one as ZigZag LEB128-64b9B
 * longs, a run of two or more zeros written as its negated length.
 */

const V2_COOKIE = 0x1c849313;
const V2_COMPRESSED_COOKIE = 0x1c849314;
/** Bits 4–7 of a cookie (word size and flags): not checked on read, as the library does not. */
const COOKIE_FLAGS = 0xf0;
const HEADER_BYTES = 40;
/** hdr-histogram-js's ByteBuffer starts at 16 bytes and only grows to fit, never shrinks. */
const MIN_OUTER_BYTES = 16;

/** Encodes counts in µs (lowest 1, highest MAX_TRACKABLE_US) as V2 compressed base64. */
export function encodeV2CompressedBase64(counts: LogLinearCounts): string {
  const values = counts.counts;
  let limit = values.length;
  while (limit > 1 && values[limit - 1] === 0) limit--;
  // At most 9 bytes a count, plus the header.
  const raw = new Uint8Array(HEADER_BYTES + 9 * limit);
  const view = new DataView(raw.buffer);
  view.setUint32(0, V2_COOKIE);
  view.setUint32(8, 1);
  view.setUint32(12, counts.significantDigits);
  view.setUint32(20, 1); // lowest discernible value
  view.setUint32(28, MAX_TRACKABLE_US); // highest trackable value (fits in the low word)
  view.setUint32(36, 1); // integer-to-double conversion ratio
  let at = HEADER_BYTES;
  for (let i = 0; i < limit;) {
    const count = values[i++]!;
    if (count < 0) throw new Error(`cannot encode a negative count (${count}) at index ${i}`);
    let zeros = 0;
    if (count === 0) {
      zeros = 1;
      while (i < limit && values[i] === 0) {
        zeros++;
        i++;
      }
    }
    at = putZigZag(raw, at, zeros > 1 ? -zeros : count);
  }
  view.setUint32(4, at - HEADER_BYTES);
  const deflated = deflateSync(raw.subarray(0, at));
  const outer = Buffer.alloc(Math.max(MIN_OUTER_BYTES, 8 + deflated.length));
  outer.writeUInt32BE(V2_COMPRESSED_COOKIE, 0);
  outer.writeUInt32BE(deflated.length, 4);
  outer.set(deflated, 8);
  return outer.toString('base64');
}

/**
 * ZigZag LEB128-64b9B, byte for byte as hdr-histogram-js writes it (including its 9-byte
 * form, where the eighth byte keeps its top bit and the ninth holds the rest).
 */
function putZigZag(out: Uint8Array, at: number, signed: number): number {
  const value = signed >= 0 ? signed * 2 : -signed * 2 - 1;
  let scale = 1;
  for (let k = 0; k < 8; k++) {
    const part = Math.floor(value / scale);
    if (value < scale * 128) {
      out[at++] = part;
      return at;
    }
    if (k === 7) break;
    out[at++] = (part % 128) | 0x80;
    scale *= 128;
  }
  out[at++] = Math.floor(value / 2 ** 49) + 0x80;
  out[at++] = Math.floor(value / 2 ** 56);
  return at;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a V2 compressed base64 histogram with lowest discernible value 1 and 2 or 3
 * significant digits (what perfsight writes) into 3-digit counts, exactly as
 * `decodeHdrBase64` did through hdr-histogram-js. Anything else — other cookies, units,
 * digits, malformed data — gives `undefined`, for the caller to hand to the library.
 */
export function decodeV2CompressedBase64(base64: string): LogLinearCounts | undefined {
  const text = base64.trim();
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  const outer = Buffer.from(text, 'base64');
  if (outer.length < 8 || (outer.readUInt32BE(0) & ~COOKIE_FLAGS) >>> 0 !== 0x1c849304) {
    return undefined;
  }
  const length = outer.readUInt32BE(4);
  if (8 + length > outer.length) return undefined;
  let raw: Buffer;
  try {
    raw = inflateSync(outer.subarray(8, 8 + length));
  } catch {
    return undefined;
  }
  if (raw.length < HEADER_BYTES || (raw.readUInt32BE(0) & ~COOKIE_FLAGS) >>> 0 !== 0x1c849303) {
    return undefined;
  }
  const payload = raw.readUInt32BE(4);
  const digits = raw.readUInt32BE(12);
  const lowest = raw.readUInt32BE(16) * 2 ** 32 + raw.readUInt32BE(20);
  const highest = raw.readUInt32BE(24) * 2 ** 32 + raw.readUInt32BE(28);
  if ((digits !== 2 && digits !== 3) || lowest !== 1 || highest < 2) return undefined;
  if (HEADER_BYTES + payload > raw.length) return undefined;
  const source = new LogLinearCounts(digits);
  // The library's counts array for this header: indices past it are dropped there.
  const sourceLength = countsLength(digits, highest);
  if (sourceLength > source.counts.length) return undefined;
  const found: number[] = [];
  let index = 0;
  const end = HEADER_BYTES + payload;
  for (let at = HEADER_BYTES; at < end;) {
    let value = 0;
    let scale = 1;
    let byte: number;
    let k = 0;
    do {
      if (at >= end) return undefined;
      byte = raw[at++]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while ((byte & 0x80) !== 0 && ++k < 9);
    if (k === 9) return undefined; // the library reads a 9th byte's top bit differently
    if (value % 2 === 0) {
      const count = value / 2;
      if (count > Number.MAX_SAFE_INTEGER) return undefined;
      if (index >= sourceLength) return undefined;
      if (count > 0) found.push(index, count);
      index++;
    } else {
      index += (value + 1) / 2;
    }
  }
  const counts = new LogLinearCounts(3);
  for (let j = 0; j < found.length; j += 2) {
    const us = Math.min(source.lowestEquivalentMicros(found[j]!), MAX_TRACKABLE_US);
    counts.recordMicrosWithCount(us, found[j + 1]!);
  }
  return counts;
}

/** hdr-histogram-js's counts array length for lowest 1 and `highest`. */
function countsLength(digits: 2 | 3, highest: number): number {
  const subBucketCount = 2 ** Math.ceil(Math.log2(2 * 10 ** digits));
  let smallestUntrackable = subBucketCount;
  let buckets = 1;
  while (smallestUntrackable <= highest) {
    if (smallestUntrackable > Number.MAX_SAFE_INTEGER / 2) {
      buckets++;
      break;
    }
    smallestUntrackable *= 2;
    buckets++;
  }
  return (buckets + 1) * (subBucketCount / 2);
}
