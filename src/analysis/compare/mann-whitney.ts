import { normalSf } from './_normal.js';

export interface MannWhitneyResult {
  /** U of the first sample (scipy's `statistic` with x = baseline). */
  u: number;
  /** Two-sided, asymptotic, tie- and continuity-corrected (scipy's `method="asymptotic"`). */
  pValue: number;
  z: number;
}

/**
 * Mann–Whitney U test, two-sided, normal approximation with tie correction and continuity
 * correction: the same figures as
 * `scipy.stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")`.
 * `x` and `y` need not be sorted; they are not modified.
 */
export function mannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Mann–Whitney U needs two non-empty samples');
  const n = n1 + n2;
  const { rankSumX, tieTerm } =
    isAscending(x) && isAscending(y) ? ranksOfSorted(x, y) : ranksBySorting(x, y);
  const u1 = rankSumX - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const mu = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const u = Math.max(u1, u2);
  // All values tied: no evidence of any difference.
  if (!(sigma > 0)) return { u: u1, pValue: 1, z: 0 };
  const z = (u - mu - 0.5) / sigma;
  return { u: u1, pValue: Math.min(1, 2 * normalSf(z)), z };
}

/** Rank sum of x and Σ (t³ − t) over groups of ties, by sorting x and y together. */
function ranksBySorting(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): { rankSumX: number; tieTerm: number } {
  const n1 = x.length;
  const n = n1 + y.length;
  // Sort values with their origin, then assign average ranks to ties.
  const values = new Float64Array(n);
  const fromX = new Uint8Array(n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n1; i++) values[i] = x[i]!;
  for (let j = 0; j < y.length; j++) values[n1 + j] = y[j]!;
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a]! - values[b]!);
  for (let i = 0; i < n1; i++) fromX[i] = 1;

  let rankSumX = 0;
  let tieTerm = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    const v = values[order[start]!]!;
    while (end < n && values[order[end]!]! === v) end++;
    const t = end - start;
    const averageRank = (start + 1 + end) / 2; // ranks start..end-1 are 1-based start+1..end
    for (let k = start; k < end; k++) if (fromX[order[k]!]) rankSumX += averageRank;
    if (t > 1) tieTerm += t * t * t - t;
    start = end;
  }
  return { rankSumX, tieTerm };
}

/**
 * The same figures from two ascending samples (what `compare` holds) by one merge, O(n),
 * instead of sorting 2n indices with a comparator. Bit-identical: the groups of ties come
 * in the same ascending order, and rank sums are exact (multiples of ½ far below 2⁵³).
 */
function ranksOfSorted(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): { rankSumX: number; tieTerm: number } {
  const n1 = x.length;
  const n2 = y.length;
  let rankSumX = 0;
  let tieTerm = 0;
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && x[i]! <= y[j]!) ? x[i]! : y[j]!;
    const start = i + j;
    let fromX = 0;
    while (i < n1 && x[i]! === v) {
      i++;
      fromX++;
    }
    while (j < n2 && y[j]! === v) j++;
    const end = i + j;
    const t = end - start;
    rankSumX += ((start + 1 + end) / 2) * fromX;
    if (t > 1) tieTerm += t * t * t - t;
  }
  return { rankSumX, tieTerm };
}

function isAscending(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (!(values[i - 1]! <= values[i]!)) return false;
  return true;
}
