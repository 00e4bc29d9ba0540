import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binExact, exactPercentiles } from '../../src/metrics/_latency-stats.js';
import { decimalGridOf, withoutValues, writeOut } from '../../src/metrics/_sort.js';
import { FLAG_SUCCESS, SampleLog } from '../../src/metrics/index.js';
import type { LatencyPercentiles } from '../../src/metrics/types.js';

const bytes = (values: Float64Array) =>
  Buffer.from(values.buffer, values.byteOffset, values.byteLength);

/** Every figure the same double (Object.is: -0 and NaN too). */
function expectSameFigures(actual: LatencyPercentiles, expected: LatencyPercentiles): void {
  for (const key of Object.keys(expected) as (keyof LatencyPercentiles)[]) {
    expect(
      Object.is(actual[key], expected[key]),
      `${key}: ${actual[key]} vs ${expected[key]}`,
    ).toBe(true);
  }
}

/** Latencies as a file holds them: one number of places, around the bins' edges sometimes. */
const latencies = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.constantFrom(30, 3000, 2_000_000))
  .chain(([d, top]) =>
    fc.array(
      fc.oneof(
        fc.nat({ max: top }).map((k) => Number((k / 10 ** d).toFixed(d))),
        fc.constantFrom(0, 10, 20, 50, 100, 200, 500, 1000, 9.999, 1000.001),
      ),
      { minLength: 1, maxLength: 3000 },
    ),
  );

describe('figures read from a decimal grid', () => {
  it('are the figures of the sorted array, bit for bit, with some values taken out', () => {
    fc.assert(
      fc.property(latencies, fc.array(fc.boolean()), fc.nat(4), (values, out, cuts) => {
        const all = Float64Array.from(values);
        // In pieces, as the sample log holds them.
        const pieces: Float64Array[] = [];
        for (let at = 0, size = Math.max(1, all.length >> cuts); at < all.length; at += size) {
          pieces.push(all.subarray(at, at + size));
        }
        const grid = decimalGridOf(pieces, all.length);
        fc.pre(grid !== undefined);
        const taken = Float64Array.from(values.filter((_, i) => out[i] === true));
        const kept = Float64Array.from(values.filter((_, i) => out[i] !== true));
        fc.pre(kept.length > 0);
        const less = withoutValues(grid!, taken);
        const expected = kept.slice().sort();
        expect(less.length).toBe(kept.length);
        expectSameFigures(exactPercentiles(less), exactPercentiles(expected));
        expect(binExact(less)).toEqual(binExact(expected));
        const written = new Float64Array(less.length);
        writeOut(less, written);
        expect(bytes(written).equals(bytes(expected))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

describe('decimalGridOf', () => {
  it('counts in one read what comes in any order, over again on a finer grid when one needs it', () => {
    // Falling, then rising far beyond the first table; a finer value in the last piece.
    const falling = Float64Array.from({ length: 5000 }, (_, i) => 400 - (i % 400));
    const rising = Float64Array.from({ length: 5000 }, (_, i) => 400 + (i % 240));
    const finer = Float64Array.from([3, 0.25, 7]);
    const grid = decimalGridOf([falling, rising, finer], 10_003);
    expect(grid?.scale).toBe(100);
    const expected = Float64Array.from([...falling, ...rising, ...finer]).sort();
    const written = new Float64Array(expected.length);
    writeOut(grid!, written);
    expect(bytes(written).equals(bytes(expected))).toBe(true);
    // Too wide a spread for a table of twice as many steps as values, or off every grid.
    expect(decimalGridOf([Float64Array.from([1, 2, 1e6])], 3)).toBeUndefined();
    expect(decimalGridOf([Float64Array.from([1, 2]), Float64Array.from([Math.PI])], 3)).toBe(
      undefined,
    );
    expect(decimalGridOf([Float64Array.from([2, -0])], 2)).toBeUndefined();
    expect(decimalGridOf([Float64Array.from([2, Infinity])], 2)).toBeUndefined();
  });
});

describe('SampleLog.ascending', () => {
  it('counts a large run’s latencies on their grid: the figures of the sorted latencies, failures at the extremes', () => {
    const log = new SampleLog(300_000);
    const pushed: [number[], number[]] = [[], []]; // failures, successes
    let state = 7;
    const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 250_000; i++) {
      // The smallest and the largest latencies are failures: the successes' grid is narrower.
      const failed = i === 10 || i === 200_000 || random() < 0.01;
      const latency =
        i === 10 ? 0.001 : i === 200_000 ? 300 : Number((1 + random() * 200).toFixed(3));
      log.push(latency, i, failed ? 0 : FLAG_SUCCESS, failed ? 1 : 0);
      pushed[failed ? 0 : 1].push(latency);
    }
    const successes = log.ascending(true);
    expect(successes).not.toBeInstanceOf(Float64Array);
    const expected = Float64Array.from(pushed[1]).sort();
    expectSameFigures(exactPercentiles(successes), exactPercentiles(expected));
    expect(binExact(successes)).toEqual(binExact(expected));
    const failures = Float64Array.from(pushed[0]).sort();
    expect(bytes(log.sortedView(false)).equals(bytes(failures))).toBe(true);
    expect(bytes(log.sortedLatencies(true)).equals(bytes(expected))).toBe(true);
  });

  it('sorts them when they are on no grid', () => {
    const log = new SampleLog(200_000);
    for (let i = 0; i < 150_000; i++) log.push(1 + i * Math.PI, i, FLAG_SUCCESS, 0);
    expect(log.ascending(true)).toBeInstanceOf(Float64Array);
  });
});
