/**
 * `compare`'s statistics on two 1 M-sample runs: the Hodges–Lehmann shift with its CI and the
 * percentile bootstrap, today's code against a frozen copy of the former algorithms (bisection
 * on the value with a linear count per step; a sort of the drawn indices per resample), in the
 * same process, interleaved, median of repetitions. Also checks that both give the same
 * figures (HL to 1e-9 relative, the bootstrap bit for bit).
 */
import { bootstrapRatioCI, hodgesLehmannLogRatio, mannWhitneyU } from '../src/analysis/index.js';
import { meanOf, quantileSorted } from '../src/analysis/compare/bootstrap.js';
import { collectGarbage, median, round } from './_stats.js';
import {
  logNormal,
  oldBootstrapRatioCI,
  oldHodgesLehmannLogRatio,
  oldMannWhitneyU,
} from '../test/analysis/_former-compare.js';

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
