import type { Objective, ObjectiveResult, Severity } from '../analysis/types.js';
import { heldSymbol, objectiveResult } from '../analysis/objectives.js';
import { riskOf, type AnalyzerThresholds } from '../analysis/analyzer.js';
import { describeFigure, measure, type ResourceFigures } from './_objective.js';
import type { WindowFigures } from './_windows.js';

/** Objectives checked on a window, in the shape of analysis.json's `objectives`. */
export function checkWindowObjectives(
  objectives: readonly Objective[],
  window: WindowFigures,
): ObjectiveResult[] {
  return objectives.map((objective) => {
    const actual = window.requests > 0 ? measure(objective.metric, window) : null;
    const shown = describeFigure(objective.metric, objective.threshold).replace(/^.* /, '');
    return objectiveResult(objective, actual, (passed) =>
      actual === null
        ? `${objective.source}: no data`
        : `${describeFigure(objective.metric, actual)} ${heldSymbol(objective.comparator, passed)} ${shown}`,
    );
  });
}

/**
 * The risk of a window by the analyzer's own rule (`riskOf`, analysis.json's): the seed's
 * bottlenecks over the window's figures and the process's resources, raised to at least
 * HIGH when an objective failed. An empty window is low risk: nothing ran.
 */
export function overallRisk(
  window: WindowFigures & Partial<ResourceFigures>,
  results: readonly ObjectiveResult[],
  thresholds: Partial<AnalyzerThresholds> = {},
): Severity {
  if (window.requests === 0) return 'low';
  const lookups = window.cache_hits + window.cache_misses;
  const figures = {
    p95: window.latency_p95 ?? 0,
    p99: window.latency_p99 ?? 0,
    successRate: window.success_rate,
    errorRate: window.error_rate,
    cacheHitRate: lookups > 0 ? window.cache_hit_rate : null,
    cacheLookups: lookups,
    // As for a run: the cache is judged only against a hit rate the user set.
    cacheExpectation:
      thresholds.cache_hit_rate === undefined
        ? null
        : { rate: thresholds.cache_hit_rate, source: 'threshold' as const },
    avgCpu: window.cpu_percent ?? null,
    // The process's memory holds every collector, Node and perfsight: no one collector's
    // share is known, so memory is left to the alert rules (`memory<=1500MB`).
    workloadMemory: null,
    memoryGrowth: null,
  };
  return riskOf(figures, results, thresholds);
}
