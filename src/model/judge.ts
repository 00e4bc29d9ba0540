/**
 * The one judge: every verdict perfsight gives on a figure — a bottleneck's severity, an
 * alert's level, a recommendation's priority, a compliance line, the HTML report's
 * good/warning/bad — is a ladder of objectives in the grammar of `objective.ts`, read here.
 * Pure; tables of rungs live beside the judgement they serve, thresholds in `thresholds.ts`.
 */
import { holds, parseObjective, type Objective, type ObjectiveMetric } from './objective.js';

/** One rung: when `objective` does not hold, the figure is judged `level`. */
export interface Rung<Level> {
  objective: Objective;
  level: Level;
}

/** The figures a judgement reads, by metric; null or absent: not measured, nothing to judge. */
export type Figures = Partial<Record<ObjectiveMetric, number | null>>;

/** What a ladder found: the level, the rung whose objective broke, and the figure it read. */
export interface Finding<Level> {
  level: Level;
  objective: Objective;
  value: number;
}

/** A rung written in the grammar: `rung('p95<=100ms', 'high')`. */
export function rung<Level>(objective: string | Objective, level: Level): Rung<Level> {
  return {
    objective: typeof objective === 'string' ? parseObjective(objective) : objective,
    level,
  };
}

/**
 * Whether a measured figure breaks the objective. A figure that is missing breaks nothing
 * here: a finding needs a measurement (the run's gate, `checkObjectives`, counts a missing
 * figure as failed instead).
 */
export function breaks(objective: Objective, value: number | null | undefined): value is number {
  return (
    value !== null &&
    value !== undefined &&
    !holds(value, objective.comparator, objective.threshold)
  );
}

/**
 * The judgement of a ladder — its rungs most severe first, possibly on different metrics —
 * over the figures: the first rung whose objective they break, or null when every objective
 * holds (or none could be measured).
 */
export function judge<Level>(
  ladder: readonly Rung<Level>[],
  figures: Figures,
): Finding<Level> | null {
  for (const { objective, level } of ladder) {
    const value = figures[objective.metric];
    if (breaks(objective, value)) return { level, objective, value };
  }
  return null;
}

/**
 * A rating: the level of the first rung the figure breaks, `otherwise` when it meets them
 * all (the HTML report's good/warning/bad).
 */
export function rate<Level>(
  ladder: readonly Rung<Level>[],
  figures: Figures,
  otherwise: Level,
): Level {
  return judge(ladder, figures)?.level ?? otherwise;
}

/** A rule of a table: a ladder and what its finding says (texts, categories, names). */
export interface Rule<Level> {
  ladder: readonly Rung<Level>[];
}

/** The level a rule's ladder gives. */
export type LevelOf<R> = R extends Rule<infer Level> ? Level : never;

/** Every rule of a table the figures break, in the table's order, with its finding. */
export function evaluate<R extends Rule<unknown>>(
  table: readonly R[],
  figures: Figures,
): Array<{ rule: R } & Finding<LevelOf<R>>> {
  const found: Array<{ rule: R } & Finding<LevelOf<R>>> = [];
  for (const rule of table) {
    const finding = judge(rule.ladder as readonly Rung<LevelOf<R>>[], figures);
    if (finding) found.push({ rule, ...finding });
  }
  return found;
}
