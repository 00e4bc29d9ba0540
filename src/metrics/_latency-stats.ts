import type { LogLinearCounts } from './_log-linear.js';
import { meanAndStdOfSorted, percentileLinear, withinObserved } from './percentiles.js';
import { ZERO_PERCENTILES, type LatencyPercentiles } from './types.js';

/** The seed's latency bins (ms, lower edges); the last one is open-ended. */
export const SEED_BINS = [0, 10, 20, 50, 100, 200, 500, 1000] as const;

/** Percentiles with numpy's linear rule over every latency, ascending. */
export function exactPercentiles(sorted: Float64Array): LatencyPercentiles {
  if (sorted.length === 0) return { ...ZERO_PERCENTILES };
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
export function binExact(sorted: Float64Array): number[] {
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
