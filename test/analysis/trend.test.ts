import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tQuantile, studentTTest } from '../../src/analysis/_student-t.js';
import { analyzeTrend, changePoints, predictionInterval } from '../../src/analysis/trend.js';
import { normalFrom, seededRandom } from '../../src/random/index.js';

const points = (values: number[]) => values.map((value, i) => ({ runId: `r${i}`, value }));

describe('Student t', () => {
  it('matches the printed table of quantiles', () => {
    // Two-sided critical values from any statistics textbook's t table.
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(tQuantile(0.975, 4)).toBeCloseTo(2.776, 3);
    expect(tQuantile(0.995, 4)).toBeCloseTo(4.604, 3);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(tQuantile(0.95, 30)).toBeCloseTo(1.697, 3);
    expect(tQuantile(0.995, 1)).toBeCloseTo(63.657, 3);
    expect(tQuantile(0.995, 2)).toBeCloseTo(9.925, 3);
    expect(tQuantile(0.975, 3)).toBeCloseTo(3.182, 3);
    expect(tQuantile(0.9995, 5)).toBeCloseTo(6.869, 3);
    expect(tQuantile(0.995, 60)).toBeCloseTo(2.66, 3);
    expect(tQuantile(0.975, 120)).toBeCloseTo(1.98, 3);
  });

  it('matches the closed forms for 1 and 2 degrees of freedom to 1e-7', () => {
    // df 1 is Cauchy: t = tan(π(p − ½)); df 2: t = (2p − 1) / √(2p(1 − p)).
    fc.assert(
      fc.property(fc.double({ min: 0.5005, max: 0.9995, noNaN: true }), (p) => {
        const cauchy = Math.tan(Math.PI * (p - 0.5));
        const two = (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
        expect(Math.abs(tQuantile(p, 1) - cauchy)).toBeLessThan(1e-7 * Math.max(1, cauchy));
        expect(Math.abs(tQuantile(p, 2) - two)).toBeLessThan(1e-7 * Math.max(1, two));
        // Symmetry: the lower quantile is the negated upper one.
        expect(tQuantile(1 - p, 7)).toBeCloseTo(-tQuantile(p, 7), 6);
      }),
      { numRuns: 200 },
    );
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

describe('prediction interval properties', () => {
  const series = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), {
    minLength: 5,
    maxLength: 64,
  });

  it('is centred on the mean, moves with a shift, and widens with the confidence', () => {
    fc.assert(
      fc.property(series, fc.double({ min: -1e3, max: 1e3, noNaN: true }), (values, shift) => {
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        const i95 = predictionInterval(values, 0.95);
        const i99 = predictionInterval(values, 0.99);
        const tolerance = 1e-6 * (1 + Math.abs(mean) + i99.high - i99.low);
        expect(Math.abs((i95.low + i95.high) / 2 - mean)).toBeLessThan(tolerance);
        expect(i99.low).toBeLessThanOrEqual(i95.low + tolerance);
        expect(i99.high).toBeGreaterThanOrEqual(i95.high - tolerance);
        const moved = predictionInterval(
          values.map((v) => v + shift),
          0.99,
        );
        expect(Math.abs(moved.low - (i99.low + shift))).toBeLessThan(
          tolerance + 1e-9 * Math.abs(shift),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('covers a new draw from the same normal distribution about 99 % of the time', () => {
    // 2000 trials of 10 past runs + 1 new one: misses ~ Binomial(2000, 0.01), mean 20, sd 4.5.
    const normal = normalFrom(seededRandom(11));
    let misses = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const past = Array.from({ length: 10 }, () => 50 + 5 * normal());
      const next = 50 + 5 * normal();
      const interval = predictionInterval(past, 0.99);
      if (next < interval.low || next > interval.high) misses++;
    }
    expect(misses).toBeGreaterThanOrEqual(5);
    expect(misses).toBeLessThanOrEqual(40);
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

  it('finds a clean step wherever it is, and nothing in any constant series', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 64 }),
        fc.double({ min: 0.01, max: 1e4, noNaN: true }),
        fc.double({ min: 0.1, max: 1e3, noNaN: true }),
        fc.nat(),
        (length, level, step, at) => {
          expect(changePoints(Array(length).fill(level))).toEqual([]);
          const index = 3 + (at % (length - 5));
          const series = Array.from({ length }, (_, i) => (i < index ? level : level + step));
          const found = changePoints(series);
          expect(found.map((p) => p.index)).toEqual([index]);
          expect(found[0]!.before_mean).toBeCloseTo(level, 6);
        },
      ),
      { numRuns: 200 },
    );
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
          expect(changePoints(series.map((v) => v * scale + shift)).map((p) => p.index)).toEqual(a);
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
    expect(trend.recommendation).toMatch(
      /^Collect historical data for trend analysis: .* at least 5 earlier runs .*\(have 4\)/,
    );
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

  it('uses at most the 64 runs before the newest', () => {
    const normal = normalFrom(seededRandom(5));
    const trend = analyzeTrend('p95', points(Array.from({ length: 100 }, () => 20 + normal())));
    expect(trend.insufficient_data).toBe(false);
    expect(trend.runs_considered).toBeLessThanOrEqual(64);
    expect(trend.prediction_interval!.confidence).toBe(0.99);
  });

  it('five earlier runs are enough', () => {
    const trend = analyzeTrend('p95', points([10, 11, 10, 11, 10, 10.5]));
    expect(trend.insufficient_data).toBe(false);
    expect(trend.runs_considered).toBe(5);
    expect(trend.latest_position).toBe('within');
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
