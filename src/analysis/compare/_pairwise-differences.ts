import { seededRandom } from '../../random/index.js';

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
 * active differences left are gathered and quick-selected. Several ranks (the HL median and
 * its CI ranks lie close together) share the rounds that narrow around all of them. The seed
 * only steers the work: an unlucky sample costs a round, never the answer.
 */
export function pairwiseDifferences(
  x: Float64Array,
  y: Float64Array,
  tuning: SelectionTuning = {},
): { kth: (k: number) => number; orderStatistics: (ranks: readonly number[]) => number[] } {
  const n1 = x.length;
  const n2 = y.length;
  // Unsorted or non-finite values would break the matrix's order (Inf − Inf is NaN).
  for (const values of [x, y]) {
    for (let i = 0; i < values.length; i++) {
      if (!(Number.isFinite(values[i]!) && (i === 0 || values[i - 1]! <= values[i]!))) {
        throw new RangeError('pairwise differences need finite values in ascending order');
      }
    }
  }
  const w = new Float64Array(n1);
  for (let c = 0; c < n1; c++) w[c] = -x[n1 - 1 - c]!;
  const low = new Int32Array(n2); // columns below low[j]: ≤ the lower pivot, under the rank
  const high = new Int32Array(n2); // columns from high[j] on: ≥ the upper pivot, over it
  const counts = new Int32Array(n2);
  const gatherBelow = Math.max(1, tuning.gatherBelow ?? Math.max(4096, n1 + n2));
  const maxSample = Math.max(2, tuning.sampleSize ?? 16_384);

  /** Per-row counts of differences ≤ p (< p if strict) into `counts`; their total. */
  const countRows = (p: number, strict: boolean): number =>
    strict
      ? countUnder(p, n1, n2, y, w, low, high, counts)
      : countAtMost(p, n1, n2, y, w, low, high, counts);

  // The active set: row j's columns low[j] … high[j] − 1, all strictly between the pivots.
  let below = 0; // Σ low[j]: differences known to rank under the wanted ranks
  let notAbove = 0; // Σ high[j]
  let lowerPivot = -Infinity;
  let upperPivot = Infinity;
  const random = seededRandom(0x5eed);

  /** Keeps only differences above p (≤ p counted per row in `counts`). */
  function keepOver(p: number, atMost: number): undefined {
    low.set(counts);
    below = atMost;
    lowerPivot = p;
    return undefined;
  }
  /** Keeps only differences below p (< p counted per row in `counts`). */
  function keepUnder(p: number, under: number): undefined {
    high.set(counts);
    notAbove = under;
    upperPivot = p;
    return undefined;
  }

  /**
   * Narrows the active set on pivot p, keeping ranks kLo…kHi inside. Returns p when it is the
   * (single) wanted rank, 'split' when p falls among the wanted ranks (nothing changes).
   * `expectAbove`: p was chosen above the ranks, so the strict count comes first and one
   * count usually settles it.
   */
  function narrow(
    p: number,
    expectAbove: boolean,
    kLo: number,
    kHi: number,
  ): number | 'split' | undefined {
    let under = NaN;
    if (expectAbove) {
      under = countRows(p, true);
      if (under >= kHi) return keepUnder(p, under);
    }
    const atMost = countRows(p, false);
    if (atMost < kLo) return keepOver(p, atMost);
    if (!expectAbove) {
      under = countRows(p, true);
      if (under >= kHi) return keepUnder(p, under);
    }
    return kLo === kHi ? p : 'split';
  }

  /**
   * Rounds of sampling and narrowing around ranks kLo…kHi while they are a small part of the
   * active set. A single rank: its value if a pivot hit it, else undefined (then gather).
   */
  function narrowAround(kLo: number, kHi: number): number | undefined {
    for (;;) {
      const active = notAbove - below;
      if (active <= gatherBelow || (kHi - kLo) * 4 > active) return undefined;
      const size = Math.min(maxSample, active);
      // Positions in the active set, drawn then sorted so one walk down the rows finds them.
      const sample = new Float64Array(size);
      for (let t = 0; t < size; t++) sample[t] = Math.floor(random() * active);
      sample.sort();
      let before = 0; // active differences in the rows above j
      for (let j = 0, t = 0; j < n2 && t < size; j++) {
        const l = low[j]!;
        const end = before + high[j]! - l;
        const yj = y[j]!;
        while (t < size && sample[t]! < end) {
          // The offset is below the row's width: an int32 index, not a double (fast access).
          sample[t] = yj + w[l + ((sample[t]! - before) | 0)]!;
          t++;
        }
        before = end;
      }
      sample.sort();
      const spread = 1.5 * Math.sqrt(size) + 1; // three standard deviations of a sample rank
      const lowerIndex = Math.floor(((kLo - below) / active) * size - spread) - 1;
      const upperIndex = Math.ceil(((kHi - below) / active) * size + spread);
      const pivots = [
        [sample[Math.max(0, lowerIndex)]!, false],
        [sample[Math.min(size - 1, upperIndex)]!, true],
      ] as const;
      for (const [p, expectAbove] of pivots) {
        if (!(p > lowerPivot && p < upperPivot)) continue; // already outside the active set
        const outcome = narrow(p, expectAbove, kLo, kHi);
        if (outcome === 'split') return undefined;
        if (outcome !== undefined) return outcome;
      }
    }
  }

  /** The k-th difference from the current active set (which holds it). */
  function select(k: number): number {
    const hit = narrowAround(k, k);
    if (hit !== undefined) return hit;
    const active = new Float64Array(notAbove - below);
    let t = 0;
    for (let j = 0; j < n2; j++) {
      const yj = y[j]!;
      for (let c = low[j]!; c < high[j]!; c++) active[t++] = yj + w[c]!;
    }
    return quickselect(active, k - below - 1);
  }

  function orderStatistics(ranks: readonly number[]): number[] {
    for (const k of ranks) {
      if (!(Number.isInteger(k) && k >= 1 && k <= n1 * n2)) {
        throw new RangeError(`rank ${k} outside 1…${n1 * n2}`);
      }
    }
    if (ranks.length === 0) return [];
    low.fill(0);
    high.fill(n1);
    below = 0;
    notAbove = n1 * n2;
    lowerPivot = -Infinity;
    upperPivot = Infinity;
    narrowAround(Math.min(...ranks), Math.max(...ranks));
    // Each rank goes on from the shared state.
    const shared = {
      low: low.slice(),
      high: high.slice(),
      below,
      notAbove,
      lowerPivot,
      upperPivot,
    };
    const values: number[] = [];
    for (const [i, k] of ranks.entries()) {
      low.set(shared.low);
      high.set(shared.high);
      ({ below, notAbove, lowerPivot, upperPivot } = shared);
      values.push(ranks[i - 1] === k - 1 ? successor(values[i - 1]!, k) : select(k));
    }
    return values;
  }

  /** The k-th difference when the (k − 1)-th is v (both in the active set): one count. */
  function successor(v: number, k: number): number {
    if (countRows(v, false) >= k) return v;
    // Else the smallest active difference above v: each row's first column past its count.
    let next = Infinity;
    for (let j = 0; j < n2; j++) {
      const c = counts[j]!;
      if (c < high[j]!) next = Math.min(next, y[j]! + w[c]!);
    }
    return next;
  }

  return { kth: (k) => orderStatistics([k])[0]!, orderStatistics };
}

// The staircase counts, one function per comparison (monomorphic, arrays as arguments: the
// hot loop of the selection). Counts fall as j rises (rows ascend), so one column cursor
// walks down once, clamped to each row's active columns: O(n₁ + n₂).

function countAtMost(
  p: number,
  n1: number,
  n2: number,
  y: Float64Array,
  w: Float64Array,
  low: Int32Array,
  high: Int32Array,
  counts: Int32Array,
): number {
  let c = n1;
  let total = 0;
  for (let j = 0; j < n2; j++) {
    const h = high[j]!;
    if (c > h) c = h;
    const l = low[j]!;
    const yj = y[j]!;
    while (c > l && yj + w[c - 1]! > p) c--;
    counts[j] = c;
    total += c;
  }
  return total;
}

function countUnder(
  p: number,
  n1: number,
  n2: number,
  y: Float64Array,
  w: Float64Array,
  low: Int32Array,
  high: Int32Array,
  counts: Int32Array,
): number {
  let c = n1;
  let total = 0;
  for (let j = 0; j < n2; j++) {
    const h = high[j]!;
    if (c > h) c = h;
    const l = low[j]!;
    const yj = y[j]!;
    while (c > l && yj + w[c - 1]! >= p) c--;
    counts[j] = c;
    total += c;
  }
  return total;
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
