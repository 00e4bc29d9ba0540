import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tQuantile, studentTTest } from '../../src/analysis/_student-t.js';
import { analyzeTrend, changePoints, predictionInterval } from '../../src/analysis/trend.js';
import { normalFrom, seededRandom } from '../../src/workloads/random.js';

const points = (values: number[]) => values.map((value, i) => ({ runId: `r${i}`, value }));

describe('Student t', () => {
  it('matches the printed table of quantiles', () => {
    // Two-sided critical values from any statistics textbook's t table.
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(tQuantile(0.975, 4)).toBeCloseTo(2.776, 3);
    expect(tQuantile(0.995, 4)).toBeCloseTo(4.604, 3);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(tQuantile(0.95, 30)).toBeCloseTo(1.697, 3);
  });

  it('t-test by hand: [1,2,3] vs [4,5,6]', () => {
    // Means 2 and 5, both variances 1, pooled s² = 1: se = √(1/3 + 1/3) = 0.8165,
    // t = 3 / 0.8165 = 3.674, df = 4; two-sided p(|T4| > 3.674) = 0.0213.
    const { t, p } = studentTTest([1, 2, 3], [4, 5, 6]);
    expect(t).toBeCloseTo(3.6742, 4);
    expect(p).toBeCloseTo(0.0213, 4);
  });

  it('constant samples: equal → p 1, different → p 0', () => {
    expect(studentTTest([2, 2, 2], [2, 2, 2]).p).toBe(1);
    expect(studentTTest([2, 2, 2], [3, 3, 3]).p).toBe(0);
  });
});

describe('prediction interval', () => {
  it('by hand: 10, 11, 9, 10, 10 at 99 %', () => {
    // mean 10, s² = 2/4 = 0.5; half-width = t(0.995, 4) · s · √(1 + 1/5)
    //   = 4.6041 · 0.70711 · 1.09545 = 3.5663
    const interval = predictionInterval([10, 11, 9, 10, 10], 0.99);
    expect(interval.low).toBeCloseTo(10 - 3.5663, 3);
    expect(interval.high).toBeCloseTo(10 + 3.5663, 3);
  });

  it('by hand: 1…6 at 95 %', () => {
    // mean 3.5, s² = 3.5; half = 2.5706 · 1.87083 · √(7/6) = 5.1944
    const interval = predictionInterval([1, 2, 3, 4, 5, 6], 0.95);
    expect(interval.low).toBeCloseTo(3.5 - 5.1944, 3);
    expect(interval.high).toBeCloseTo(3.5 + 5.1944, 3);
  });
});

describe('change points (E-divisive means, t-test significance)', () => {
  it('finds a step where it is', () => {
    const series = [10, 10.2, 9.9, 10.1, 10, 9.8, 10.3, 10, 15, 15.2, 14.9, 15.1, 15, 15.3, 14.8];
    const found = changePoints(series);
    expect(found.map((p) => p.index)).toEqual([8]);
    expect(found[0]!.before_mean).toBeCloseTo(10.0375, 4);
    expect(found[0]!.after_mean).toBeCloseTo(15.0429, 3);
  });

  it('finds two steps, and steps in long series searched in windows', () => {
    const normal = normalFrom(seededRandom(3));
    const series = Array.from(
      { length: 150 },
      (_, i) => (i < 50 ? 10 : i < 110 ? 14 : 9) + 0.3 * normal(),
    );
    expect(changePoints(series).map((p) => p.index)).toEqual([50, 110]);
  });

  it('finds none in a constant series, and rarely any in flat noise (30 seeds)', () => {
    expect(changePoints(Array(40).fill(5))).toEqual([]);
    let falseAlarms = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const normal = normalFrom(seededRandom(seed));
      const series = Array.from({ length: 40 }, () => 10 + normal());
      falseAlarms += changePoints(series).length;
    }
    expect(falseAlarms).toBeLessThanOrEqual(3);
  });

  it('is deterministic and unchanged by a positive affine change of units', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 100, noNaN: true }), { minLength: 6, maxLength: 40 }),
        fc.double({ min: 0.1, max: 1000, noNaN: true }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        (series, scale, shift) => {
          const a = changePoints(series).map((p) => p.index);
          expect(changePoints(series).map((p) => p.index)).toEqual(a);
          expect(changePoints(series.map((v) => v * scale + shift)).map((p) => p.index)).toEqual(
            a,
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('analyzeTrend', () => {
  it('says "insufficient data" below 5 earlier runs', () => {
    const trend = analyzeTrend('p95', points([10, 11, 10, 11, 30]));
    expect(trend.insufficient_data).toBe(true);
    expect(trend.recommendation).toMatch(/at least 5 earlier runs/);
  });

  it('flags a latest run above the prediction interval for latency', () => {
    const trend = analyzeTrend('p95', points([10, 10.5, 9.8, 10.2, 10.1, 9.9, 25]));
    expect(trend.insufficient_data).toBe(false);
    expect(trend.latest_position).toBe('above');
    expect(trend.recommendation).toMatch(/worse than the last 6 runs predict/);
  });

  it('higher is better for throughput: a drop is the regression', () => {
    const trend = analyzeTrend('throughput', points([500, 505, 498, 502, 501, 499, 300]), {
      higherIsBetter: true,
    });
    expect(trend.latest_position).toBe('below');
    expect(trend.recommendation).toMatch(/worse/);
  });

  it('gates against the runs since the last shift', () => {
    const before = [10, 10.1, 9.9, 10, 10.2, 9.8, 10, 10.1];
    const after = [20, 20.1, 19.9, 20, 20.2, 19.8];
    const trend = analyzeTrend('p95', points([...before, ...after, 20.1]));
    expect(trend.runs_considered).toBe(after.length);
    expect(trend.latest_position).toBe('within');
    expect(trend.change_points?.map((p) => p.run_id)).toEqual(['r8']);
  });
});
