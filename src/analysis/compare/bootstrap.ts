import { SeededStream } from '../../random/index.js';

/** Figures of one sample, computed from its sorted values. */
export type SortedStatistic = (sorted: Float64Array) => number;

/**
 * Seeded percentile-bootstrap CI of ratios current/baseline for several statistics at once
 * (one resample of each run feeds every statistic), plus a two-sided bootstrap p-value for
 * "ratio = 1". Samples larger than `maxSample` are first reduced to a seeded random subsample
 * of that size: the CI is then wider than the full data would give, never narrower.
 */
export function bootstrapRatioCI(
  baselineSorted: Float64Array,
  currentSorted: Float64Array,
  statistics: Record<string, SortedStatistic>,
  options: { resamples?: number; confidence?: number; seed?: number; maxSample?: number } = {},
): Record<string, { ciLow: number; ciHigh: number; pValue: number }> {
  const resamples = options.resamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const stream = new SeededStream(options.seed ?? 42);
  const random = () => stream.next();
  const maxSample = options.maxSample ?? 10_000;
  const a = subsample(baselineSorted, maxSample, random);
  const b = subsample(currentSorted, maxSample, random);
  const names = Object.keys(statistics);
  const ratios: Record<string, Float64Array> = {};
  for (const name of names) ratios[name] = new Float64Array(resamples);
  // Every resample reuses the same buffers: no allocation inside the loop.
  const bufferA = new Float64Array(a.length);
  const bufferB = new Float64Array(b.length);
  const timesA = new Uint32Array(a.length);
  const timesB = new Uint32Array(b.length);
  for (let r = 0; r < resamples; r++) {
    resampleSorted(a, timesA, bufferA, stream);
    resampleSorted(b, timesB, bufferB, stream);
    for (const name of names) {
      const statistic = statistics[name]!;
      ratios[name]![r] = statistic(bufferB) / statistic(bufferA);
    }
  }
  const result: Record<string, { ciLow: number; ciHigh: number; pValue: number }> = {};
  for (const name of names) {
    const sorted = ratios[name]!.sort();
    const tail = (1 - confidence) / 2;
    let below = 0;
    let above = 0;
    for (const v of sorted) {
      if (v <= 1) below++;
      if (v >= 1) above++;
    }
    result[name] = {
      ciLow: quantileSorted(sorted, tail),
      ciHigh: quantileSorted(sorted, 1 - tail),
      pValue: Math.min(1, (2 * Math.min(below, above) + 1) / (resamples + 1)),
    };
  }
  return result;
}

/**
 * Resamples with replacement, sorted: the n seeded draws of an index are tallied (a counting
 * sort, O(n)) and each source value is written as many times as it was drawn. The source is
 * ascending, so this is the resample in ascending order, identical to sorting the drawn
 * indices — without the O(n log n) sort per resample that used to dominate `compare`.
 */
function resampleSorted(
  source: Float64Array,
  times: Uint32Array,
  out: Float64Array,
  stream: SeededStream,
): void {
  const n = source.length;
  times.fill(0);
  stream.tally(times, n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const value = source[i]!;
    for (let t = times[i]!; t > 0; t--) out[at++] = value;
  }
}

function subsample(sorted: Float64Array, size: number, random: () => number): Float64Array {
  if (sorted.length <= size) return sorted;
  const picked = new Float64Array(size);
  for (let i = 0; i < size; i++) picked[i] = sorted[Math.floor(random() * sorted.length)]!;
  return picked.sort();
}

/** numpy's linear-rule quantile of ascending values (q in 0…1). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function meanOf(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}
