import { normalQuantile } from './_normal.js';
import { pairwiseDifferences } from './_pairwise-differences.js';

/**
 * Hodges–Lehmann shift of `current` against `baseline` on log latency, as a ratio: the
 * median of all pairwise differences log(current_j) − log(baseline_i), exponentiated, with
 * its distribution-free confidence interval (Moses; order statistics of the same differences
 * at the normal-approximation ranks). Never builds the n₁·n₂ differences: each order
 * statistic is selected exactly from the implicit sorted matrix in O((n₁ + n₂) log(n₁n₂))
 * (see `pairwiseDifferences`), so it is a real difference of two samples.
 */
export function hodgesLehmannLogRatio(
  baseline: ArrayLike<number>,
  current: ArrayLike<number>,
  confidence = 0.95,
): { ratio: number; ciLow: number; ciHigh: number } {
  const x = sortedLogs(baseline);
  const y = sortedLogs(current);
  const n1 = x.length;
  const n2 = y.length;
  const pairs = n1 * n2;
  // No sample, or a latency with no finite logarithm (NaN, Infinity): no finite shift.
  if (pairs === 0 || !Number.isFinite(x[0]! + x[n1 - 1]! + y[0]! + y[n2 - 1]!)) {
    return { ratio: NaN, ciLow: NaN, ciHigh: NaN };
  }
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const k = Math.max(1, Math.floor(pairs / 2 - z * Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12)));
  const middle = pairs % 2 === 1 ? [(pairs + 1) / 2] : [pairs / 2, pairs / 2 + 1];
  const [ciLow, ciHigh, ...centre] = pairwiseDifferences(x, y).orderStatistics([
    k,
    pairs - k + 1,
    ...middle,
  ]);
  const median = centre.length === 1 ? centre[0]! : (centre[0]! + centre[1]!) / 2;
  return { ratio: Math.exp(median), ciLow: Math.exp(ciLow!), ciHigh: Math.exp(ciHigh!) };
}

function sortedLogs(values: ArrayLike<number>): Float64Array {
  // A latency of 0 (clock resolution) has no logarithm: floor it at 1 ns.
  const out = new Float64Array(values.length);
  let ascending = true;
  for (let i = 0; i < values.length; i++) {
    out[i] = Math.log(Math.max(values[i]!, 1e-6));
    if (i > 0 && out[i]! < out[i - 1]!) ascending = false;
  }
  // `compare` passes sorted latencies: their logs need no second sort (checked, not assumed).
  return ascending ? out : out.sort();
}
