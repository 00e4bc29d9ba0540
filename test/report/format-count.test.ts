import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { count } from '../../src/model/format.js';
import { formatCount } from '../../src/report/html/_text.js';

describe('count and formatCount', () => {
  it('writes what toLocaleString("en-US") writes for any count, without asking ICU', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -1e9, max: 1e12 }),
          fc.double({ min: -1e16, max: 1e16, noNaN: true }),
          fc.constantFrom(0, -0, 0.4, -0.4, 999, 1000, 999_999, 1_000_000, 2 ** 53, 1e21),
        ),
        (value) => {
          const icu = (Math.round(value) || 0).toLocaleString('en-US');
          expect(count(value)).toBe(icu);
          expect(formatCount(value)).toBe(icu);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('shows a missing or non-finite count as a dash', () => {
    for (const value of [null, undefined, NaN, Infinity]) expect(formatCount(value)).toBe('–');
  });
});
