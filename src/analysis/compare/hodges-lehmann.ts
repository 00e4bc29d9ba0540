import { normalQuantile } from './_normal.js';

/**
 * Hodges–Lehmann shift of `current` against `baseline` on log latency, as a ratio: the
 * median of all pairwise differences log(current_j) − log(baseline_i), exponentiated, with
 * its distribution-free confidence interval (Moses; order statistics of the same differences
 * at the normal-approximation ranks). Never builds the n₁·n₂ differences: the k-th smallest
 * is found by bisection on the value with a linear-time count over the two sorted samples.
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
  const median =
    pairs % 2 === 1
      ? kthDifference(x, y, (pairs + 1) / 2)
      : (kthDifference(x, y, pairs / 2) + kthDifference(x, y, pairs / 2 + 1)) / 2;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const k = Math.max(1, Math.floor(pairs / 2 - z * Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12)));
  return {
    ratio: Math.exp(median),
    ciLow: Math.exp(kthDifference(x, y, k)),
    ciHigh: Math.exp(kthDifference(x, y, pairs - k + 1)),
  };
}

function sortedLogs(values: ArrayLike<number>): Float64Array {
  // A latency of 0 (clock resolution) has no logarithm: floor it at 1 ns.
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.log(Math.max(values[i]!, 1e-6));
  return out.sort();
}

/** How many differences y_j − x_i are ≤ d (x, y ascending). */
function countAtMost(x: Float64Array, y: Float64Array, d: number): number {
  let count = 0;
  let i = 0;
  // For each y_j (ascending), x_i ≥ y_j − d is a suffix of x that shrinks as j grows.
  for (let j = 0; j < y.length; j++) {
    const bound = y[j]! - d;
    while (i < x.length && x[i]! < bound) i++;
    count += x.length - i;
  }
  return count;
}

/** The k-th smallest (1-based) of all differences y_j − x_i. */
function kthDifference(x: Float64Array, y: Float64Array, k: number): number {
  let low = y[0]! - x[x.length - 1]!;
  let high = y[y.length - 1]! - x[0]!;
  if (countAtMost(x, y, low) >= k) return low;
  // Bisection on the value; stops when the bracket holds no more distinct doubles that matter.
  for (let step = 0; step < 200 && high - low > 1e-12 * Math.max(1, Math.abs(high)); step++) {
    const mid = low + (high - low) / 2;
    if (countAtMost(x, y, mid) >= k) high = mid;
    else low = mid;
  }
  return high;
}
