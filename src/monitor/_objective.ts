import { UsageError } from '../errors.js';
import type { Comparator, Objective, ObjectiveMetric } from '../analysis/types.js';
import type { WindowFigures } from './_windows.js';

/**
 * Objectives as the monitor needs them: parsed from text, and measured on a window.
 *
 * The parser follows the analysis issue's grammar (`p95<100ms`, `success>=99.9%`,
 * `error_rate<1%`, `throughput>=20rps`); `src/analysis/objectives.ts` is its home, and this
 * one only covers what windows can measure, so the monitor does not wait for it.
 */
const METRICS: Record<string, { metric: ObjectiveMetric; unit: Objective['unit'] }> = {
  p50: { metric: 'p50', unit: 'ms' },
  p90: { metric: 'p90', unit: 'ms' },
  p95: { metric: 'p95', unit: 'ms' },
  p99: { metric: 'p99', unit: 'ms' },
  p999: { metric: 'p999', unit: 'ms' },
  'p99.9': { metric: 'p999', unit: 'ms' },
  avg: { metric: 'avg', unit: 'ms' },
  max: { metric: 'max', unit: 'ms' },
  success: { metric: 'success', unit: 'ratio' },
  success_rate: { metric: 'success', unit: 'ratio' },
  error_rate: { metric: 'error_rate', unit: 'ratio' },
  errors: { metric: 'error_rate', unit: 'ratio' },
  cache_hit: { metric: 'cache_hit', unit: 'ratio' },
  cache_hit_rate: { metric: 'cache_hit', unit: 'ratio' },
  fallback: { metric: 'fallback', unit: 'ratio' },
  fallback_rate: { metric: 'fallback', unit: 'ratio' },
  throughput: { metric: 'throughput', unit: 'rps' },
  rps: { metric: 'throughput', unit: 'rps' },
};

const UNIT_FACTORS: Record<string, number> = { ms: 1, s: 1000, us: 0.001, µs: 0.001 };

export function parseObjective(text: string): Objective {
  const match = /^\s*([a-z_0-9.]+)\s*(<=|>=|<|>)\s*([0-9]*\.?[0-9]+)\s*([a-zµ%]*)\s*$/i.exec(text);
  const known = match ? METRICS[match[1]!.toLowerCase()] : undefined;
  if (!match || !known) {
    throw new UsageError(
      `bad objective "${text}": expected e.g. p95<100ms, p99<=250ms, success>=99.9%, error_rate<1%, throughput>=20rps`,
    );
  }
  const comparator = match[2] as Comparator;
  let threshold = Number(match[3]);
  const unit = match[4]!.toLowerCase();
  if (known.unit === 'ms') {
    const factor = UNIT_FACTORS[unit || 'ms'];
    if (factor === undefined) throw new UsageError(`bad unit "${unit}" in objective "${text}"`);
    threshold *= factor;
  } else if (known.unit === 'ratio') {
    if (unit === '%') threshold /= 100;
    else if (unit !== '') throw new UsageError(`bad unit "${unit}" in objective "${text}"`);
    if (threshold > 1) throw new UsageError(`objective "${text}": a rate is at most 100%`);
  } else if (unit !== '' && unit !== 'rps' && unit !== '/s') {
    throw new UsageError(`bad unit "${unit}" in objective "${text}"`);
  }
  const shown =
    known.unit === 'ratio' ? `${+(threshold * 100).toPrecision(6)}%` : `${threshold}${known.unit}`;
  return {
    source: `${known.metric}${comparator}${shown}`,
    metric: known.metric,
    comparator,
    threshold,
    unit: known.unit,
  };
}

/** The objective's figure in a window; null when the window cannot say (no latencies). */
export function measure(metric: ObjectiveMetric, w: WindowFigures): number | null {
  switch (metric) {
    case 'p50':
      return w.latency_p50;
    case 'p90':
      return w.latency_p90;
    case 'p95':
      return w.latency_p95;
    case 'p99':
      return w.latency_p99;
    case 'p999':
      return w.latency_p999;
    case 'avg':
      return w.latency_avg;
    case 'max':
      return w.latency_max;
    case 'success':
      return w.success_rate;
    case 'error_rate':
      return w.error_rate;
    case 'cache_hit':
      return w.cache_hit_rate;
    case 'fallback':
      return w.fallback_rate;
    case 'throughput':
      return w.requests_per_second;
    default:
      return null;
  }
}

export function holds(comparator: Comparator, value: number, threshold: number): boolean {
  switch (comparator) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
  }
}

/**
 * The error budget of an objective that can be read as "good events / all events":
 * `success>=99.9%` → 0.1 % of requests may fail; `p95<100ms` → 5 % may fail or be slower
 * than 100 ms. Null for objectives with no such reading (averages, throughput…).
 */
export function errorBudget(objective: Objective): { budget: number; latencyMs?: number } | null {
  const { metric, comparator, threshold } = objective;
  const upper = comparator === '<' || comparator === '<=';
  if (metric === 'success' && !upper) return { budget: 1 - threshold };
  if (metric === 'error_rate' && upper) return { budget: threshold };
  const quantile = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99, p999: 0.999 }[metric as string];
  if (quantile !== undefined && upper) return { budget: 1 - quantile, latencyMs: threshold };
  return null;
}

/** How the seed words a figure: "P95 latency 150.00ms", "Success rate 97.50%". */
export function describeFigure(metric: ObjectiveMetric, value: number): string {
  switch (metric) {
    case 'success':
      return `Success rate ${(value * 100).toFixed(2)}%`;
    case 'error_rate':
      return `Error rate ${(value * 100).toFixed(2)}%`;
    case 'cache_hit':
      return `Cache hit rate ${(value * 100).toFixed(2)}%`;
    case 'fallback':
      return `Fallback rate ${(value * 100).toFixed(2)}%`;
    case 'throughput':
      return `Throughput ${value.toFixed(1)} RPS`;
    case 'avg':
      return `Average latency ${value.toFixed(2)}ms`;
    case 'max':
      return `Max latency ${value.toFixed(2)}ms`;
    default:
      return `${metric.toUpperCase()} latency ${value.toFixed(2)}ms`;
  }
}

/** An alert category in the seed's words. */
export function categoryOf(metric: ObjectiveMetric): string {
  if (metric === 'success' || metric === 'error_rate') return 'reliability';
  if (metric === 'cache_hit' || metric === 'fallback') return 'efficiency';
  if (metric === 'throughput') return 'throughput';
  return 'latency';
}
