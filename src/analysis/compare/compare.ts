import { SCHEMA_VERSION } from '../../model/index.js';
import type { ComparedMetric, ComparisonReport, MetricComparison, Verdict } from '../types.js';
import { bootstrapRatioCI, meanOf, quantileSorted } from './bootstrap.js';
import { hodgesLehmannLogRatio } from './hodges-lehmann.js';
import type { ComparableRun } from './comparable.js';
import { mannWhitneyU } from './mann-whitney.js';
import { newcombeDifferenceCI } from './newcombe.js';

export interface CompareOptions {
  /** Significance level. Default 0.05. */
  alpha?: number;
  /** Relative change that counts as noise. Default 0.05 (5 %). */
  noise?: number;
  /** Seed of the bootstrap. Default 42. */
  seed?: number;
  now?: Date;
}

/** Fewer successful samples than this on either side: no verdict, `insufficient_data`. */
export const MIN_SAMPLES = 20;
/**
 * A percentile is judged only when each run has at least 10 samples beyond it (p95: 200,
 * p99: 1000): with fewer, it is a handful of outliers and its verdict would be noise.
 */
const MIN_SAMPLES_FOR: Record<'average_ms' | 'median_ms' | 'p95_ms' | 'p99_ms', number> = {
  average_ms: MIN_SAMPLES,
  median_ms: MIN_SAMPLES,
  p95_ms: 200,
  p99_ms: 1000,
};
/** Fewer full 1 s intervals than this on either side: no throughput verdict. */
const MIN_INTERVALS = 3;

/**
 * A verdict from a p-value and a CI of the change. Improved or regressed only when the
 * change is significant AND its whole CI lies beyond the noise band; significant but inside
 * it is `within_noise`; not significant is `unchanged`. `worseIsUp`: higher is worse
 * (latency, error rate).
 */
export function decide(
  pValue: number,
  ciLow: number,
  ciHigh: number,
  noLow: number,
  noHigh: number,
  alpha: number,
  worseIsUp: boolean,
): Verdict {
  if (!(pValue < alpha)) return 'unchanged';
  if (ciLow > noHigh) return worseIsUp ? 'regressed' : 'improved';
  if (ciHigh < noLow) return worseIsUp ? 'improved' : 'regressed';
  return 'within_noise';
}

/** Baseline vs current: every metric with its figures and verdict. Pure and deterministic. */
export function compareRuns(
  baseline: ComparableRun,
  current: ComparableRun,
  options: CompareOptions = {},
): ComparisonReport {
  const alpha = options.alpha ?? 0.05;
  const noise = options.noise ?? 0.05;
  const enough =
    baseline.latencies.length >= MIN_SAMPLES && current.latencies.length >= MIN_SAMPLES;
  const method =
    baseline.method === 'exact_samples' && current.method === 'exact_samples'
      ? 'exact_samples'
      : 'histogram_buckets';

  let distribution: ComparisonReport['latency_distribution'] = {
    mann_whitney_u: null,
    p_value: null,
    hodges_lehmann_ratio: null,
    ci_low: null,
    ci_high: null,
    method,
    baseline_samples: baseline.latencies.length,
    current_samples: current.latencies.length,
    verdict: 'insufficient_data',
  };
  const metrics = {} as Record<ComparedMetric, MetricComparison>;
  const latencyFigure = (name: ComparedMetric, b: number, c: number): MetricComparison => ({
    baseline: b,
    current: c,
    change_ratio: b > 0 ? c / b : null,
    ci_low: null,
    ci_high: null,
    p_value: null,
    verdict: 'insufficient_data',
    unit: 'ms',
    change_kind: 'ratio',
  });
  const bl = baseline.report.latency_metrics;
  const cl = current.report.latency_metrics;
  metrics.average_ms = latencyFigure('average_ms', bl.average_ms, cl.average_ms);
  metrics.median_ms = latencyFigure('median_ms', bl.median_ms, cl.median_ms);
  metrics.p95_ms = latencyFigure('p95_ms', bl.p95_ms, cl.p95_ms);
  metrics.p99_ms = latencyFigure('p99_ms', bl.p99_ms, cl.p99_ms);

  if (enough) {
    const test = mannWhitneyU(baseline.latencies, current.latencies);
    const shift = hodgesLehmannLogRatio(baseline.latencies, current.latencies);
    distribution = {
      ...distribution,
      mann_whitney_u: test.u,
      p_value: test.pValue,
      hodges_lehmann_ratio: shift.ratio,
      ci_low: shift.ciLow,
      ci_high: shift.ciHigh,
      verdict: decide(test.pValue, shift.ciLow, shift.ciHigh, 1 - noise, 1 + noise, alpha, true),
    };
    const boot = bootstrapRatioCI(
      baseline.latencies,
      current.latencies,
      {
        average_ms: meanOf,
        median_ms: (s) => quantileSorted(s, 0.5),
        p95_ms: (s) => quantileSorted(s, 0.95),
        p99_ms: (s) => quantileSorted(s, 0.99),
      },
      { seed: options.seed ?? 42 },
    );
    const fewest = Math.min(baseline.latencies.length, current.latencies.length);
    for (const name of ['average_ms', 'median_ms', 'p95_ms', 'p99_ms'] as const) {
      const ci = boot[name]!;
      const m = metrics[name];
      if (m.change_ratio === null || fewest < MIN_SAMPLES_FOR[name]) continue;
      Object.assign(m, {
        ci_low: ci.ciLow,
        ci_high: ci.ciHigh,
        p_value: ci.pValue,
        verdict: decide(ci.pValue, ci.ciLow, ci.ciHigh, 1 - noise, 1 + noise, alpha, true),
      });
    }
  }

  // Rates: the difference current − baseline with Newcombe's CI. The noise band is relative
  // to the baseline's error rate (at least 0.1 point): 5 % of 2 % errors is 0.1 point.
  const bFailed = baseline.failed;
  const cFailed = current.failed;
  const bErrorRate = baseline.total > 0 ? bFailed / baseline.total : 0;
  const rateNoise = Math.max(noise * Math.min(bErrorRate, 1 - bErrorRate), 0.001);
  const rates = baseline.total > 0 && current.total > 0;
  const errors = rates
    ? newcombeDifferenceCI(bFailed, baseline.total, cFailed, current.total)
    : undefined;
  const rate = (kind: 'error' | 'success'): MetricComparison => {
    const sign = kind === 'error' ? 1 : -1;
    const b = baseline.report.performance_summary[kind === 'error' ? 'error_rate' : 'success_rate'];
    const c = current.report.performance_summary[kind === 'error' ? 'error_rate' : 'success_rate'];
    if (!errors) {
      return {
        baseline: b,
        current: c,
        change_ratio: null,
        ci_low: null,
        ci_high: null,
        p_value: null,
        verdict: 'insufficient_data',
        unit: 'ratio',
        change_kind: 'difference',
      };
    }
    // success = 1 − error: the same test, the interval mirrored.
    const low = sign > 0 ? errors.ciLow : -errors.ciHigh;
    const high = sign > 0 ? errors.ciHigh : -errors.ciLow;
    return {
      baseline: b,
      current: c,
      change_ratio: c - b,
      ci_low: low,
      ci_high: high,
      p_value: errors.pValue,
      verdict: decide(errors.pValue, low, high, -rateNoise, rateNoise, alpha, kind === 'error'),
      unit: 'ratio',
      change_kind: 'difference',
    };
  };
  metrics.error_rate = rate('error');
  metrics.success_rate = rate('success');
  metrics.throughput_rps = compareThroughput(baseline, current, alpha, noise, options.seed ?? 42);

  holmAdjust(distribution, metrics, alpha, noise, rateNoise);

  const sections: Record<Verdict, Partial<Record<ComparedMetric, MetricComparison>>> = {
    improved: {},
    regressed: {},
    unchanged: {},
    within_noise: {},
    insufficient_data: {},
  };
  for (const [name, m] of Object.entries(metrics) as Array<[ComparedMetric, MetricComparison]>) {
    sections[m.verdict][name] = m;
  }
  const verdicts = [distribution.verdict, ...Object.values(metrics).map((m) => m.verdict)];
  const overall: Verdict =
    distribution.verdict === 'insufficient_data'
      ? 'insufficient_data'
      : verdicts.includes('regressed')
        ? 'regressed'
        : verdicts.includes('improved')
          ? 'improved'
          : verdicts.includes('within_noise')
            ? 'within_noise'
            : 'unchanged';
  return {
    schema_version: SCHEMA_VERSION,
    report_type: 'comparison',
    baseline_test: baseline.name,
    current_test: current.name,
    generated_at: (options.now ?? new Date()).toISOString(),
    alpha,
    noise_threshold: noise,
    overall_verdict: overall,
    latency_distribution: distribution,
    metrics,
    improvements: sections.improved,
    regressions: sections.regressed,
    unchanged: sections.unchanged,
    within_noise: sections.within_noise,
    insufficient_data: sections.insufficient_data,
  };
}

/** Throughput: the runs' figures as a ratio; the test uses the per-second throughputs. */
function compareThroughput(
  baseline: ComparableRun,
  current: ComparableRun,
  alpha: number,
  noise: number,
  seed: number,
): MetricComparison {
  const b = baseline.report.performance_summary.throughput_rps;
  const c = current.report.performance_summary.throughput_rps;
  const figure: MetricComparison = {
    baseline: b,
    current: c,
    change_ratio: b && c !== null ? c / b : null,
    ci_low: null,
    ci_high: null,
    p_value: null,
    verdict: 'insufficient_data',
    unit: 'rps',
    change_kind: 'ratio',
  };
  const bs = Float64Array.from(baseline.throughputPerInterval).sort();
  const cs = Float64Array.from(current.throughputPerInterval).sort();
  if (figure.change_ratio === null || bs.length < MIN_INTERVALS || cs.length < MIN_INTERVALS)
    return figure;
  const test = mannWhitneyU(bs, cs);
  const ci = bootstrapRatioCI(bs, cs, { mean: meanOf }, { seed })['mean']!;
  return {
    ...figure,
    ci_low: ci.ciLow,
    ci_high: ci.ciHigh,
    p_value: test.pValue,
    verdict: decide(test.pValue, ci.ciLow, ci.ciHigh, 1 - noise, 1 + noise, alpha, false),
  };
}

/**
 * One comparison asks up to eight questions; each at α would call some identical runs
 * "regressed" by chance. Holm's step-down correction keeps the chance of any false verdict
 * at α: verdicts are decided again on the adjusted p-values (`p_value` stays the raw one).
 */
function holmAdjust(
  distribution: ComparisonReport['latency_distribution'],
  metrics: Record<ComparedMetric, MetricComparison>,
  alpha: number,
  noise: number,
  rateNoise: number,
): void {
  type Test = { p: number; redecide: (adjusted: number) => void };
  const tests: Test[] = [];
  if (
    distribution.p_value !== null &&
    distribution.ci_low !== null &&
    distribution.ci_high !== null
  ) {
    const { p_value, ci_low, ci_high } = distribution;
    tests.push({
      p: p_value,
      redecide: (adjusted) =>
        (distribution.verdict = decide(
          adjusted,
          ci_low,
          ci_high,
          1 - noise,
          1 + noise,
          alpha,
          true,
        )),
    });
  }
  for (const [name, m] of Object.entries(metrics) as Array<[ComparedMetric, MetricComparison]>) {
    if (
      m.verdict === 'insufficient_data' ||
      m.p_value == null ||
      m.ci_low === null ||
      m.ci_high === null
    )
      continue;
    const { p_value, ci_low, ci_high } = m;
    const isRate = m.change_kind === 'difference';
    const band: [number, number] = isRate ? [-rateNoise, rateNoise] : [1 - noise, 1 + noise];
    const worseIsUp = name !== 'success_rate' && name !== 'throughput_rps';
    tests.push({
      p: p_value,
      redecide: (adjusted) =>
        (m.verdict = decide(adjusted, ci_low, ci_high, band[0], band[1], alpha, worseIsUp)),
    });
  }
  const order = [...tests].sort((a, b) => a.p - b.p);
  let running = 0;
  order.forEach((test, i) => {
    running = Math.max(running, Math.min(1, test.p * (order.length - i)));
    test.redecide(running);
  });
}
