import { createRequire } from 'node:module';
import type * as Hdr from 'hdr-histogram-js';
import { LogLinearCounts, MAX_TRACKABLE_US } from './_log-linear.js';

type HdrLibrary = Pick<
  typeof Hdr,
  'build' | 'encodeIntoCompressedBase64' | 'decodeFromCompressedBase64'
>;

let loaded: HdrLibrary | undefined;

/**
 * hdr-histogram-js, loaded on first use: whatever imports the metrics folder without
 * writing or reading a histogram (the samples worker) does not pay for it (~0.1 s). Only
 * its builder and its codec: the package's index also loads its log writer, whose
 * `Intl.NumberFormat` alone took ~15 ms of a report's start (cpu-prof), and code we never
 * call.
 */
function hdrLibrary(): HdrLibrary {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = {
      ...(require('hdr-histogram-js/dist/HistogramBuilder') as Pick<typeof Hdr, 'build'>),
      ...(require('hdr-histogram-js/dist/encoding') as Pick<
        typeof Hdr,
        'encodeIntoCompressedBase64' | 'decodeFromCompressedBase64'
      >),
    };
  }
  return loaded;
}

/**
 * HdrHistogram V2 compressed base64 (`HISTF…`) of counts in µs — readable by every
 * HdrHistogram implementation, and mergeable across machines.
 */
export function encodeHdrBase64(counts: LogLinearCounts): string {
  const hdr = hdrLibrary();
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_TRACKABLE_US,
    numberOfSignificantValueDigits: counts.significantDigits as 3,
    bitBucketSize: 64,
    autoResize: true,
  });
  for (let i = 0; i < counts.counts.length; i++) {
    const count = counts.counts[i]!;
    if (count > 0) histogram.recordValueWithCount(counts.lowestEquivalentMicros(i), count);
  }
  const encoded = hdr.encodeIntoCompressedBase64(histogram);
  histogram.destroy();
  return encoded;
}

/** Reads a V2 compressed base64 histogram (µs) back into 3-digit counts. */
export function decodeHdrBase64(base64: string): LogLinearCounts {
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
