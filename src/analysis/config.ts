/**
 * `perfsight.config.json`: objectives and thresholds for a project, validated before any
 * measuring starts. Its JSON Schema (schema/config.schema.json, for editors) is generated
 * from the same zod schema, and a test keeps the two equal.
 */
import type * as Zod from 'zod';
import { cut, InputError } from '../errors.js';
import { writtenNumber } from '../input.js';
import {
  DEFAULT_OBJECTIVES,
  thresholdSchemas,
  zod,
  type AlertThresholds,
  type AnalyzerThresholds,
} from '../model/thresholds.js';
import { parseObjectives, withFallbackObjective } from './objectives.js';
import type { Objective } from './types.js';

function buildConfigSchema() {
  const z = zod();
  const { analyzer, alert } = thresholdSchemas();
  return z
    .object({
      $schema: z.string().optional(),
      objectives: z
        .array(z.string().min(1))
        .optional()
        .describe('Objectives the run must meet, e.g. "p95<100ms", "success>=99%".'),
      thresholds: analyzer
        .partial()
        .strict()
        .optional()
        .describe('The analyzer’s bottleneck thresholds (the seed’s defaults otherwise).'),
      alert_thresholds: alert
        .partial()
        .strict()
        .optional()
        .describe('The alert thresholds (the seed’s defaults otherwise).'),
    })
    .strict();
}

let configSchemaBuilt: ReturnType<typeof buildConfigSchema> | undefined;
/** The config file's zod schema, built on first use (zod is loaded only then). */
export function configSchema(): ReturnType<typeof buildConfigSchema> {
  return (configSchemaBuilt ??= buildConfigSchema());
}

export const CONFIG_FILE = 'perfsight.config.json';

/** What a run is held to: objectives, analyzer and alert thresholds, and where they came from. */
export interface RunPolicy {
  objectives: Objective[];
  thresholds: Partial<AnalyzerThresholds>;
  alertThresholds: Partial<AlertThresholds>;
  source: string;
}

/** A validated `perfsight.config.json`. */
export type Config = Zod.infer<ReturnType<typeof buildConfigSchema>>;

/**
 * The policy for a run: `--slo` objectives win over the config file's; whichever they are,
 * the fallback objective (`fallback<1%`) joins them unless they name their own. `configPath`
 * names the config file in `source`.
 */
export function policyOf(options: {
  slo?: readonly string[];
  config?: Config;
  configPath?: string;
}): RunPolicy {
  const { config } = options;
  const fromCli = options.slo && options.slo.length > 0 ? parseObjectives(options.slo) : undefined;
  const objectives = withFallbackObjective(
    fromCli ??
      (config?.objectives
        ? parseObjectives(config.objectives)
        : parseObjectives(DEFAULT_OBJECTIVES)),
  );
  return {
    objectives,
    thresholds: config?.thresholds ?? {},
    alertThresholds: config?.alert_thresholds ?? {},
    source: fromCli ? '--slo' : config?.objectives ? (options.configPath ?? 'config') : 'defaults',
  };
}

/**
 * A config file's text, checked: not JSON, a non-finite number, an unknown key or a bad
 * objective is an InputError naming `path` and the key. Pure: the caller reads the file.
 */
export function parseConfig(text: string, path: string): Config {
  let data: unknown;
  try {
    data = JSON.parse(text, (key, value: unknown) => {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new InputError(
          `${path}: ${cut(key)}: ${cut(writtenNumber(text, key, value))} is not a finite number`,
        );
      }
      return value;
    });
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = configSchema().safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join('.') : 'the top level';
    // zod quotes unknown keys: a key of a megabyte must not become a megabyte message.
    throw new InputError(`${path}: ${cut(where)}: ${cut(issue.message, 200)}`);
  }
  if (parsed.data.objectives) {
    try {
      parseObjectives(parsed.data.objectives);
    } catch (error) {
      throw new InputError(`${path}: objectives: ${(error as Error).message}`);
    }
  }
  return parsed.data;
}

/** The JSON Schema of the config file, as written to schema/config.schema.json. */
export function configJsonSchema(): unknown {
  return {
    ...zod().toJSONSchema(configSchema()),
    $id: 'https://perfsight.dev/schema/config.schema.json',
    title: 'perfsight.config.json',
  };
}
