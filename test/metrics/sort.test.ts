import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RADIX_SORT_FROM,
  SORT_BY_OURS_FROM,
  radixSortAscending,
  sortAscending,
  sortFewDistinct,
  sortOnDecimalGrid,
} from '../../src/metrics/_sort.js';
import { SampleLog, FLAG_SUCCESS } from '../../src/metrics/index.js';

/** The bytes of an array: what "the same output" means here (-0 and +0 differ). */
const bytes = (values: Float64Array) =>
  Buffer.from(values.buffer, values.byteOffset, values.byteLength);

/** `values` sorted by the built-in sort and by the radix sort, each on its own copy. */
function bothSorts(values: Float64Array): { builtIn: Float64Array; radix: Float64Array } {
  return { builtIn: values.slice().sort(), radix: radixSortAscending(values.slice()) };
}

/** Any finite double or infinity, with the awkward ones (±0, subnormals, extremes) often. */
const anyDouble = fc.oneof(
  fc.double({ noNaN: true }),
  fc.constantFrom(0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, Infinity),
  fc.constantFrom(-Number.MAX_VALUE, -Infinity, 2.2250738585072014e-308, 1e-310, -1e-310),
  fc.double({ min: 0, max: 1e4, noNaN: true }), // latencies in ms
);

/** A latency as the runner measures it: a difference of two clock readings. */
const clockDifference = fc
  .tuple(fc.double({ min: 1e3, max: 1e7, noNaN: true }), fc.double({ min: 0, max: 1e3 }))
  .map(([start, took]) => start + took - start);

describe('radixSortAscending', () => {
  it('gives byte for byte what Float64Array.prototype.sort gives, for any doubles', () => {
    fc.assert(
      fc.property(
        fc.array(anyDouble, { maxLength: 3000 }),
        fc.nat({ max: 20 }),
        (values, repeats) => {
          // Duplicates: the first `repeats` values again, at random places after shuffling.
          const withDuplicates = [...values, ...values.slice(0, repeats)];
          const { builtIn, radix } = bothSorts(Float64Array.from(withDuplicates));
          expect(bytes(radix).equals(bytes(builtIn))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same bytes on latencies measured from a clock (whose lowest bits agree)', () => {
    fc.assert(
      fc.property(fc.array(clockDifference, { minLength: 1, maxLength: 3000 }), (values) => {
        const { builtIn, radix } = bothSorts(Float64Array.from(values));
        expect(bytes(radix).equals(bytes(builtIn))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('gives the same bytes on 1,000,000 values, with -0, +0, subnormals and repeats', () => {
    const n = 1_000_000;
    const values = new Float64Array(n);
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < n; i++) {
      const r = random();
      values[i] =
        r < 0.01
          ? -0
          : r < 0.02
            ? 0
            : r < 0.03
              ? random() * 1e-308
              : r < 0.05
                ? -random() * 1e300
                : r < 0.2
                  ? (values[Math.floor(random() * i)] ?? 1)
                  : -Math.log(random()) * 12.5;
    }
    const { builtIn, radix } = bothSorts(values);
    expect(bytes(radix).equals(bytes(builtIn))).toBe(true);
  });

  it('sorts an array holding NaN as the built-in sort does (every NaN last)', () => {
    const values = Float64Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? NaN : 5000 - i));
    const { builtIn, radix } = bothSorts(values);
    expect(bytes(radix).equals(bytes(builtIn))).toBe(true);
  });

  it('sorts a view in place, leaving the rest of its buffer alone', () => {
    const whole = Float64Array.from({ length: 6000 }, (_, i) => (i * 7919) % 6000);
    const view = whole.subarray(1000, 5000 + 1000);
    const expected = view.slice().sort();
    const before = whole.slice(0, 1000);
    expect(radixSortAscending(view)).toBe(view);
    expect(bytes(view).equals(bytes(expected))).toBe(true);
    expect(whole.slice(0, 1000)).toEqual(before);
  });
});

describe('sortAscending', () => {
  it('sorts in place, by radix from RADIX_SORT_FROM values on, like the built-in sort', () => {
    for (const n of [0, 1, 2, RADIX_SORT_FROM - 1, RADIX_SORT_FROM, 3 * RADIX_SORT_FROM]) {
      const values = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 1009) / 7 - 50);
      const expected = values.slice().sort();
      expect(sortAscending(values)).toBe(values);
      expect(bytes(values).equals(bytes(expected))).toBe(true);
    }
  });
});

describe('sortAscending around SORT_BY_OURS_FROM', () => {
  it('gives the built-in sort’s bytes on either side, for decimals, clock readings and repeats', () => {
    const n = SORT_BY_OURS_FROM;
    let seed = 99;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const kinds: Array<(i: number) => number> = [
      () => Math.round(-Math.log(random()) * 20_000) / 1000, // a file's decimals, on their grid
      () => 1234.567 + random() * 50 - 1234.567, // clock differences: the radix sort
      (i) => (i % 7) / 8, // few distinct values
      () => (random() < 0.01 ? -0 : random() * 1e6), // -0 leaves the grid
    ];
    for (const kind of kinds) {
      for (const length of [n - 1, n, n + 1]) {
        const values = Float64Array.from({ length }, (_, i) => kind(i));
        const expected = values.slice().sort();
        expect(sortAscending(values)).toBe(values);
        expect(bytes(values).equals(bytes(expected))).toBe(true);
      }
    }
  });
});

describe('SampleLog.sortedLatencies', () => {
  it('is the built-in sort of the latencies with that outcome, each time a fresh array', () => {
    const log = new SampleLog(200_000);
    for (let i = 0; i < 150_000; i++) {
      const latency = i % 11 === 0 ? -0 : ((i * 7919) % 100_003) / 1000;
      log.push(latency, i, i % 5 === 0 ? 0 : FLAG_SUCCESS, 0);
    }
    for (const success of [true, false]) {
      const expected = Float64Array.from({ length: log.length }, (_, i) => log.latencyAt(i)).filter(
        (_, i) => ((log.flagsAt(i) & FLAG_SUCCESS) !== 0) === success,
      );
      expected.sort();
      const first = log.sortedLatencies(success);
      expect(bytes(first).equals(bytes(expected))).toBe(true);
      // A caller may write into what it got: the next caller still gets the sorted latencies.
      first.fill(1);
      expect(bytes(log.sortedLatencies(success)).equals(bytes(expected))).toBe(true);
    }
    log.push(0.5, 0, FLAG_SUCCESS, 0);
    expect(log.sortedLatencies(true).length).toBe(120_001);
  });
});

describe('sortFewDistinct', () => {
  it('gives byte for byte what Float64Array.prototype.sort gives, when few values repeat', () => {
    fc.assert(
      fc.property(
        fc.array(anyDouble, { minLength: 1, maxLength: 600 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.nat(),
        (pool, n, seed) => {
          // n values drawn from the pool: a few distinct ones, each many times.
          let state = seed;
          const values = Float64Array.from({ length: n }, () => {
            state = (Math.imul(state, 1103515245) + 12345) >>> 0;
            return pool[state % pool.length]!;
          });
          const expected = values.slice().sort();
          const sorted = values.slice();
          expect(sortFewDistinct(sorted, n)).toBe(true);
          expect(bytes(sorted).equals(bytes(expected))).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('leaves the values alone and says so past `most` distinct values, or with a NaN', () => {
    const many = Float64Array.from({ length: 10_000 }, (_, i) => i % 3001);
    const before = many.slice();
    expect(sortFewDistinct(many, 3000)).toBe(false);
    expect(many).toEqual(before);
    expect(sortFewDistinct(many, 3001)).toBe(true);
    expect(bytes(many).equals(bytes(before.slice().sort()))).toBe(true);
    const withNaN = Float64Array.from({ length: 10_000 }, (_, i) => (i === 9999 ? NaN : i % 7));
    expect(sortFewDistinct(withNaN.slice(), 10)).toBe(false);
  });

  it('a no-op’s latencies, 1,000,000 of them measured from the clock, sort as the built-in sort does', () => {
    const values = new Float64Array(1_000_000);
    let clock = performance.now();
    for (let i = 0; i < values.length; i++) {
      const next = performance.now();
      values[i] = next - clock;
      clock = next;
    }
    const expected = values.slice().sort();
    expect(bytes(sortAscending(values)).equals(bytes(expected))).toBe(true);
  });
});

describe('sortOnDecimalGrid', () => {
  /** Decimals as a file holds them: k / 10^d, d places, parsed from their text. */
  const decimal = fc
    .tuple(fc.nat({ max: 2_000_000 }), fc.integer({ min: 0, max: 9 }))
    .map(([k, d]) => Number((k / 10 ** d).toFixed(d)));

  /** A file's column: values of one number of places, spread over up to `top` steps. */
  const onAGrid = fc
    .tuple(fc.integer({ min: 0, max: 9 }), fc.constantFrom(50, 5000, 70_000, 2_000_000))
    .chain(([d, top]) =>
      fc.array(
        fc.nat({ max: top }).map((k) => Number((k / 10 ** d).toFixed(d))),
        { minLength: 1, maxLength: 3000 },
      ),
    );

  it('sorts decimals of up to nine places bit for bit as the built-in sort does', () => {
    fc.assert(
      fc.property(onAGrid, fc.array(decimal, { maxLength: 5 }), (values, others) => {
        // Mostly one grid, sometimes a few values of another one among them.
        const input = Float64Array.from([...values, ...others]);
        const expected = input.slice().sort();
        const ours = input.slice();
        // Sorted on the grid when the spread fits, else left exactly as it was.
        if (sortOnDecimalGrid(ours)) expect(bytes(ours).equals(bytes(expected))).toBe(true);
        else expect(bytes(ours).equals(bytes(input))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('counts latencies read from a file (ms with three places) and gives the built-in sort', () => {
    const values = new Float64Array(200_000);
    for (let i = 0; i < values.length; i++) {
      values[i] = Number((20 * Math.exp(0.5 * Math.sin(i * 12.9898) * 3)).toFixed(3));
    }
    const expected = values.slice().sort();
    expect(sortOnDecimalGrid(values)).toBe(true);
    expect(bytes(values).equals(bytes(expected))).toBe(true);
  });

  it('leaves alone what is not on a grid or would not fit: -0, negatives, NaN, clock differences, a wide spread', () => {
    const cases = [
      [1.5, -0, 2],
      [1.5, -1, 2],
      [1.5, NaN, 2],
      [1, Infinity],
      [0.1 + 0.2, 1],
      [1e-10, 1],
      [0.001, 1e9],
      Array.from({ length: 5000 }, (_, i) => 1000.5 + i * Math.PI),
    ];
    for (const values of cases) {
      const input = Float64Array.from(values);
      const ours = input.slice();
      expect(sortOnDecimalGrid(ours)).toBe(false);
      expect(bytes(ours).equals(bytes(input))).toBe(true);
    }
  });

  it('is what sortAscending does for such latencies: the same bytes as the built-in sort', () => {
    fc.assert(
      fc.property(fc.array(decimal, { minLength: RADIX_SORT_FROM, maxLength: 6000 }), (values) => {
        const input = Float64Array.from(values);
        expect(bytes(sortAscending(input.slice())).equals(bytes(input.slice().sort()))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});
