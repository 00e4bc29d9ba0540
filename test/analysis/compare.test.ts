import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareRuns,
  hodgesLehmannLogRatio,
  mannWhitneyU,
  newcombeDifferenceCI,
  wilsonInterval,
} from '../../src/analysis/index.js';
import { lognormal, runOf, twoPercentSlower } from './_summary.js';

describe('Mann–Whitney U (scipy asymptotic, two-sided, tie- and continuity-corrected)', () => {
  it('no overlap, by hand', () => {
    // x = 1…5, y = 6…10: R₁ = 15, U₁ = 15 − 15 = 0, U₂ = 25, μ = 12.5,
    // σ = √(25/12 · 11) = 4.78714; z = (25 − 12.5 − 0.5) / σ = 2.50672; p = 2·Φ̄(z) = 0.012186
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.u).toBe(0);
    expect(r.z).toBeCloseTo(2.50672, 4);
    expect(r.pValue).toBeCloseTo(0.012186, 5);
  });

  it('with ties, by hand', () => {
    // x = [1,1,2,2,3], y = [2,3,3,4,4]; average ranks 1.5,1.5 | 4,4,4 | 7,7,7 | 9.5,9.5.
    // R₁ = 1.5+1.5+4+4+7 = 18, U₁ = 3, U₂ = 22; ties t = 2,3,3,2 → Σ(t³−t) = 60;
    // σ = √(25/12 · (11 − 60/90)) = 4.63981; z = (22 − 12.5 − 0.5)/σ = 1.93973; p = 0.052412
    const r = mannWhitneyU([1, 1, 2, 2, 3], [2, 3, 3, 4, 4]);
    expect(r.u).toBe(3);
    expect(r.z).toBeCloseTo(1.93973, 4);
    expect(r.pValue).toBeCloseTo(0.052412, 5);
  });

  it('all values tied: p = 1; single observations work', () => {
    expect(mannWhitneyU([3, 3, 3], [3, 3]).pValue).toBe(1);
    expect(mannWhitneyU([1], [2])).toMatchObject({ u: 0, pValue: 1 });
  });

  it('U₁ + U₂ = n₁n₂ and p is symmetric in the order of the samples', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 40 }),
        (x, y) => {
          const a = mannWhitneyU(x, y);
          const b = mannWhitneyU(y, x);
          expect(a.u + b.u).toBeCloseTo(x.length * y.length, 9);
          expect(a.pValue).toBeCloseTo(b.pValue, 12);
          expect(a.pValue).toBeGreaterThanOrEqual(0);
          expect(a.pValue).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe('Hodges–Lehmann shift on log latency', () => {
  it('a pure scale change of ×2 is exactly ×2', () => {
    const x = [1, 2, 3, 4, 5, 6, 7];
    const hl = hodgesLehmannLogRatio(
      x,
      x.map((v) => v * 2),
    );
    expect(hl.ratio).toBeCloseTo(2, 9);
    expect(hl.ciLow).toBeLessThanOrEqual(2);
    expect(hl.ciHigh).toBeGreaterThanOrEqual(2);
  });

  it('matches the median of all pairwise log differences (brute force)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.1, max: 1000, noNaN: true }), { minLength: 1, maxLength: 25 }),
        fc.array(fc.double({ min: 0.1, max: 1000, noNaN: true }), { minLength: 1, maxLength: 25 }),
        (x, y) => {
          const differences = y
            .flatMap((b) => x.map((a) => Math.log(b) - Math.log(a)))
            .sort((a, b) => a - b);
          const n = differences.length;
          const median =
            n % 2 ? differences[(n - 1) / 2]! : (differences[n / 2 - 1]! + differences[n / 2]!) / 2;
          expect(Math.log(hodgesLehmannLogRatio(x, y).ratio)).toBeCloseTo(median, 6);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('Newcombe CI of a difference of proportions', () => {
  it('Wilson interval, by hand: 81/263 (Newcombe 1998, table I example)', () => {
    // p = 0.30798; Newcombe's paper gives the Wilson interval 0.2553–0.3662 for 81/263.
    const [low, high] = wilsonInterval(81, 263);
    expect(low).toBeCloseTo(0.2553, 4);
    expect(high).toBeCloseTo(0.3662, 4);
  });

  it('Newcombe 1998 (Statistics in Medicine 17:873) example: 56/70 − 48/80', () => {
    // The paper's method 10 interval for 56/70 vs 48/80 (difference 0.2) is 0.0524 to 0.3339.
    const r = newcombeDifferenceCI(48, 80, 56, 70);
    expect(r.difference).toBeCloseTo(0.2, 10);
    expect(r.ciLow).toBeCloseTo(0.0524, 4);
    expect(r.ciHigh).toBeCloseTo(0.3339, 4);
  });
});

describe('compareRuns', () => {
  it('twice as slow is regressed, on the distribution and the percentiles', () => {
    const report = compareRuns(runOf('a', lognormal(1, 400, 2)), runOf('b', lognormal(2, 400, 4)));
    expect(report.overall_verdict).toBe('regressed');
    expect(report.latency_distribution.verdict).toBe('regressed');
    expect(report.latency_distribution.hodges_lehmann_ratio).toBeGreaterThan(1.7);
    expect(report.metrics.p95_ms.verdict).toBe('regressed');
    expect(Object.keys(report.regressions)).toContain('median_ms');
  });

  it('and the other way round, improved (the comparison is symmetric)', () => {
    const report = compareRuns(runOf('b', lognormal(2, 400, 4)), runOf('a', lognormal(1, 400, 2)));
    expect(report.overall_verdict).toBe('improved');
  });

  it('a 2 % shift on many samples is significant but within the 5 % noise band', () => {
    const report = compareRuns(...twoPercentSlower());
    expect(report.latency_distribution.p_value).toBeLessThan(0.05);
    expect(report.latency_distribution.verdict).toBe('within_noise');
  });

  it('a higher error rate is a regression (the seed had it backwards)', () => {
    const latencies = lognormal(4, 1000, 2);
    const report = compareRuns(runOf('a', latencies, 5), runOf('b', latencies, 120));
    expect(report.metrics.error_rate.verdict).toBe('regressed');
    expect(report.metrics.success_rate.verdict).toBe('regressed');
    expect(report.metrics.error_rate.change_kind).toBe('difference');
    expect(report.regressions.error_rate).toBeDefined();
  });

  it('too few samples: insufficient_data, never a verdict', () => {
    const report = compareRuns(runOf('a', [1, 2, 3]), runOf('b', [10, 20, 30]));
    expect(report.overall_verdict).toBe('insufficient_data');
    expect(report.metrics.p95_ms.verdict).toBe('insufficient_data');
  });

  it('identical runs are never regressed or improved (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 20, max: 300 }),
        (seed, n) => {
          const latencies = lognormal(seed, n, 5);
          const report = compareRuns(runOf('a', latencies), runOf('b', latencies), { seed });
          expect(['unchanged', 'within_noise']).toContain(report.overall_verdict);
          expect(report.latency_distribution.p_value).toBeGreaterThan(0.9);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('independent runs of one distribution: p-values calibrated, false verdicts under α', () => {
    // The gate's promise in numbers. Two samples of the same distribution differ by chance
    // only: Mann–Whitney's p must fall under α about α of the time (calibrated), and the
    // whole comparison (eight tests, Holm-corrected, plus the noise band) must call such a
    // pair regressed or improved at most α of the time. Also on latencies quantized like a
    // 1 ms timer's (heavy ties), where the tie correction carries the calibration.
    const pairs = 200;
    for (const quantized of [false, true]) {
      const draw = (seed: number) =>
        lognormal(seed, 300, 5).map((v) => (quantized ? Math.ceil(v) + 0.07 : v));
      let significant = 0;
      let falseVerdicts = 0;
      for (let i = 0; i < pairs; i++) {
        const report = compareRuns(runOf('a', draw(1000 + i)), runOf('b', draw(5000 + i)), {
          seed: i,
        });
        if (report.latency_distribution.p_value! < 0.05) significant++;
        if (['regressed', 'improved'].includes(report.overall_verdict)) falseVerdicts++;
      }
      console.info(
        `${quantized ? 'quantized' : 'continuous'}: p < 0.05 in ${significant}/${pairs}, false verdicts ${falseVerdicts}/${pairs}`,
      );
      // Binomial(200, 0.05): mean 10, σ 3.1; 1…19 is ±3σ.
      expect(significant).toBeGreaterThanOrEqual(1);
      expect(significant).toBeLessThanOrEqual(19);
      expect(falseVerdicts).toBeLessThanOrEqual(0.05 * pairs);
    }
  });

  it('is deterministic: the same inputs and seed give the same report', () => {
    const a = runOf('a', lognormal(5, 300, 2));
    const b = runOf('b', lognormal(6, 300, 2.2));
    const now = new Date(0);
    expect(compareRuns(a, b, { now })).toEqual(compareRuns(a, b, { now }));
  });
});
