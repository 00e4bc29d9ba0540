import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEED_BINS, binExact } from '../../src/metrics/_latency-stats.js';
import { meanAndStd, meanAndStdOfSorted } from '../../src/metrics/percentiles.js';

/** The seed's binning written out per value, as the reference: the last bin ≤ the latency. */
function binEachValue(values: Float64Array): number[] {
  const counts: number[] = SEED_BINS.map(() => 0);
  for (const latency of values) {
    let i = SEED_BINS.length - 1;
    while (i > 0 && latency < SEED_BINS[i]!) i--;
    counts[i]!++;
  }
  return counts;
}

/** Latencies around the bins' edges, extremes, -0, and repeats. */
const latency = fc.oneof(
  fc.double({ min: 0, max: 2000, noNaN: true }),
  fc.constantFrom(-0, 0, 10, 20, 50, 100, 200, 500, 1000, 999.9999999999999, 1e300, 1e-320),
  fc.double({ noNaN: true }),
);

describe('figures of sorted latencies', () => {
  it('binExact counts what binning each latency counts', () => {
    fc.assert(
      fc.property(fc.array(latency, { maxLength: 2000 }), (values) => {
        const sorted = Float64Array.from(values).sort();
        expect(binExact(sorted)).toEqual(binEachValue(sorted));
      }),
      { numRuns: 500 },
    );
  });

  it('meanAndStdOfSorted gives meanAndStd’s figures bit for bit', () => {
    fc.assert(
      fc.property(fc.array(latency, { maxLength: 2000 }), (values) => {
        const sorted = Float64Array.from(values).sort();
        const expected = meanAndStd(sorted);
        const actual = meanAndStdOfSorted(sorted);
        expect(Object.is(actual.mean, expected.mean)).toBe(true);
        expect(Object.is(actual.std, expected.std)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('both agree on arrays with NaN (sorted last), huge values and nothing at all', () => {
    for (const values of [[], [NaN], [1, NaN], [-1e200, 3, 1e200], [-0], [1e308, 1e308]]) {
      const sorted = Float64Array.from(values).sort();
      expect(binExact(sorted)).toEqual(binEachValue(sorted));
      expect(meanAndStdOfSorted(sorted)).toEqual(meanAndStd(sorted));
    }
  });
});
