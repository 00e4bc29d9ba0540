/**
 * The statistics of `compare` as they were before the O(n log n) rewrite, frozen: the tests
 * hold the new code to their answers (Hodges–Lehmann to 1e-9, the bootstrap and Mann–Whitney
 * bit for bit) and `bench/compare-stats.bench.ts` times the new code against them.
 */
import { normalSf } from '../../src/analysis/compare/_normal.js';
import { quantileSorted } from '../../src/analysis/compare/bootstrap.js';
import { normalFrom, seededRandom } from '../../src/random/index.js';

/** Seeded log-normal latencies. */
export function logNormal(n: number, seed: number, median: number, sigma: number): Float64Array {
  const normal = normalFrom(seededRandom(seed));
  return Float64Array.from({ length: n }, () => Math.exp(Math.log(median) + sigma * normal()));
}

// Latencies as a coarse timer records them: few distinct values, ties everywhere.
export function oldKthDifference(x: Float64Array, y: Float64Array, k: number): number {
  const countAtMost = (d: number): number => {
    let count = 0;
    let i = 0;
    for (let j = 0; j < y.length; j++) {
      const bound = y[j]! - d;
      while (i < x.length && x[i]! < bound) i++;
      count += x.length - i;
    }
    return count;
  };
  let low = y[0]! - x[x.length - 1]!;
  let high = y[y.length - 1]! - x[0]!;
  if (countAtMost(low) >= k) return low;
  for (let step = 0; step < 200 && high - low > 1e-12 * Math.max(1, Math.abs(high)); step++) {
    const mid = low + (high - low) / 2;
    if (countAtMost(mid) >= k) high = mid;
    else low = mid;
  }
  return high;
}

export function oldBootstrapRatioCI(
  baselineSorted: Float64Array,
  currentSorted: Float64Array,
  statistics: Record<string, (sorted: Float64Array) => number>,
  options: { resamples?: number; confidence?: number; seed?: number; maxSample?: number } = {},
): Record<string, { ciLow: number; ciHigh: number; pValue: number }> {
  const resamples = options.resamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const random = seededRandom(options.seed ?? 42);
  const maxSample = options.maxSample ?? 10_000;
  const subsample = (sorted: Float64Array, size: number): Float64Array => {
    if (sorted.length <= size) return sorted;
    const picked = new Float64Array(size);
    for (let i = 0; i < size; i++) picked[i] = sorted[Math.floor(random() * sorted.length)]!;
    return picked.sort();
  };
  const resampleSorted = (source: Float64Array, indices: Uint32Array, out: Float64Array) => {
    const n = source.length;
    for (let i = 0; i < n; i++) indices[i] = Math.floor(random() * n);
    indices.sort();
    for (let i = 0; i < n; i++) out[i] = source[indices[i]!]!;
  };
  const a = subsample(baselineSorted, maxSample);
  const b = subsample(currentSorted, maxSample);
  const names = Object.keys(statistics);
  const ratios: Record<string, Float64Array> = {};
  for (const name of names) ratios[name] = new Float64Array(resamples);
  const bufferA = new Float64Array(a.length);
  const bufferB = new Float64Array(b.length);
  const indicesA = new Uint32Array(a.length);
  const indicesB = new Uint32Array(b.length);
  for (let r = 0; r < resamples; r++) {
    resampleSorted(a, indicesA, bufferA);
    resampleSorted(b, indicesB, bufferB);
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

/** The former Hodges–Lehmann ratio and 95 % CI: bisection on the value for each rank. */
export function oldHodgesLehmannLogRatio(
  baseline: ArrayLike<number>,
  current: ArrayLike<number>,
): { ratio: number; ciLow: number; ciHigh: number } {
  const sortedLogs = (values: ArrayLike<number>) =>
    Float64Array.from({ length: values.length }, (_, i) =>
      Math.log(Math.max(values[i]!, 1e-6)),
    ).sort();
  const x = sortedLogs(baseline);
  const y = sortedLogs(current);
  const pairs = x.length * y.length;
  const kth = (k: number) => oldKthDifference(x, y, k);
  const medianDifference =
    pairs % 2 === 1 ? kth((pairs + 1) / 2) : (kth(pairs / 2) + kth(pairs / 2 + 1)) / 2;
  const z = 1.959963984540054;
  const k = Math.max(
    1,
    Math.floor(pairs / 2 - z * Math.sqrt((pairs * (x.length + y.length + 1)) / 12)),
  );
  return {
    ratio: Math.exp(medianDifference),
    ciLow: Math.exp(kth(k)),
    ciHigh: Math.exp(kth(pairs - k + 1)),
  };
}

export function oldMannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>) {
  const n1 = x.length;
  const n2 = y.length;
  const n = n1 + n2;
  const values = new Float64Array(n);
  const fromX = new Uint8Array(n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n1; i++) values[i] = x[i]!;
  for (let j = 0; j < n2; j++) values[n1 + j] = y[j]!;
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
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) if (fromX[order[k]!]) rankSumX += averageRank;
    if (t > 1) tieTerm += t * t * t - t;
    start = end;
  }
  const u1 = rankSumX - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const mu = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const u = Math.max(u1, u2);
  if (!(sigma > 0)) return { u: u1, pValue: 1, z: 0 };
  const z = (u - mu - 0.5) / sigma;
  return { u: u1, pValue: Math.min(1, 2 * normalSf(z)), z };
}
