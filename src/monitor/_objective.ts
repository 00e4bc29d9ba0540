import { percent } from '../model/format.js';
import type { Objective, ObjectiveMetric } from '../model/objective.js';
import type { WindowFigures } from './_windows.js';

/**
 * Objectives as the monitor reads them: every metric of the grammar (`model/objective.ts`,
 * the one parser) is measured over a window of samples, the process's CPU and memory with it.
 */
/**
 * The process's resources over a window, which the monitor reads at each tick beside the
 * collectors' samples: average CPU (% of one core) and the largest resident set (MB). Null
 * when no reading fell in the window.
 */
export interface ResourceFigures {
  cpu_percent: number | null;
  memory_mb: number | null;
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
    case 'cpu':
      return (w as WindowFigures & Partial<ResourceFigures>).cpu_percent ?? null;
    case 'memory':
      return (w as WindowFigures & Partial<ResourceFigures>).memory_mb ?? null;
    default:
      return null;
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
      return `Success rate ${percent(value)}`;
    case 'error_rate':
      return `Error rate ${percent(value)}`;
    case 'cache_hit':
      return `Cache hit rate ${percent(value)}`;
    case 'fallback':
      return `Fallback rate ${percent(value)}`;
    case 'throughput':
      return `Throughput ${value.toFixed(1)} RPS`;
    case 'avg':
      return `Average latency ${value.toFixed(2)}ms`;
    case 'max':
      return `Max latency ${value.toFixed(2)}ms`;
    case 'cpu':
      return `Average CPU usage ${value.toFixed(1)}%`;
    case 'memory':
      return `Max memory usage ${value.toFixed(1)}MB`;
    default:
      return `${metric.toUpperCase()} latency ${value.toFixed(2)}ms`;
  }
}

/** An alert category in the seed's words. */
export function categoryOf(metric: ObjectiveMetric): string {
  if (metric === 'success' || metric === 'error_rate') return 'reliability';
  if (metric === 'cache_hit' || metric === 'fallback') return 'efficiency';
  if (metric === 'throughput') return 'throughput';
  if (metric === 'cpu' || metric === 'memory') return 'resources';
  return 'latency';
}
