import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootstrapRatioCI, hodgesLehmannLogRatio, mannWhitneyU } from '../../src/analysis/index.js';
import {
  pairwiseDifferences,
  quickselect,
} from '../../src/analysis/compare/_pairwise-differences.js';
import { meanOf, quantileSorted } from '../../src/analysis/compare/bootstrap.js';
import { SeededStream, seededRandom } from '../../src/random/index.js';
import {
  logNormal,
  oldBootstrapRatioCI,
  oldKthDifference,
  oldMannWhitneyU,
} from './_former-compare.js';

/** Every difference y_j − x_i, ascending: the O(n₁n₂) reference. */
function allDifferences(x: Float64Array, y: Float64Array): Float64Array {
  const out = new Float64Array(x.length * y.length);
  let t = 0;
  for (const b of y) for (const a of x) out[t++] = b - a;
  return out.sort();
}

const ascending = (values: number[]): Float64Array => Float64Array.from(values).sort();

const tiedSample = fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 200 });
const spreadSample = fc.array(fc.double({ min: -50, max: 50, noNaN: true }), {
  minLength: 1,
  maxLength: 200,
});

describe('exact selection of pairwise differences', () => {
  it('every rank is the brute-force order statistic, bit for bit (ties included)', () => {
    fc.assert(
      fc.property(
        fc.oneof(tiedSample, spreadSample),
        fc.oneof(tiedSample, spreadSample),
        fc.constantFrom({}, { sampleSize: 4, gatherBelow: 1 }, { sampleSize: 64, gatherBelow: 8 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 1,
          maxLength: 6,
        }),
        (xs, ys, tuning, quantiles) => {
          const x = ascending(xs);
          const y = ascending(ys);
          const reference = allDifferences(x, y);
          const { kth } = pairwiseDifferences(x, y, tuning);
          const n = reference.length;
          // The median pair (k, k + 1) is how HL asks for an even count.
          const middle = (n + 1) >> 1;
          const ranks = [
            1,
            n,
            middle,
            Math.min(n, middle + 1),
            ...quantiles.map((q) => 1 + Math.floor(q * n)),
          ];
          for (const k of ranks) expect(kth(k)).toBe(reference[k - 1]);
          // Together, sharing the rounds that narrow around all of them.
          const together = pairwiseDifferences(x, y, tuning).orderStatistics(ranks);
          expect(together).toStrictEqual(ranks.map((k) => reference[k - 1]));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the Hodges–Lehmann ratio and CI are exp of real differences, at the Moses ranks', () => {
    // Before, bisection returned a bracket end within 1e-12 of the difference, not the
    // difference itself: equality here failed.
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 200 }),
        fc.array(fc.double({ min: 0.1, max: 1000, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (baseline, current) => {
          const x = Float64Array.from(baseline, Math.log).sort();
          const y = Float64Array.from(current, Math.log).sort();
          const d = allDifferences(x, y);
          const n = d.length;
          const median = n % 2 ? d[(n - 1) / 2]! : (d[n / 2 - 1]! + d[n / 2]!) / 2;
          const k = Math.max(
            1,
            Math.floor(n / 2 - 1.959963984540054 * Math.sqrt((n * (x.length + y.length + 1)) / 12)),
          );
          const hl = hodgesLehmannLogRatio(baseline, current);
          expect(hl.ratio).toBe(Math.exp(median));
          expect(hl.ciLow).toBe(Math.exp(d[k - 1]!));
          expect(hl.ciHigh).toBe(Math.exp(d[n - k]!));
          // Sorted latencies (what compare passes) skip the second sort: same figures.
          const sorted = hodgesLehmannLogRatio(ascending(baseline), ascending(current));
          expect(sorted).toStrictEqual(hl);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('agrees with the former bisection to 1e-9 on 20,000 vs 20,000 log-normal latencies', () => {
    // A millisecond timer's ties in the baseline, a continuous current run.
    const baseline = logNormal(20_000, 7, 12, 0.5).map(Math.round);
    const current = logNormal(20_000, 8, 13, 0.6);
    const x = Float64Array.from(baseline, (v) => Math.log(Math.max(v, 1e-6))).sort();
    const y = Float64Array.from(current, Math.log).sort();
    const { kth, orderStatistics } = pairwiseDifferences(x, y);
    const n = x.length * y.length;
    for (const k of [1, Math.floor(n * 0.025), n / 2, n / 2 + 1, Math.ceil(n * 0.975), n]) {
      const now = Math.exp(kth(k));
      const before = Math.exp(oldKthDifference(x, y, k));
      expect(Math.abs(now - before) / before).toBeLessThan(1e-9);
    }
    // The HL ranks lie close together and share their first rounds: same values as one by one.
    const spread = Math.floor(1.96 * Math.sqrt((n * (x.length + y.length + 1)) / 12));
    const ranks = [n / 2 - spread, n / 2 + spread + 1, n / 2, n / 2 + 1];
    expect(orderStatistics(ranks)).toStrictEqual(ranks.map(kth));
  });

  it('refuses values that break the order; HL of a latency with no finite log is NaN', () => {
    const sorted = Float64Array.of(1, 2, 3);
    for (const bad of [
      Float64Array.of(1, NaN),
      Float64Array.of(2, 1),
      Float64Array.of(1, Infinity),
    ]) {
      expect(() => pairwiseDifferences(bad, sorted)).toThrow(RangeError);
      expect(() => pairwiseDifferences(sorted, bad)).toThrow(RangeError);
    }
    for (const bad of [NaN, Infinity]) {
      expect(hodgesLehmannLogRatio([1, 2, bad], [2, 3, bad])).toStrictEqual({
        ratio: NaN,
        ciLow: NaN,
        ciHigh: NaN,
      });
    }
  });

  it('quickselect finds every rank of a tied array', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 100 }),
        (v) => {
          const sorted = ascending(v);
          for (let i = 0; i < v.length; i++)
            expect(quickselect(Float64Array.from(v), i)).toBe(sorted[i]);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('Mann–Whitney on sorted samples by one merge', () => {
  it('gives bit-identical U, z and p to the former sort of both samples (ties included)', () => {
    fc.assert(
      fc.property(
        fc.oneof(tiedSample, spreadSample),
        fc.oneof(tiedSample, spreadSample),
        (xs, ys) => {
          const x = ascending(xs);
          const y = ascending(ys);
          expect(mannWhitneyU(x, y)).toStrictEqual(oldMannWhitneyU(x, y));
          expect(mannWhitneyU(xs, ys)).toStrictEqual(oldMannWhitneyU(xs, ys));
        },
      ),
      { numRuns: 200 },
    );
    const x = logNormal(20_000, 9, 12, 0.5).map(Math.round).sort();
    const y = logNormal(20_000, 10, 12, 0.5).map(Math.round).sort();
    expect(mannWhitneyU(x, y)).toStrictEqual(oldMannWhitneyU(x, y));
  });
});

describe('bootstrap without a sort per resample', () => {
  it("SeededStream's draws, one by one or tallied in bulk, are seededRandom's", () => {
    const reference = seededRandom(99);
    const stream = new SeededStream(99);
    for (let i = 0; i < 1000; i++) expect(stream.next()).toBe(reference());
    const counts = new Uint32Array(37);
    const expected = new Uint32Array(37);
    stream.tally(counts, 5000);
    for (let i = 0; i < 5000; i++) expected[Math.floor(reference() * 37)]!++;
    expect(counts).toStrictEqual(expected);
    expect(stream.next()).toBe(reference());
  });

  const statistics = {
    average_ms: meanOf,
    median_ms: (s: Float64Array) => quantileSorted(s, 0.5),
    p95_ms: (s: Float64Array) => quantileSorted(s, 0.95),
    p99_ms: (s: Float64Array) => quantileSorted(s, 0.99),
  };

  it('gives bit-identical CIs and p-values to the former sorted-index resampling', () => {
    const cases = [
      // Every sample resampled, with a millisecond timer's ties.
      { a: logNormal(300, 1, 10, 0.4).map(Math.round), b: logNormal(400, 2, 11, 0.4), seed: 42 },
      // Both runs first subsampled (maxSample) — the path 1 M-sample comparisons take.
      { a: logNormal(3000, 3, 10, 0.5), b: logNormal(2500, 4, 10, 0.5), seed: 7, maxSample: 1000 },
      { a: logNormal(50, 5, 3, 1), b: logNormal(60, 6, 4, 1), seed: 123 },
    ];
    for (const { a, b, seed, maxSample } of cases) {
      const options = { seed, resamples: 400, ...(maxSample ? { maxSample } : {}) };
      const now = bootstrapRatioCI(a.sort(), b.sort(), statistics, options);
      const before = oldBootstrapRatioCI(a.sort(), b.sort(), statistics, options);
      expect(now).toStrictEqual(before);
    }
  });
});
