/**
 * Trends over the history store: gate the newest run against what past runs predict, and
 * find where the series shifted. Pure functions over a series of figures, oldest first.
 */
import { meanAndSampleVariance, tQuantile, studentTTest } from './_student-t.js';
import type { TrendAnalysis } from './types.js';

/** Past runs the gate uses at most, and at least (below it: "insufficient data"). */
export const TREND_MAX_RUNS = 64;
export const TREND_MIN_RUNS = 5;

export interface TrendPoint {
  runId: string;
  value: number;
}

export interface TrendOptions {
  /** Prediction-interval confidence. 0.99: a gate that fires on 1 run in 100 by chance. */
  confidence?: number;
  /** Change points: significance of the t-test between the two sides. */
  changePointAlpha?: number;
  /** Change points: fewest runs on each side of a change. */
  minSegment?: number;
  /** Change points are searched in windows of this many runs (half-overlapping). */
  window?: number;
  /** True for metrics where higher is better (throughput, success rate). */
  higherIsBetter?: boolean;
}

/**
 * Student-t prediction interval for one new observation from `history`:
 * mean ± t(1 − (1 − c)/2, n − 1) · s · √(1 + 1/n).
 */
export function predictionInterval(
  history: readonly number[],
  confidence = 0.99,
): { low: number; high: number; confidence: number } {
  const n = history.length;
  const { mean, variance } = meanAndSampleVariance(history);
  const half = tQuantile(1 - (1 - confidence) / 2, n - 1) * Math.sqrt(variance * (1 + 1 / n));
  return { low: mean - half, high: mean + half, confidence };
}

/**
 * Change points with a deterministic E-divisive means variant (as in MongoDB's and Hunter's
 * performance CI): within a window, the split that maximises the energy divergence between
 * the two sides is kept when Welch's t-test finds their means different (Bonferroni-adjusted
 * p < alpha; no random permutations, so the same series always gives the same answer); each
 * side is then split again. Long series are searched in half-overlapping windows.
 * `p_value` is the adjusted one.
 */
export function changePoints(
  series: readonly number[],
  options: Pick<TrendOptions, 'changePointAlpha' | 'minSegment' | 'window'> = {},
): Array<{ index: number; before_mean: number; after_mean: number; p_value: number }> {
  const alpha = options.changePointAlpha ?? 0.01;
  const minSegment = Math.max(2, options.minSegment ?? 3);
  const window = Math.max(2 * minSegment, options.window ?? TREND_MAX_RUNS);
  const found = new Map<number, { index: number; p_value: number }>();
  const step = Math.max(1, Math.floor(window / 2));
  for (let start = 0; start === 0 || start + minSegment * 2 <= series.length; start += step) {
    const end = Math.min(series.length, start + window);
    bisect(series, start, end, minSegment, alpha, found);
    if (end === series.length) break;
  }
  // Windows overlap: the same shift found twice lands within a segment of itself.
  const indices = [...found.values()].sort((a, b) => a.index - b.index);
  const merged: Array<{ index: number; p_value: number }> = [];
  for (const point of indices) {
    const last = merged.at(-1);
    if (last && point.index - last.index < minSegment) {
      if (point.p_value < last.p_value) merged[merged.length - 1] = point;
    } else merged.push(point);
  }
  return merged.map((point, k) => {
    const from = k === 0 ? 0 : merged[k - 1]!.index;
    const to = k + 1 < merged.length ? merged[k + 1]!.index : series.length;
    return {
      index: point.index,
      before_mean: meanOf(series.slice(from, point.index)),
      after_mean: meanOf(series.slice(point.index, to)),
      p_value: point.p_value,
    };
  });
}

function bisect(
  series: readonly number[],
  start: number,
  end: number,
  minSegment: number,
  alpha: number,
  found: Map<number, { index: number; p_value: number }>,
): void {
  if (end - start < 2 * minSegment) return;
  const segment = series.slice(start, end);
  const split = bestEnergySplit(segment, minSegment);
  if (split === undefined) return;
  // The split tested is the best of many candidates, so a bare t-test would find "shifts" in
  // pure noise; Bonferroni over the candidates keeps the false-alarm rate at alpha.
  const candidates = segment.length - 2 * minSegment + 1;
  const { p: rawP } = studentTTest(segment.slice(0, split), segment.slice(split));
  const p = Math.min(1, rawP * candidates);
  if (!(p < alpha)) return;
  const index = start + split;
  const known = found.get(index);
  if (!known || p < known.p_value) found.set(index, { index, p_value: p });
  bisect(series, start, index, minSegment, alpha, found);
  bisect(series, index, end, minSegment, alpha, found);
}

/**
 * The split τ maximising Székely–Rizzo's energy divergence
 * Q(τ) = τ(n−τ)/n · (2·mean|x−y| − mean|x−x'| − mean|y−y'|), with each side ≥ minSegment.
 */
function bestEnergySplit(values: readonly number[], minSegment: number): number | undefined {
  const n = values.length;
  let best: number | undefined;
  let bestQ = 0;
  for (let tau = minSegment; tau <= n - minSegment; tau++) {
    let between = 0;
    for (let i = 0; i < tau; i++)
      for (let j = tau; j < n; j++) between += Math.abs(values[i]! - values[j]!);
    const left = meanPairDistance(values, 0, tau);
    const right = meanPairDistance(values, tau, n);
    const q = ((tau * (n - tau)) / n) * ((2 * between) / (tau * (n - tau)) - left - right);
    if (q > bestQ) {
      bestQ = q;
      best = tau;
    }
  }
  return best;
}

function meanPairDistance(values: readonly number[], from: number, to: number): number {
  const m = to - from;
  if (m < 2) return 0;
  let sum = 0;
  for (let i = from; i < to; i++)
    for (let j = i + 1; j < to; j++) sum += Math.abs(values[i]! - values[j]!);
  return sum / ((m * (m - 1)) / 2);
}

function meanOf(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

/**
 * The analyzer's `trend_analysis`: the newest point (last of `series`) gated against up to
 * the 64 runs before it, plus the change points of the whole series.
 */
export function analyzeTrend(
  metric: string,
  series: readonly TrendPoint[],
  options: TrendOptions = {},
): TrendAnalysis {
  const previous = series.slice(Math.max(0, series.length - 1 - TREND_MAX_RUNS), -1);
  const latest = series.at(-1);
  if (!latest || previous.length < TREND_MIN_RUNS) {
    return {
      insufficient_data: true,
      metric,
      runs_considered: previous.length,
      // The seed's words, with what "enough" means.
      recommendation: `Collect historical data for trend analysis: a trend needs at least ${TREND_MIN_RUNS} earlier runs of this test in the history (have ${previous.length}).`,
    };
  }
  // After a shift, the runs before it no longer predict anything: gate against the runs
  // since the latest change point when there are enough of them.
  const previousShifts = changePoints(
    previous.map((p) => p.value),
    options,
  );
  const since = previousShifts.at(-1)?.index ?? 0;
  const basis = previous.length - since >= TREND_MIN_RUNS ? previous.slice(since) : previous;
  const interval = predictionInterval(
    basis.map((p) => p.value),
    options.confidence ?? 0.99,
  );
  const position =
    latest.value > interval.high ? 'above' : latest.value < interval.low ? 'below' : 'within';
  const worse = options.higherIsBetter ? 'below' : 'above';
  const better = options.higherIsBetter ? 'above' : 'below';
  const values = series.map((p) => p.value);
  const points = changePoints(values, options).map((point) => ({
    ...point,
    run_id: series[point.index]!.runId,
  }));
  return {
    insufficient_data: false,
    metric,
    runs_considered: basis.length,
    prediction_interval: interval,
    latest_value: latest.value,
    latest_position: position,
    change_points: points,
    recommendation:
      position === worse
        ? `The latest ${metric} (${format(latest.value)}) is worse than the last ${basis.length} runs predict (${format(interval.low)}–${format(interval.high)} at ${interval.confidence * 100} %): investigate a regression.`
        : position === better
          ? `The latest ${metric} (${format(latest.value)}) is better than the last ${basis.length} runs predict: an improvement, or a change in the setup.`
          : `The latest ${metric} is within what the last ${basis.length} runs predict.`,
  };
}

function format(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
