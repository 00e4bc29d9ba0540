/**
 * Objectives (SLOs) checked against a run's summary. The grammar itself (`p95<100ms`,
 * `success>=99%`…) is the model's (`src/model/objective.ts`), shared with every judgement.
 */
import { count, percent } from '../model/format.js';
import {
  formatThreshold,
  heldSymbol,
  holds,
  metricLabel,
  parseObjective,
  type Objective,
  type ObjectiveMetric,
} from '../model/objective.js';
import { FALLBACK_OBJECTIVE } from '../model/thresholds.js';
import type { SummaryReport } from '../model/index.js';
import type { ObjectiveResult } from './types.js';

export {
  comparisonSymbol,
  heldSymbol,
  holds,
  parseObjective,
  parseObjectives,
} from '../model/objective.js';
export { DEFAULT_OBJECTIVES, FALLBACK_OBJECTIVE } from '../model/thresholds.js';

type Unit = Objective['unit'];

/**
 * Objectives a run is held to: `objectives`, plus the fallback objective unless they name
 * their own. A run can never pass on answers the model did not give by leaving it out;
 * accepting a fallback takes saying so (`fallback<=100%`).
 */
export function withFallbackObjective(objectives: readonly Objective[]): Objective[] {
  if (objectives.some((o) => o.metric === 'fallback')) return [...objectives];
  return [...objectives, parseObjective(FALLBACK_OBJECTIVE)];
}

/** The run's figure for a metric, in the objective's base unit; null when it has none. */
export function actualValue(summary: SummaryReport, metric: ObjectiveMetric): number | null {
  const latency = summary.latency_metrics;
  const perf = summary.performance_summary;
  const hasLatency = perf.successful_requests > 0;
  const optimization = summary.optimization_metrics;
  switch (metric) {
    case 'p50':
      return hasLatency ? latency.median_ms : null;
    case 'p90':
      return hasLatency ? latency.p90_ms : null;
    case 'p95':
      return hasLatency ? latency.p95_ms : null;
    case 'p99':
      return hasLatency ? latency.p99_ms : null;
    case 'p999':
      return hasLatency ? latency.p999_ms : null;
    case 'avg':
      return hasLatency ? latency.average_ms : null;
    case 'max':
      return hasLatency ? latency.max_ms : null;
    case 'success':
      return perf.total_requests > 0 ? perf.success_rate : null;
    case 'error_rate':
      return perf.total_requests > 0 ? perf.error_rate : null;
    case 'cache_hit':
      // A workload that never reports cache use cannot meet a cache objective.
      return optimization.cache_hits + optimization.cache_misses > 0
        ? optimization.cache_hit_rate
        : null;
    case 'fallback':
      return perf.total_requests > 0 ? optimization.fallback_usage_rate : null;
    case 'throughput':
      return perf.throughput_rps;
    case 'cpu':
      return summary.resource_metrics?.avg_cpu_percent ?? null;
    case 'memory':
      return summary.resource_metrics?.max_memory_mb ?? null;
  }
}

/** Checks each objective against the run. An objective the run has no figure for fails. */
export function checkObjectives(
  summary: SummaryReport,
  objectives: readonly Objective[],
): ObjectiveResult[] {
  return objectives.map((objective) => {
    const actual = actualValue(summary, objective.metric);
    return objectiveResult(objective, actual, (passed) => {
      const label = metricLabel(objective.metric);
      const threshold = formatThreshold(objective.threshold, objective.unit);
      if (
        objective.metric === 'fallback' &&
        actual !== null &&
        !passed &&
        objective.comparator.startsWith('<')
      ) {
        return fallbackMessage(summary, actual, objective);
      }
      return actual === null
        ? `${label}: not measured in this run, so "${objective.source}" cannot be checked`
        : `${label} ${formatActual(actual, objective.unit)} ${heldSymbol(objective.comparator, passed)} ${threshold}`;
    });
  });
}

/**
 * An objective judged on a figure (null: the figure is missing, which fails). Shared by the
 * run's analysis and the monitor's windows; each words the message its own way.
 */
export function objectiveResult(
  objective: Objective,
  actual: number | null,
  message: (passed: boolean) => string,
): ObjectiveResult {
  const passed = actual !== null && holds(actual, objective.comparator, objective.threshold);
  return {
    objective: objective.source,
    metric: objective.metric,
    comparator: objective.comparator,
    threshold: objective.threshold,
    unit: objective.unit,
    actual,
    passed,
    message: message(passed),
  };
}

/**
 * Why a run the fallback answered too often fails, in the user's terms: the latency figures
 * are not the model's.
 */
function fallbackMessage(summary: SummaryReport, actual: number, objective: Objective): string {
  const total = summary.performance_summary.total_requests;
  const fallback = summary.optimization_metrics.fallback_uses;
  const limit = formatThreshold(objective.threshold, 'ratio').replace('%', ' %');
  const model = summary.latency_by_source?.model.count;
  const modelAnswered =
    model === undefined
      ? ''
      : model === 0
        ? ' (it answered none)'
        : ` (its own: latency_by_source.model, ${count(model)} calls)`;
  return `the fallback answered ${percent(actual, { digits: 1, space: true })} of calls (${count(fallback)} of ${count(total)}, limit ${limit}): the model did not answer them, so the latency figures are not the model’s${modelAnswered}`;
}

/** A measured figure, with the precision the console summary uses. */
export function formatActual(value: number, unit: Unit): string {
  switch (unit) {
    case 'ms':
      return `${value.toFixed(2)}ms`;
    case 'ratio':
      return percent(value);
    case 'rps':
      return `${value.toFixed(1)}rps`;
    case 'percent':
      return `${value.toFixed(1)}%`;
    case 'mb':
      return `${value.toFixed(1)}MB`;
  }
}
