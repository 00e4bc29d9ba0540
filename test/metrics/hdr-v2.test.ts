import fc from 'fast-check';
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import {
  LogLinearCounts,
  MAX_TRACKABLE_US,
  decodeHdrBase64,
  encodeHdrBase64,
} from '../../src/metrics/index.js';
import { decodeV2CompressedBase64 } from '../../src/metrics/_hdr-v2.js';

/** The encoder perfsight used before its own: hdr-histogram-js's, fed the same counts. */
function referenceEncode(counts: LogLinearCounts): string {
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

/** The decoder perfsight used before its own: hdr-histogram-js's, into 3-digit counts. */
function referenceDecode(base64: string): LogLinearCounts {
  const histogram = hdr.decodeFromCompressedBase64(base64, 64) as unknown as {
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

/** The first index where two count arrays differ, or -1 (toEqual on 60 k-long arrays is slow). */
function firstDifference(a: LogLinearCounts, b: LogLinearCounts): number {
  if (a.counts.length !== b.counts.length) return Math.min(a.counts.length, b.counts.length);
  for (let i = 0; i < a.counts.length; i++) if (!Object.is(a.counts[i], b.counts[i])) return i;
  return -1;
}

const countArb = fc.oneof(
  fc.integer({ min: 1, max: 3 }),
  fc.integer({ min: 1, max: 1_000_000 }),
  fc.integer({ min: 1, max: 2 ** 44 }),
  fc.constantFrom(63, 64, 127, 128, 8191, 8192, 2 ** 31, 2 ** 32, 2 ** 44),
);

/** Random histograms: empty, one value, sparse or dense, values up to MAX_TRACKABLE_US. */
const histogramArb = fc
  .record({
    digits: fc.constantFrom(2 as const, 3 as const),
    values: fc.array(
      fc.tuple(
        fc.oneof(
          fc.integer({ min: 0, max: 5000 }),
          fc.integer({ min: 0, max: MAX_TRACKABLE_US }),
          fc.constantFrom(0, 1, MAX_TRACKABLE_US, MAX_TRACKABLE_US - 1),
        ),
        countArb,
      ),
      { maxLength: 400 },
    ),
    dense: fc.option(
      fc.tuple(fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 1, max: 3000 })),
    ),
  })
  .map(({ digits, values, dense }) => {
    const counts = new LogLinearCounts(digits);
    for (const [us, count] of values) counts.recordMicrosWithCount(us, count);
    if (dense) {
      const [from, length] = dense;
      for (let i = from; i < Math.min(counts.counts.length, from + length); i++) {
        counts.counts[i]! += 1 + (i % 7);
      }
    }
    return counts;
  });

describe("perfsight's own HdrHistogram V2 codec", () => {
  it("writes the very string hdr-histogram-js's encoder writes", () => {
    fc.assert(
      fc.property(histogramArb, (counts) => {
        expect(encodeHdrBase64(counts)).toBe(referenceEncode(counts));
      }),
      { numRuns: 300 },
    );
  });

  it('writes the same string for edge cases: empty, zero only, one value, the largest value', () => {
    for (const digits of [2, 3] as const) {
      const cases: Array<Array<[number, number]>> = [
        [],
        [[0, 1]],
        [[1, 1]],
        [[MAX_TRACKABLE_US, 1]],
        [[MAX_TRACKABLE_US, Math.floor(Number.MAX_SAFE_INTEGER / 2)]],
        [
          [0, 5],
          [MAX_TRACKABLE_US, 7],
        ],
      ];
      for (const values of cases) {
        const counts = new LogLinearCounts(digits);
        for (const [us, count] of values) counts.recordMicrosWithCount(us, count);
        expect(encodeHdrBase64(counts)).toBe(referenceEncode(counts));
      }
    }
  });

  it("reads back exactly the counts hdr-histogram-js's decoder gives, from either encoder", () => {
    fc.assert(
      fc.property(histogramArb, (counts) => {
        for (const base64 of [encodeHdrBase64(counts), referenceEncode(counts)]) {
          const ours = decodeV2CompressedBase64(base64);
          expect(ours).toBeDefined();
          const theirs = referenceDecode(base64);
          expect(firstDifference(ours!, theirs)).toBe(-1);
          expect(ours!.totalCount).toBe(theirs.totalCount);
          expect(firstDifference(decodeHdrBase64(base64), theirs)).toBe(-1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('reads a string it just wrote as decoding it gives, however the histogram changes after', () => {
    fc.assert(
      fc.property(histogramArb, fc.nat(), (counts, at) => {
        const base64 = encodeHdrBase64(counts);
        // Decoded for real: the same string with a space decoding trims (not the one remembered).
        const decoded = decodeV2CompressedBase64(` ${base64}`)!;
        const index = at % counts.counts.length;
        counts.counts[index]! += 5; // the histogram records on: the string stays what it was
        const first = decodeHdrBase64(base64);
        expect(firstDifference(first, decoded)).toBe(-1);
        expect(first.totalCount).toBe(decoded.totalCount);
        first.counts[index]! += 3; // a reader changes what it got: the next reader does not see it
        const second = decodeHdrBase64(base64);
        expect(firstDifference(second, decoded)).toBe(-1);
        expect(second.totalCount).toBe(decoded.totalCount);
      }),
      { numRuns: 200 },
    );
    // Odd counts (a fraction the codec cannot carry, a -0 read back as +0, a total that is not
    // their sum): still what decoding the string gives.
    for (const fraction of [1.5, 1]) {
      const odd = new LogLinearCounts(3);
      odd.counts[10] = fraction;
      odd.counts[11] = -0;
      odd.counts[12] = 2;
      odd.totalCount = 99;
      const base64 = encodeHdrBase64(odd);
      const decoded = decodeHdrBase64(base64);
      const expected = decodeV2CompressedBase64(` ${base64}`)!;
      expect(firstDifference(decoded, expected)).toBe(-1);
      expect(decoded.totalCount).toBe(expected.totalCount);
    }
  });

  it('hands strings with other settings to hdr-histogram-js, and reads them as it does', () => {
    const settings = [
      { lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, digits: 1 },
      { lowestDiscernibleValue: 1, highestTrackableValue: 10_000, digits: 4 },
      { lowestDiscernibleValue: 1000, highestTrackableValue: 3_600_000_000, digits: 3 },
      { lowestDiscernibleValue: 1, highestTrackableValue: 2 ** 40, digits: 5 },
    ];
    for (const s of settings) {
      const histogram = hdr.build({
        lowestDiscernibleValue: s.lowestDiscernibleValue,
        highestTrackableValue: s.highestTrackableValue,
        numberOfSignificantValueDigits: s.digits as 3,
        bitBucketSize: 64,
        autoResize: true,
      });
      for (let v = 1; v < 5000; v += 37) histogram.recordValueWithCount(v * 997, v);
      const base64 = hdr.encodeIntoCompressedBase64(histogram);
      histogram.destroy();
      expect(decodeV2CompressedBase64(base64)).toBeUndefined();
      const expected = referenceDecode(base64);
      expect(expected.totalCount).toBeGreaterThan(0);
      expect(firstDifference(decodeHdrBase64(base64), expected)).toBe(-1);
    }
    // A 2- or 3-digit histogram that grew past MAX_TRACKABLE_US: read (clamped) as the library reads it.
    for (const digits of [2, 3] as const) {
      const histogram = hdr.build({
        numberOfSignificantValueDigits: digits,
        bitBucketSize: 64,
        autoResize: true,
      });
      histogram.recordValueWithCount(12_345, 3);
      histogram.recordValueWithCount(2 ** 40, 2);
      const base64 = hdr.encodeIntoCompressedBase64(histogram);
      histogram.destroy();
      const expected = referenceDecode(base64);
      expect(firstDifference(decodeHdrBase64(base64), expected)).toBe(-1);
      expect(decodeHdrBase64(base64).totalCount).toBe(expected.totalCount);
    }
  });

  it('fails on a string that is not a histogram as hdr-histogram-js does', () => {
    for (const bad of ['not a histogram', 'AAAA', '']) {
      expect(decodeV2CompressedBase64(bad)).toBeUndefined();
      let expected: unknown;
      try {
        referenceDecode(bad);
      } catch (error) {
        expected = error;
      }
      expect(expected).toBeDefined();
      expect(() => decodeHdrBase64(bad)).toThrow();
    }
  });
});
