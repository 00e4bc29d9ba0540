/**
 * The seed's thresholds and requirement, defined once: the objectives a run is held to by
 * default, the analyzer's and the alerts' thresholds (with the zod schemas that check a
 * config's overrides, and the types derived from them), and the HTML report's ratings.
 * Pure data, read by the analysis, the reports, the monitor and the CLI.
 */
import { createRequire } from 'node:module';
import type * as Zod from 'zod';
import { objectiveOf, parseObjectives } from './objective.js';
import { rung, type Rung } from './judge.js';

/**
 * The most of a run's calls the fallback may answer before the verdict fails: the seed's
 * requirement is about the model's latency, and a fallback's answers say nothing about it.
 */
export const FALLBACK_OBJECTIVE = 'fallback<1%';

/**
 * The seed's requirement — its compliance check (P95 under 100 ms, success of at least
 * 99 %) and the model answered (nearly) every call — and the objectives a run is held to
 * when none are given.
 */
export const DEFAULT_OBJECTIVES: readonly string[] = [
  'p95<100ms',
  'success>=99%',
  FALLBACK_OBJECTIVE,
];

const [p95, success, fallback] = parseObjectives(DEFAULT_OBJECTIVES);
/** The requirement's objectives, parsed: what `checkCompliance` checks. */
export const REQUIREMENT = { p95: p95!, success: success!, fallback: fallback! } as const;

/** The seed's latency target: its recommendations aim there, the HTML report calls it good. */
export const TARGET_P95_MS = 50;

let zodLoaded: typeof Zod | undefined;
/**
 * zod, loaded the first time a schema is built: only a config file is checked with one, and
 * loading zod (with its locales, some 70 ms) at start-up cost every command — `perfsight
 * report` among them — before it read a byte.
 */
export function zod(): typeof Zod {
  return (zodLoaded ??= createRequire(import.meta.url)('zod') as typeof Zod);
}

function buildThresholdSchemas() {
  const z = zod();
  const positive = z.number().positive();
  const rate = z.number().min(0).max(1);
  /** The analyzer's bottleneck thresholds, as `thresholds` of perfsight.config.json takes them. */
  const analyzer = z
    .object({
      latency_p95_ms: positive,
      latency_p99_ms: positive,
      success_rate: rate,
      error_rate: rate,
      cache_hit_rate: rate,
      cpu_percent: positive,
      memory_mb: positive,
    })
    .strict();
  /** The alert thresholds (`alert_thresholds`): the analyzer's, without the cache's. */
  const alert = analyzer.omit({ cache_hit_rate: true });
  return { analyzer, alert };
}

let thresholdSchemasBuilt: ReturnType<typeof buildThresholdSchemas> | undefined;
/** The zod schemas of the analyzer's and the alerts' thresholds (built on first use). */
export function thresholdSchemas(): ReturnType<typeof buildThresholdSchemas> {
  return (thresholdSchemasBuilt ??= buildThresholdSchemas());
}

export type AnalyzerThresholds = Zod.infer<ReturnType<typeof buildThresholdSchemas>['analyzer']>;
export type AlertThresholds = Zod.infer<ReturnType<typeof buildThresholdSchemas>['alert']>;

/** Latency, success and errors: the same thresholds for bottlenecks and alerts. */
const SEED_SHARED = {
  latency_p95_ms: REQUIREMENT.p95.threshold,
  latency_p99_ms: 200.0,
  success_rate: REQUIREMENT.success.threshold,
  error_rate: 0.01,
} as const;

/** The seed analyzer's thresholds; any of them can be overridden (config `thresholds`). */
export const DEFAULT_ANALYZER_THRESHOLDS: Readonly<AnalyzerThresholds> = {
  ...SEED_SHARED,
  cache_hit_rate: 0.8,
  cpu_percent: 80.0,
  memory_mb: 100.0,
};

/** The seed alerting's thresholds (config `alert_thresholds`). */
export const DEFAULT_ALERT_THRESHOLDS: Readonly<AlertThresholds> = {
  ...SEED_SHARED,
  cpu_percent: 85.0,
  memory_mb: 1500.0,
};

/** The HTML report's ratings, with a word beside the colour (never colour alone). */
export type Rating = 'good' | 'warning' | 'bad';

/**
 * The seed's colouring rules as ladders: below 95 % success is bad, below the requirement's
 * 99 % a warning; a P95 above the requirement's 100 ms is bad, above the 50 ms target a
 * warning; otherwise good.
 */
export const RATINGS: Readonly<Record<'success' | 'p95', readonly Rung<Rating>[]>> = {
  success: [
    rung('success>=95%', 'bad'),
    rung(objectiveOf('success', '>=', REQUIREMENT.success.threshold), 'warning'),
  ],
  p95: [
    rung(objectiveOf('p95', '<=', REQUIREMENT.p95.threshold), 'bad'),
    rung(objectiveOf('p95', '<=', TARGET_P95_MS), 'warning'),
  ],
};
