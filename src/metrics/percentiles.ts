import type { DecimalGrid } from './_sort.js';

/**
 * numpy's default (`method="linear"`, Hyndman & Fan type 7) percentile of an ascending
 * array: h = (n − 1)·p/100, then interpolate between the neighbours of h.
 */
export function percentileLinear(sorted: ArrayLike<number>, percentile: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const { lo, fraction } = rankOf(n, percentile);
  const below = sorted[lo]!;
  if (lo + 1 >= n) return below;
  return interpolate(below, sorted[lo + 1]!, fraction);
}

/** Where `percentile` falls among `n` ascending values: `fraction` of the way from [lo] on. */
export function rankOf(n: number, percentile: number): { lo: number; fraction: number } {
  const h = ((n - 1) * percentile) / 100;
  const lo = Math.floor(h);
  return { lo, fraction: h - lo };
}

/** numpy's lerp form: exact at both ends and monotone in `fraction`. */
export function interpolate(below: number, above: number, fraction: number): number {
  const diff = above - below;
  return fraction >= 0.5 ? above - diff * (1 - fraction) : below + diff * fraction;
}

/**
 * A percentile read from a histogram, kept within the latencies actually recorded. What
 * HdrHistogram reports for a percentile is the highest value of its bucket, which can lie
 * above the largest latency seen (a p99.9 above the max), and rounding to the microsecond or
 * clamping to the trackable range can put it below the smallest. `min > max` (nothing seen)
 * leaves the value as it is. Exact (numpy) percentiles never need this: they interpolate
 * between recorded values.
 */
export function withinObserved(value: number, min: number, max: number): number {
  if (!(min <= max)) return value;
  return value < min ? min : value > max ? max : value;
}

/**
 * Mean and population standard deviation (numpy's `np.std`, ddof = 0), two-pass. Values
 * beyond 1e150 would overflow the squares (and a few near 1e308 the sum) to Infinity, so
 * then everything is computed in units of the largest value and scaled back: the figures
 * stay finite for any finite input.
 */
export function meanAndStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, std: 0 };
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(values[i]!));
  return meanAndStdScaled(values, largest);
}

/**
 * `meanAndStd` of ascending values, the same figures bit for bit: the largest magnitude is
 * at one end, so the pass that looks for it is not needed.
 */
export function meanAndStdOfSorted(sorted: Float64Array): { mean: number; std: number } {
  const n = sorted.length;
  if (n === 0) return { mean: 0, std: 0 };
  // Math.max as in meanAndStd: NaN (sorted last) wins, +0 starts it.
  const largest = Math.max(0, Math.abs(sorted[0]!), Math.abs(sorted[n - 1]!));
  if (largest > 1e150) return meanAndStdScaled(sorted, largest);
  // meanAndStdScaled's loops for a scale of 1, over a Float64Array only: the JIT then reads
  // it as such (its ArrayLike loops run several times slower on a million values). Each loop
  // is a function of its own, compiled whole: compiled mid-loop, this function's code met
  // the lines after the loop unprepared and was thrown away, in every run.
  const mean = sumOf(sorted) / n;
  const squares = squaredDeviations(sorted, mean);
  return { mean: Math.min(mean, largest), std: Math.sqrt(squares / n) };
}

/**
 * The figures of the values a grid holds (ascending, see `DecimalGrid`): the mean and the
 * standard deviation of `meanAndStdOfSorted`, bit for bit — each value added as often as it
 * comes, in the same order — and the values at `indices` of that order (ascending, each
 * below the length), found in the same read of the counts. No grid value is beyond 2^51.
 */
export function gridFigures(
  grid: DecimalGrid,
  indices: readonly number[],
): { mean: number; std: number; at: number[] } {
  const n = grid.length;
  const at: number[] = [];
  if (n === 0) return { mean: 0, std: 0, at };
  const largest = (grid.low + grid.counts.length - 1) / grid.scale;
  const mean = sumOnGrid(grid, indices, at) / n;
  const squares = squaredDeviationsOnGrid(grid, mean);
  return { mean: Math.min(mean, largest), std: Math.sqrt(squares / n), at };
}

/** The grid's values' sum, added in order; the values at `indices` pushed to `at`. */
function sumOnGrid({ low, scale, counts }: DecimalGrid, indices: readonly number[], at: number[]) {
  let sum = 0;
  let end = 0;
  for (let k = 0; k < counts.length; k++) {
    const times = counts[k]!;
    if (times === 0) continue;
    const value = (low + k) / scale;
    end += times;
    while (at.length < indices.length && indices[at.length]! < end) at.push(value);
    for (let i = 0; i < times; i++) sum += value;
  }
  return sum;
}

/** The sum of the grid's values' squared deviations from `mean`, added in order. */
function squaredDeviationsOnGrid({ low, scale, counts }: DecimalGrid, mean: number): number {
  let squares = 0;
  for (let k = 0; k < counts.length; k++) {
    const times = counts[k]!;
    if (times === 0) continue;
    const square = ((low + k) / scale - mean) ** 2;
    for (let i = 0; i < times; i++) squares += square;
  }
  return squares;
}

/** The values' sum, added in order. */
function sumOf(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum;
}

/** The sum of the values' squared deviations from `mean`, added in order. */
function squaredDeviations(values: Float64Array, mean: number): number {
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return squares;
}

function meanAndStdScaled(
  values: ArrayLike<number>,
  largest: number,
): { mean: number; std: number } {
  const n = values.length;
  const scale = largest > 1e150 ? largest : 1;
  let sum = 0;
  let squares = 0;
  if (scale === 1) {
    // x / 1 is x for every double: the same sums without a division per value.
    for (let i = 0; i < n; i++) sum += values[i]!;
    const mean = sum / n;
    for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
    return { mean: Math.min(mean, largest), std: Math.sqrt(squares / n) };
  }
  for (let i = 0; i < n; i++) sum += values[i]! / scale;
  const mean = sum / n;
  for (let i = 0; i < n; i++) squares += (values[i]! / scale - mean) ** 2;
  // A mean of equal huge values can land an ulp above them; the mean never exceeds the max.
  return { mean: Math.min(mean * scale, largest), std: Math.sqrt(squares / n) * scale };
}

/**
 * Running sums of latencies are kept scaled by 2^-64 (exact: a power of two), so huge but
 * finite latencies cannot overflow them to Infinity.
 */
export const SUM_SCALE = 2 ** -64;
