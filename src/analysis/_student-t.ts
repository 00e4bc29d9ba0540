/**
 * Student's t distribution, from jstat (a well-kept statistics library): quantiles for the
 * trend gate's prediction interval and two-sided p-values for the change-point test.
 */
import { createRequire } from 'node:module';

interface StudentT {
  cdf(x: number, degreesOfFreedom: number): number;
  inv(p: number, degreesOfFreedom: number): number;
}
let loaded: StudentT | undefined;
/**
 * jstat's `jStat.studentt`, all we use of it (jstat is CommonJS without types), loaded on
 * first use: only the trend gate needs it, and loading it at start-up cost every command
 * (`perfsight report` among them) some 30 ms.
 */
function studentT(): StudentT {
  const require = createRequire(import.meta.url);
  return (loaded ??= (require('jstat') as { jStat: { studentt: StudentT } }).jStat.studentt);
}

/** The t value with `p` of the distribution below it. */
export function tQuantile(p: number, degreesOfFreedom: number): number {
  return studentT().inv(p, degreesOfFreedom);
}

/** Two-sided p-value of a t statistic. */
export function tTwoSidedP(t: number, degreesOfFreedom: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? 1 : 0;
  return Math.min(1, 2 * (1 - studentT().cdf(Math.abs(t), degreesOfFreedom)));
}

export function meanAndSampleVariance(values: readonly number[]): {
  mean: number;
  variance: number;
} {
  const n = values.length;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, variance: n > 1 ? squares / (n - 1) : 0 };
}

/**
 * Student's two-sample t-test with pooled variance, two-sided. Pooled rather than Welch:
 * the change-point search picks splits where a short segment happens to be tight, and
 * Welch's test then trusts that tiny variance and cries wolf; under "no change" the runs
 * share one noise level, which is what pooling assumes. Two constant samples with different
 * means are an unmistakable shift (p = 0); identical constant samples, none (p = 1).
 */
export function studentTTest(a: readonly number[], b: readonly number[]): { t: number; p: number } {
  const x = meanAndSampleVariance(a);
  const y = meanAndSampleVariance(b);
  const df = a.length + b.length - 2;
  const pooled = ((a.length - 1) * x.variance + (b.length - 1) * y.variance) / df;
  const se = Math.sqrt(pooled * (1 / a.length + 1 / b.length));
  if (se === 0) return x.mean === y.mean ? { t: 0, p: 1 } : { t: Infinity, p: 0 };
  const t = (y.mean - x.mean) / se;
  return { t, p: tTwoSidedP(t, df) };
}
