import { seededRandom } from '../../workloads/random.js';

/** Knobs of the selection; they change only its speed, never its answer (tests force many rounds). */
export interface SelectionTuning {
  /** Active differences sampled per round to choose the two pivots. */
  sampleSize?: number;
  /** At most this many active differences left: gather them and select directly. */
  gatherBelow?: number;
}

/**
 * Order statistics of the n₁·n₂ differences y_j − x_i of two ascending samples, without
 * building them: an exact selection over the implicit sorted matrix (Monahan 1984, ACM
 * Algorithm 616; Johnson & Mizoguchi 1978). Row j holds y_j + w_c with w = −x reversed, so
 * rows and columns ascend (y_j + (−x_i) is y_j − x_i bit for bit: the answer is one of the
 * real differences, never an interpolated bracket). Each row keeps active column bounds;
 * a round samples active differences (seeded: same data, same work), takes two sample order
 * statistics that bracket the wanted rank with high probability (Floyd–Rivest), and one
 * staircase count per pivot — O(n₁ + n₂) — discards every row's columns outside them. A
 * round shrinks the active set ~40×, so a 10¹² matrix needs a handful of counts; the few
 * active differences left are gathered and quick-selected. The seed only steers the work:
 * an unlucky sample costs a round, never the answer.
 */
export function pairwiseDifferences(
  x: Float64Array,
  y: Float64Array,
  tuning: SelectionTuning = {},
): { kth: (k: number) => number } {
  const n1 = x.length;
  const n2 = y.length;
  const w = new Float64Array(n1);
  for (let c = 0; c < n1; c++) w[c] = -x[n1 - 1 - c]!;
  const low = new Int32Array(n2); // columns below low[j]: ≤ the lower pivot, under the rank
  const high = new Int32Array(n2); // columns from high[j] on: ≥ the upper pivot, over it
  const counts = new Int32Array(n2);
  const cumulative = new Float64Array(n2 + 1);
  const gatherBelow = Math.max(1, tuning.gatherBelow ?? Math.max(4096, n1 + n2));
  const maxSample = Math.max(2, tuning.sampleSize ?? 16_384);

  /** Per-row counts of differences ≤ p (< p if strict) into `counts`; their total. */
  function countRows(p: number, strict: boolean): number {
    // Counts fall as j rises (rows ascend), so one column cursor walks down once: O(n₁ + n₂).
    let c = n1;
    let total = 0;
    for (let j = 0; j < n2; j++) {
      if (c > high[j]!) c = high[j]!;
      const l = low[j]!;
      const yj = y[j]!;
      if (strict) while (c > l && yj + w[c - 1]! >= p) c--;
      else while (c > l && yj + w[c - 1]! > p) c--;
      counts[j] = c;
      total += c;
    }
    return total;
  }

  function kth(k: number): number {
    if (!(k >= 1 && k <= n1 * n2)) throw new RangeError(`rank ${k} outside 1…${n1 * n2}`);
    low.fill(0);
    high.fill(n1);
    let below = 0; // Σ low[j]
    let notAbove = n1 * n2; // Σ high[j]
    let lowerPivot = -Infinity;
    let upperPivot = Infinity;
    const random = seededRandom(0x5eed);

    /** Narrows on pivot p (strictly between the pivots so far); p itself if it is the k-th. */
    function narrow(p: number): number | undefined {
      const atMost = countRows(p, false);
      if (atMost < k) {
        low.set(counts);
        below = atMost;
        lowerPivot = p;
        return undefined;
      }
      const under = countRows(p, true);
      if (under < k) return p;
      high.set(counts);
      notAbove = under;
      upperPivot = p;
      return undefined;
    }

    while (notAbove - below > gatherBelow) {
      const active = notAbove - below;
      const size = Math.min(maxSample, active);
      const sample = new Float64Array(size);
      cumulative[0] = 0;
      for (let j = 0; j < n2; j++) cumulative[j + 1] = cumulative[j]! + high[j]! - low[j]!;
      for (let t = 0; t < size; t++) {
        const at = Math.floor(random() * active);
        let a = 0;
        let b = n2; // the row j with cumulative[j] ≤ at < cumulative[j + 1]
        while (b - a > 1) {
          const mid = (a + b) >>> 1;
          if (cumulative[mid]! <= at) a = mid;
          else b = mid;
        }
        const column = Math.min(low[a]! + (at - cumulative[a]!), high[a]! - 1);
        sample[t] = y[a]! + w[column]!;
      }
      sample.sort();
      const expected = ((k - below) / active) * size;
      const spread = 1.5 * Math.sqrt(size) + 1; // three standard deviations of a sample rank
      const lowerIndex = Math.max(0, Math.floor(expected - spread) - 1);
      const upperIndex = Math.min(size - 1, Math.ceil(expected + spread));
      for (const p of [sample[lowerIndex]!, sample[upperIndex]!]) {
        if (!(p > lowerPivot && p < upperPivot)) continue; // already outside the active set
        const found = narrow(p);
        if (found !== undefined) return found;
      }
    }

    const active = new Float64Array(notAbove - below);
    let t = 0;
    for (let j = 0; j < n2; j++) {
      const yj = y[j]!;
      for (let c = low[j]!; c < high[j]!; c++) active[t++] = yj + w[c]!;
    }
    return quickselect(active, k - below - 1);
  }

  return { kth };
}

/** The value of 0-based rank `index` in `values` (reordered in place), median-of-three Hoare. */
export function quickselect(values: Float64Array, index: number): number {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    // Median of three as pivot: sorted data (common: differences of sorted rows) stays O(n).
    let a = values[left]!;
    let b = values[mid]!;
    const c = values[right]!;
    if (a > b) [a, b] = [b, a];
    const pivot = c < a ? a : c > b ? b : c;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i] = values[j]!;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (index <= j) right = j;
    else if (index >= i) left = i;
    else return values[index]!;
  }
  return values[index]!;
}
