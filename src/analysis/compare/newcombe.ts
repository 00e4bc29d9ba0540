import { normalQuantile, normalSf } from './_normal.js';

/** Wilson score interval of a proportion. */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): [number, number] {
  if (n === 0) return [0, 1];
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / n;
  const denominator = 1 + (z * z) / n;
  const center = (p + (z * z) / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/**
 * Difference of two proportions, current − baseline, with Newcombe's hybrid score interval
 * (his method 10, built from the two Wilson intervals) and the two-sided p-value of the
 * pooled two-proportion z-test.
 */
export function newcombeDifferenceCI(
  baselineEvents: number,
  baselineTotal: number,
  currentEvents: number,
  currentTotal: number,
  confidence = 0.95,
): { difference: number; ciLow: number; ciHigh: number; pValue: number } {
  const p1 = baselineEvents / baselineTotal;
  const p2 = currentEvents / currentTotal;
  const [l1, u1] = wilsonInterval(baselineEvents, baselineTotal, confidence);
  const [l2, u2] = wilsonInterval(currentEvents, currentTotal, confidence);
  const difference = p2 - p1;
  const pooled = (baselineEvents + currentEvents) / (baselineTotal + currentTotal);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / baselineTotal + 1 / currentTotal));
  const pValue =
    se > 0 ? Math.min(1, 2 * normalSf(Math.abs(difference) / se)) : difference === 0 ? 1 : 0;
  return {
    difference,
    ciLow: difference - Math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2),
    ciHigh: difference + Math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2),
    pValue,
  };
}
