import type { LogLinearCounts } from './_log-linear.js';
import {
  gridFigures,
  interpolate,
  meanAndStdOfSorted,
  percentileLinear,
  rankOf,
  withinObserved,
} from './percentiles.js';
import type { DecimalGrid } from './_sort.js';
import { ZERO_PERCENTILES, type LatencyPercentiles } from './types.js';

/** The seed's latency bins (ms, lower edges); the last one is open-ended. */
export const SEED_BINS = [0, 10, 20, 50, 100, 200, 500, 1000] as const;

/**
 * Latencies in ascending order: an array, or counts on a decimal grid (a run's, read from a
 * file) that were never written out. Either gives the same figures, bit for bit.
 */
export type Ascending = Float64Array | DecimalGrid;

/** Percentiles with numpy's linear rule over every latency, ascending. */
export function exactPercentiles(sorted: Ascending): LatencyPercentiles {
  if (sorted.length === 0) return { ...ZERO_PERCENTILES };
  if (!(sorted instanceof Float64Array)) return gridPercentiles(sorted);
  const { mean, std } = meanAndStdOfSorted(sorted);
  return {
    p50: percentileLinear(sorted, 50),
    p90: percentileLinear(sorted, 90),
    p95: percentileLinear(sorted, 95),
    p99: percentileLinear(sorted, 99),
    p999: percentileLinear(sorted, 99.9),
    avg: mean,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    std,
  };
}

/**
 * `exactPercentiles` of a grid's values: `percentileLinear`'s neighbours found in the read of
 * the counts that sums them.
 */
function gridPercentiles(grid: DecimalGrid): LatencyPercentiles {
  const n = grid.length;
  const ranks = [50, 90, 95, 99, 99.9].map((p) => rankOf(n, p));
  // Each neighbour once, in order: the percentiles' neighbours can interleave (1 and 0, 1).
  const indices = [...new Set(ranks.flatMap(({ lo }) => [lo, Math.min(lo + 1, n - 1)]))].sort(
    (a, b) => a - b,
  );
  const { mean, std, at } = gridFigures(grid, indices);
  const valueAt = (index: number) => at[indices.indexOf(index)]!;
  const [p50, p90, p95, p99, p999] = ranks.map(({ lo, fraction }) =>
    lo + 1 >= n ? valueAt(lo) : interpolate(valueAt(lo), valueAt(lo + 1), fraction),
  );
  return {
    p50: p50!,
    p90: p90!,
    p95: p95!,
    p99: p99!,
    p999: p999!,
    avg: mean,
    min: grid.low / grid.scale,
    max: (grid.low + grid.counts.length - 1) / grid.scale,
    std,
  };
}

// SUM_SCALE lives with the numeric helpers (percentiles.ts): the timeline needs it, and
// importing it from here made a cycle (this file imports types.ts, which imports the
// timeline's ThroughputPoint).
export { SUM_SCALE } from './percentiles.js';

/** The mean of `count` latencies from their scaled sum, never above their max. */
export function meanOfScaledSum(scaledSum: number, count: number, max: number): number {
  return count > 0 ? Math.min((scaledSum / count) * 2 ** 64, max) : 0;
}

/**
 * Percentiles from the histogram, within the exact minimum and maximum; mean, min and max
 * from exact running figures (`scaledSum` in SUM_SCALE units).
 */
export function histogramPercentiles(
  counts: LogLinearCounts,
  exact: { scaledSum: number; min: number; max: number },
): LatencyPercentiles {
  if (counts.totalCount === 0) return { ...ZERO_PERCENTILES };
  const at = (p: number) => withinObserved(counts.percentileMs(p), exact.min, exact.max);
  return {
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    avg: meanOfScaledSum(exact.scaledSum, counts.totalCount, exact.max),
    min: exact.min,
    max: exact.max,
    std: counts.meanAndStdMs().std,
  };
}

/**
 * Counts per seed bin: bins[i] ≤ latency < bins[i + 1] (the first bin also holds anything
 * below 0, the last anything from 1000 on). The latencies are sorted, so each bin is a run
 * of them found by binary search: no pass over a million samples.
 */
export function binExact(sorted: Ascending): number[] {
  if (!(sorted instanceof Float64Array)) return binGrid(sorted);
  const counts: number[] = [];
  let from = 0;
  for (let i = 1; i < SEED_BINS.length; i++) {
    const to = countBelow(sorted, SEED_BINS[i]!);
    counts.push(to - from);
    from = to;
  }
  counts.push(sorted.length - from);
  return counts;
}

/**
 * `binExact` of a grid's values: where each edge falls on the grid is found by bisection
 * (the very comparison `countBelow` makes), the counts between are added up.
 */
function binGrid(grid: DecimalGrid): number[] {
  const { counts } = grid;
  const bins: number[] = [];
  let from = 0;
  for (let i = 1; i <= SEED_BINS.length; i++) {
    const to = i < SEED_BINS.length ? stepsBelow(grid, SEED_BINS[i]!) : counts.length;
    let count = 0;
    for (let k = from; k < to; k++) count += counts[k]!;
    bins.push(count);
    from = to;
  }
  return bins;
}

/** How many of the grid's steps hold values below `edge`. */
function stepsBelow({ low, scale, counts }: DecimalGrid, edge: number): number {
  let below = 0;
  let above = counts.length;
  while (below < above) {
    const mid = (below + above) >>> 1;
    if ((low + mid) / scale < edge) below = mid + 1;
    else above = mid;
  }
  return below;
}

/** How many of the ascending `sorted` are below `edge` (NaN, sorted last, never is). */
function countBelow(sorted: Float64Array, edge: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < edge) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function binHistogram(histogram: LogLinearCounts): number[] {
  const counts: number[] = SEED_BINS.map(() => 0);
  histogram.forEachNonZero((us, count) => (counts[binOf(us / 1000)]! += count));
  return counts;
}

function binOf(latencyMs: number): number {
  let i = SEED_BINS.length - 1;
  while (i > 0 && latencyMs < SEED_BINS[i]!) i--;
  return i;
}
