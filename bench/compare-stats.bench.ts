/**
 * `compare`'s statistics on two 1 M-sample runs: the Hodges–Lehmann shift with its CI and the
 * percentile bootstrap, today's code against a frozen copy of the former algorithms (bisection
 * on the value with a linear count per step; a sort of the drawn indices per resample), in the
 * same process, interleaved, median of repetitions. Also checks that both give the same
 * figures (HL to 1e-9 relative, the bootstrap bit for bit).
 */
import { bootstrapRatioCI, hodgesLehmannLogRatio, mannWhitneyU } from '../src/analysis/index.js';
import { normalSf } from '../src/analysis/compare/_normal.js';
import { meanOf, quantileSorted } from '../src/analysis/compare/bootstrap.js';
import { normalFrom, seededRandom } from '../src/workloads/random.js';
import { collectGarbage, median, round } from './_stats.js';

const SAMPLES = 1_000_000;
const REPETITIONS = 3;

type Interval = { ratio?: number; ciLow?: number; ciHigh?: number; pValue?: number; u?: number };

export default async function compareStatsBench(): Promise<Record<string, unknown>> {
  const baseline = logNormal(SAMPLES, 1, 12, 0.5);
  const current = logNormal(SAMPLES, 2, 12.5, 0.55);
  const baselineSorted = baseline.slice().sort();
  const currentSorted = current.slice().sort();
  const statistics = {
    average_ms: meanOf,
    median_ms: (s: Float64Array) => quantileSorted(s, 0.5),
    p95_ms: (s: Float64Array) => quantileSorted(s, 0.95),
    p99_ms: (s: Float64Array) => quantileSorted(s, 0.99),
  };

  const results: Record<string, Interval | Record<string, Interval>> = {};
  const variants: Record<string, () => Interval | Record<string, Interval>> = {
    // compare hands the statistics sorted latencies, as here.
    hl_old: () => oldHodgesLehmannLogRatio(baselineSorted, currentSorted),
    hl_new: () => hodgesLehmannLogRatio(baselineSorted, currentSorted),
    mann_whitney_old: () => oldMannWhitneyU(baselineSorted, currentSorted),
    mann_whitney_new: () => mannWhitneyU(baselineSorted, currentSorted),
    bootstrap_old: () => oldBootstrapRatioCI(baselineSorted, currentSorted, statistics),
    bootstrap_new: () => bootstrapRatioCI(baselineSorted, currentSorted, statistics),
  };
  const times: Record<string, number[]> = {};
  for (const name of Object.keys(variants)) times[name] = [];
  // Interleaved so machine noise hits every variant alike; the first round warms the JIT.
  for (let repetition = 0; repetition <= REPETITIONS; repetition++) {
    for (const [name, run] of Object.entries(variants)) {
      collectGarbage();
      const start = performance.now();
      results[name] = run();
      if (repetition > 0) times[name]!.push(performance.now() - start);
    }
  }

  const ms = (name: string) => median(times[name]!);
  const hlOld = results.hl_old as Interval;
  const hlNew = results.hl_new as Interval;
  const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
  return {
    how: `${SAMPLES.toLocaleString('en')} vs ${SAMPLES.toLocaleString('en')} log-normal latencies; Hodges–Lehmann ratio + 95 % CI (4 order statistics of 10¹² differences), Mann–Whitney U and the bootstrap of compare's 4 statistics (1000 resamples of 10,000); ${REPETITIONS} interleaved repetitions after one warm-up round, median ms`,
    hl_old_ms: round(ms('hl_old')),
    hl_new_ms: round(ms('hl_new')),
    hl_new_vs_old_ratio: round(ms('hl_new') / ms('hl_old')),
    hl_max_relative_difference: Math.max(
      relative(hlNew.ratio!, hlOld.ratio!),
      relative(hlNew.ciLow!, hlOld.ciLow!),
      relative(hlNew.ciHigh!, hlOld.ciHigh!),
    ),
    mann_whitney_old_ms: round(ms('mann_whitney_old')),
    mann_whitney_new_ms: round(ms('mann_whitney_new')),
    mann_whitney_new_vs_old_ratio: round(ms('mann_whitney_new') / ms('mann_whitney_old')),
    mann_whitney_identical:
      (results.mann_whitney_new as Interval).u === (results.mann_whitney_old as Interval).u &&
      (results.mann_whitney_new as Interval).pValue ===
        (results.mann_whitney_old as Interval).pValue,
    bootstrap_old_ms: round(ms('bootstrap_old')),
    bootstrap_new_ms: round(ms('bootstrap_new')),
    bootstrap_new_vs_old_ratio: round(ms('bootstrap_new') / ms('bootstrap_old')),
    bootstrap_identical:
      JSON.stringify(results.bootstrap_new) === JSON.stringify(results.bootstrap_old),
    goal: 'same figures (HL ≤ 1e-9 relative, bootstrap and Mann–Whitney identical), new well under old',
  };
}

function logNormal(n: number, seed: number, medianMs: number, sigma: number): Float64Array {
  const normal = normalFrom(seededRandom(seed));
  return Float64Array.from({ length: n }, () => Math.exp(Math.log(medianMs) + sigma * normal()));
}

// ---- The former algorithms, frozen as the baseline ----

function oldHodgesLehmannLogRatio(
  baseline: ArrayLike<number>,
  current: ArrayLike<number>,
): Interval {
  const sortedLogs = (values: ArrayLike<number>) =>
    Float64Array.from({ length: values.length }, (_, i) =>
      Math.log(Math.max(values[i]!, 1e-6)),
    ).sort();
  const x = sortedLogs(baseline);
  const y = sortedLogs(current);
  const pairs = x.length * y.length;
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
  const kth = (k: number): number => {
    let low = y[0]! - x[x.length - 1]!;
    let high = y[y.length - 1]! - x[0]!;
    if (countAtMost(low) >= k) return low;
    for (let step = 0; step < 200 && high - low > 1e-12 * Math.max(1, Math.abs(high)); step++) {
      const mid = low + (high - low) / 2;
      if (countAtMost(mid) >= k) high = mid;
      else low = mid;
    }
    return high;
  };
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

function oldBootstrapRatioCI(
  baselineSorted: Float64Array,
  currentSorted: Float64Array,
  statistics: Record<string, (sorted: Float64Array) => number>,
): Record<string, Interval> {
  const resamples = 1000;
  const random = seededRandom(42);
  const subsample = (sorted: Float64Array, size: number): Float64Array => {
    if (sorted.length <= size) return sorted;
    const picked = new Float64Array(size);
    for (let i = 0; i < size; i++) picked[i] = sorted[Math.floor(random() * sorted.length)]!;
    return picked.sort();
  };
  const a = subsample(baselineSorted, 10_000);
  const b = subsample(currentSorted, 10_000);
  const names = Object.keys(statistics);
  const ratios: Record<string, Float64Array> = {};
  for (const name of names) ratios[name] = new Float64Array(resamples);
  const bufferA = new Float64Array(a.length);
  const bufferB = new Float64Array(b.length);
  const indicesA = new Uint32Array(a.length);
  const indicesB = new Uint32Array(b.length);
  const resampleSorted = (source: Float64Array, indices: Uint32Array, out: Float64Array) => {
    const n = source.length;
    for (let i = 0; i < n; i++) indices[i] = Math.floor(random() * n);
    indices.sort();
    for (let i = 0; i < n; i++) out[i] = source[indices[i]!]!;
  };
  for (let r = 0; r < resamples; r++) {
    resampleSorted(a, indicesA, bufferA);
    resampleSorted(b, indicesB, bufferB);
    for (const name of names)
      ratios[name]![r] = statistics[name]!(bufferB) / statistics[name]!(bufferA);
  }
  const result: Record<string, Interval> = {};
  const tail = (1 - 0.95) / 2;
  for (const name of names) {
    const sorted = ratios[name]!.sort();
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

function oldMannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>): Interval {
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
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const u = Math.max(u1, n1 * n2 - u1);
  if (!(sigma > 0)) return { u: u1, pValue: 1 };
  const z = (u - (n1 * n2) / 2 - 0.5) / sigma;
  return { u: u1, pValue: Math.min(1, 2 * normalSf(z)) };
}
