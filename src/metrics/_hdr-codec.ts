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
  return encodeV2CompressedBase64(counts);
}

/** Reads a V2 compressed base64 histogram (µs) back into 3-digit counts. */
export function decodeHdrBase64(base64: string): LogLinearCounts {
  return decodeV2CompressedBase64(base64) ?? decodeWithLibrary(base64);
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
