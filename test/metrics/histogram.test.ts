import fc from 'fast-check';
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import {
  LogLinearCounts,
  MAX_TRACKABLE_US,
  decodeHdrBase64,
  encodeHdrBase64,
} from '../../src/metrics/index.js';

const micros = fc.integer({ min: 0, max: 3_600_000_000 });

describe('LogLinearCounts (HdrHistogram layout)', () => {
  it('answers percentiles exactly as hdr-histogram-js does for the same values', () => {
    fc.assert(
      fc.property(fc.array(micros, { minLength: 1, maxLength: 300 }), (values) => {
        const ours = new LogLinearCounts(3);
        const theirs = hdr.build({
          lowestDiscernibleValue: 1,
          highestTrackableValue: MAX_TRACKABLE_US,
          numberOfSignificantValueDigits: 3,
          bitBucketSize: 64,
        });
        for (const v of values) {
          ours.recordMicros(v);
          theirs.recordValue(v);
        }
        for (const p of [0.1, 1, 25, 50, 90, 95, 99, 99.9, 100]) {
          expect(ours.percentileMicros(p)).toBe(theirs.getValueAtPercentile(p));
        }
        theirs.destroy();
      }),
      { numRuns: 150 },
    );
  });

  it('answers several percentiles in one scan exactly as one scan each', () => {
    const percentiles = fc
      .array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 })
      .map((ps) => [...ps].sort((a, b) => a - b));
    fc.assert(
      fc.property(
        fc.array(micros, { minLength: 0, maxLength: 300 }),
        percentiles,
        fc.constantFrom(2 as const, 3 as const),
        (values, ps, digits) => {
          const counts = new LogLinearCounts(digits);
          for (const v of values) counts.recordMicros(v);
          const from = values.length === 0 ? 0 : counts.indexOfMicros(Math.min(...values));
          expect(counts.percentilesMicros(ps, from)).toEqual(
            ps.map((p) => counts.percentileMicros(p, from)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('drains into another histogram as percentiles, add and reset would, in one scan', () => {
    const percentiles = fc
      .array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 0, maxLength: 6 })
      .map((ps) => [...ps].sort((a, b) => a - b));
    fc.assert(
      fc.property(
        fc.array(micros, { minLength: 0, maxLength: 300 }),
        fc.array(micros, { minLength: 0, maxLength: 50 }),
        percentiles,
        fc.constantFrom(2 as const, 3 as const),
        (values, before, ps, digits) => {
          const drained = new LogLinearCounts(digits);
          const target = new LogLinearCounts(digits);
          for (const v of values) drained.recordMicros(v);
          for (const v of before) target.recordMicros(v);
          const indices = values.map((v) => drained.indexOfMicros(v));
          const from = indices.length === 0 ? 0 : Math.min(...indices);
          const to = indices.length === 0 ? -1 : Math.max(...indices);
          const expected = target.clone();
          expected.add(drained, from, to);
          const percentilesBefore = drained.percentilesMicros(ps, from);
          expect(drained.drainInto(target, from, to, ps)).toEqual(percentilesBefore);
          expect(target.totalCount).toBe(expected.totalCount);
          // The first index where the counts differ (a search: toEqual on 23,552 counts is slow).
          expect(target.counts.findIndex((c, i) => !Object.is(c, expected.counts[i]))).toBe(-1);
          expect(drained.totalCount).toBe(0);
          expect(drained.counts.findIndex((c) => !Object.is(c, 0))).toBe(-1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('drains sample by sample (its counts listed) exactly as bucket by bucket', () => {
    const percentiles = fc
      .array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 0, maxLength: 6 })
      .map((ps) => [...ps].sort((a, b) => a - b));
    // Values close together and far apart: ranks in one block of buckets, or many apart.
    const values = fc.oneof(
      fc.array(micros, { minLength: 1, maxLength: 300 }),
      fc.array(fc.integer({ min: 9_000, max: 9_200 }), { minLength: 1, maxLength: 300 }),
    );
    fc.assert(
      fc.property(
        values,
        fc.array(micros, { minLength: 0, maxLength: 50 }),
        percentiles,
        fc.constantFrom(2 as const, 3 as const),
        fc.integer({ min: 0, max: 1000 }),
        (values, before, ps, digits, extra) => {
          const byBucket = new LogLinearCounts(digits);
          const bySample = new LogLinearCounts(digits);
          const targetByBucket = new LogLinearCounts(digits);
          const targetBySample = new LogLinearCounts(digits);
          for (const v of values) byBucket.recordMicros(v);
          for (const v of values) bySample.recordMicros(v);
          for (const v of before) targetByBucket.recordMicros(v);
          for (const v of before) targetBySample.recordMicros(v);
          const indices = values.map((v) => bySample.indexOfMicros(v));
          // Listed in another order than recorded, with room to spare.
          const listed = Int32Array.from([...indices].reverse().concat(Array(extra).fill(0)));
          const from = Math.min(...indices);
          const to = Math.max(...indices) + extra;
          expect(bySample.drainInto(targetBySample, from, to, ps, listed)).toEqual(
            byBucket.drainInto(targetByBucket, from, to, ps),
          );
          expect(targetBySample.totalCount).toBe(targetByBucket.totalCount);
          const counts = targetBySample.counts;
          expect(counts.findIndex((c, i) => !Object.is(c, targetByBucket.counts[i]))).toBe(-1);
          expect(bySample.totalCount).toBe(0);
          expect(bySample.counts.findIndex((c) => !Object.is(c, 0))).toBe(-1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps every percentile within 0.1 % of the exact value (3 significant digits)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 200 }),
        (values) => {
          const counts = new LogLinearCounts(3);
          for (const v of values) counts.recordMicros(v);
          const sorted = [...values].sort((a, b) => a - b);
          for (const p of [50, 95, 99]) {
            const exact = sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
            const approx = counts.percentileMicros(p);
            expect(Math.abs(approx - exact) / exact).toBeLessThanOrEqual(0.001);
          }
        },
      ),
    );
  });

  it('round-trips through the V2 compressed base64 encoding unchanged', () => {
    fc.assert(
      fc.property(fc.array(micros, { minLength: 1, maxLength: 200 }), (values) => {
        const counts = new LogLinearCounts(3);
        for (const v of values) counts.recordMicros(v);
        const encoded = encodeHdrBase64(counts);
        expect(encoded.startsWith('HISTF')).toBe(true);
        const decoded = decodeHdrBase64(encoded);
        expect(decoded.totalCount).toBe(counts.totalCount);
        expect(Array.from(decoded.counts)).toEqual(Array.from(counts.counts));
      }),
      { numRuns: 50 },
    );
  });

  it('is readable by hdr-histogram-js itself', () => {
    const counts = new LogLinearCounts(3);
    for (let v = 1; v <= 10_000; v++) counts.recordMicros(v * 10);
    const decoded = hdr.decodeFromCompressedBase64(encodeHdrBase64(counts));
    expect(decoded.totalCount).toBe(10_000);
    expect(decoded.getValueAtPercentile(50)).toBe(counts.percentileMicros(50));
  });

  it('clamps out-of-range latencies instead of failing', () => {
    const counts = new LogLinearCounts(3);
    counts.recordMs(10 * 3_600_000); // 10 hours
    counts.recordMs(-1);
    expect(counts.totalCount).toBe(2);
    expect(counts.percentileMs(100)).toBeGreaterThan(4_000_000);
    expect(counts.percentileMs(1)).toBe(0);
  });

  it('merges with add() as if all values were recorded in one', () => {
    const a = new LogLinearCounts(2);
    const b = new LogLinearCounts(2);
    const both = new LogLinearCounts(2);
    for (let i = 0; i < 1000; i++) {
      const v = (i * 7919) % 100_000;
      (i % 2 ? a : b).recordMicros(v);
      both.recordMicros(v);
    }
    a.add(b);
    expect(a.totalCount).toBe(both.totalCount);
    expect(a.percentileMs(95)).toBe(both.percentileMs(95));
  });
});
