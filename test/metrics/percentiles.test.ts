import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanAndStd, percentileLinear } from '../../src/metrics/index.js';

/**
 * numpy's `linear` rule written out plainly, as the reference: for sorted x of length n,
 * h = (n-1)·p/100, result = x[floor h] + (h − floor h)·(x[ceil h] − x[floor h]).
 */
function reference(values: number[], p: number): number {
  const x = [...values].sort((a, b) => a - b);
  const h = ((x.length - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return x[lo]! + (h - lo) * (x[hi]! - x[lo]!);
}

const sorted = (values: number[]) => Float64Array.from(values).sort();

describe('percentileLinear (numpy linear)', () => {
  it.each([
    // values, percentile, numpy.percentile(values, p)
    [[5], 50, 5],
    [[5], 99, 5],
    [[1, 2], 90, 1.9],
    [[1, 2], 50, 1.5],
    [[1, 2, 3, 4], 50, 2.5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95, 9.55],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99, 9.91],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5.5],
    [[1, 1, 1, 2], 95, 1.85],
    [[1, 1, 1, 2], 50, 1],
    [[3, 3, 3, 3, 3], 99.9, 3],
    [[10, 0], 25, 2.5],
    [[0, 10, 20, 30], 100, 30],
    [[0, 10, 20, 30], 0, 0],
  ])('%j at p%d = %d', (values, p, expected) => {
    expect(percentileLinear(sorted(values), p)).toBeCloseTo(expected, 12);
  });

  it('returns 0 for no values', () => {
    expect(percentileLinear(new Float64Array(0), 50)).toBe(0);
  });

  it('matches the reference on random runs of many sizes, with ties', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: 0, max: 1e4, noNaN: true }), fc.constantFrom(1, 2, 5)), {
          minLength: 1,
          maxLength: 500,
        }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p) => {
          const got = percentileLinear(sorted(values), p);
          const want = reference(values, p);
          expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
        },
      ),
    );
  });

  it('is monotone in p and stays within [min, max]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, a, b) => {
          const x = sorted(values);
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(percentileLinear(x, lo)).toBeLessThanOrEqual(percentileLinear(x, hi));
          expect(percentileLinear(x, lo)).toBeGreaterThanOrEqual(x[0]!);
          expect(percentileLinear(x, hi)).toBeLessThanOrEqual(x[x.length - 1]!);
        },
      ),
    );
  });
});

describe('meanAndStd (numpy mean / population std)', () => {
  it('matches hand-computed values', () => {
    // np.std([2, 4, 4, 4, 5, 5, 7, 9]) == 2.0, mean 5
    expect(meanAndStd([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ mean: 5, std: 2 });
    expect(meanAndStd([7])).toEqual({ mean: 7, std: 0 });
    // np.std([1, 2]) == 0.5
    expect(meanAndStd([1, 2]).std).toBeCloseTo(0.5, 15);
  });
});
