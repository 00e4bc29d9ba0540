import type { Objective, ObjectiveResult, Severity } from '../analysis/types.js';
import { objectiveResult } from '../analysis/objectives.js';
import { describeFigure, measure } from './_objective.js';
import type { WindowFigures } from './_windows.js';

/** Objectives checked on a window, in the shape of analysis.json's `objectives`. */
export function checkWindowObjectives(
  objectives: readonly Objective[],
  window: WindowFigures,
): ObjectiveResult[] {
  return objectives.map((objective) => {
    const actual = window.requests > 0 ? measure(objective.metric, window) : null;
    const shown = describeFigure(objective.metric, objective.threshold).replace(/^.* /, '');
    return objectiveResult(objective, actual, () =>
      actual === null
        ? `${objective.source}: no data`
        : `${describeFigure(objective.metric, actual)} ${objective.comparator} ${shown}`,
    );
  });
}

/**
 * The seed's risk, from its default alert thresholds (P95 100 ms, P99 200 ms, success 99 %,
 * errors 1 %) and the objectives: critical when the P95 is 1.5× over or success falls below
 * 90 % of its threshold, high when an objective or a threshold fails, else low.
 */
export function overallRisk(window: WindowFigures, results: readonly ObjectiveResult[]): Severity {
  const p95 = window.latency_p95 ?? 0;
  if (window.requests === 0) return 'low';
  if (p95 > 150 || window.success_rate < 0.99 * 0.9) return 'critical';
  if (p95 > 100 || window.success_rate < 0.99 || results.some((r) => !r.passed)) return 'high';
  if ((window.latency_p99 ?? 0) > 200 || window.error_rate > 0.01) return 'medium';
  return 'low';
}
