/**
 * `perfsight merge`: the report folders of one test run on several machines (`run --shard
 * i/n --group id`) made into one report folder, through the same pipeline as `run`.
 * Everything is read and checked before anything is written.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describeEnvironment } from '../environment/index.js';
import { InputError, UsageError } from '../errors.js';
import { readTextFileSync } from '../input.js';
import { terminalText } from '../neutralise/index.js';
import { DEFAULT_EXACT_CAP } from '../metrics/index.js';
import { checkReportFolder } from '../report/index.js';
import {
  mergeShards,
  mismatchOf,
  readShardReport,
  shardReportFromHistory,
  type ShardReport,
} from '../samples/index.js';
import { loadPolicy } from './config.js';
import { finishRun } from './_finish.js';
import { checkGate, defaultOutDir, type OutputFlags, withOutputOptions } from './_options.js';
import { parseGroup } from './_shard.js';
import { DEFAULT_HISTORY_PATH, openExistingHistory } from '../history/index.js';

interface MergeFlags extends OutputFlags {
  force?: boolean;
  name?: string;
  group?: string;
}

/**
 * Test-only: a lower exact cap, so the histogram path can be exercised without a run of a
 * million calls. Not a user option (the cap is the recorder's, 1,000,000).
 */
const EXACT_CAP_ENV = 'PERFSIGHT_TEST_MERGE_EXACT_CAP';

export function mergeCommand(exit: (code: number) => void): Command {
  return withOutputOptions(
    new Command('merge')
      .description(
        'combine the report folders of one test run on several machines (run --shard i/n) into one report',
      )
      .argument('[folders...]', 'report folders of the shards (perfsight run --shard i/n -o …)')
      .option(
        '--group <id>',
        'instead of folders: the runs of this group in the history store (--history, else the default)',
        parseGroup,
      )
      .option('--name <name>', 'test name in the reports (default: the shards’ test name)')
      .option('--force', 'merge runs of different tests or configurations anyway'),
  ).action(async (folders: string[], flags: MergeFlags) => {
    exit(await mergeAction(folders, flags));
  });
}

async function mergeAction(folders: string[], flags: MergeFlags): Promise<number> {
  checkGate(flags);
  const twice = folders.find((folder, i) => folders.indexOf(folder) !== i);
  if (twice !== undefined) {
    throw new UsageError(`${twice} is given twice: each shard's samples would count twice`);
  }
  const source =
    flags.group === undefined
      ? fromFolders(folders)
      : await fromHistory(flags.group, folders, flags);
  const { shards } = source;
  const mismatch = mismatchOf(shards);
  if (mismatch && !flags.force) {
    throw new UsageError(`${mismatch} (--force merges them anyway)`);
  }
  // --slo or --config decide; else the objectives the shards were held to, else run's defaults.
  const fromShards =
    flags.slo === undefined && flags.config === undefined
      ? sameObjectives(shards, source.objectives)
      : undefined;
  const policy = loadPolicy({ slo: flags.slo ?? fromShards, config: flags.config });
  if (fromShards) policy.source = 'the shards’ objectives';
  const first = shards[0]!.detailed;
  const name = flags.name ?? first.test_name;
  const out = flags.out ?? defaultOutDir(name);
  await checkReportFolder(out, { unique: flags.out === undefined });
  const merged = await mergeShards(shards, exactCap());
  const groups = [...new Set(shards.map((s) => s.detailed.group).filter((g) => g !== undefined))];
  const { exitCode, reports } = await finishRun(
    {
      name,
      description: first.test_description,
      recorded: merged.recorded,
      // Figures from each call's actual start are each shard's own (see the per-shard rows).
      uncorrected: null,
      interrupted: shards.some((s) => s.detailed.interrupted),
      configuration: { ...first.configuration, merged_from: folders.length },
      environment: describeEnvironment(),
      workload: first.workload,
      http: merged.http,
      group: groups.length === 1 ? groups[0] : undefined,
      mergedShards: merged.shards,
      generatedAt: new Date(),
    },
    {
      out,
      defaultOut: flags.out === undefined,
      json: flags.json,
      // A merge is read from runs each machine already reported; it saves nothing unless asked
      // (and never into the history it was read from).
      history: flags.group === undefined ? (flags.history ?? false) : false,
      baseline: flags.baseline,
      failOnRegression: flags.failOnRegression,
      policy,
    },
  );
  const summary = reports.summary;
  (flags.json ? process.stderr : process.stdout).write(
    `Merged ${shards.length} run(s)${summary.group === undefined ? '' : ` of group ${terminalText(summary.group)}`}: ${
      summary.percentile_method === 'exact_linear'
        ? 'exact percentiles over every sample'
        : 'percentiles from their HDR histograms added up'
    } (percentile_method ${summary.percentile_method}); throughput over the time they ran\n`,
  );
  return exitCode;
}

interface Source {
  shards: ShardReport[];
  /** Each shard's objectives (their text), undefined where unknown. */
  objectives: Array<string[] | undefined>;
}

function fromFolders(folders: string[]): Source {
  if (folders.length === 0) {
    throw new UsageError(
      'give the shards’ report folders, or --group <id> to read them from the history',
    );
  }
  const shards = folders.map(readShardReport);
  return { shards, objectives: shards.map((shard) => objectivesOf(shard.folder)) };
}

/**
 * The runs of a group as the history keeps them (summary and successful-latency histogram):
 * merged from histograms, the failures' figures combined (the history keeps no samples).
 */
async function fromHistory(group: string, folders: string[], flags: MergeFlags): Promise<Source> {
  if (folders.length > 0) {
    throw new UsageError('give report folders or --group <id> (runs from the history), not both');
  }
  if (flags.history === false) {
    throw new UsageError(
      '--group reads the runs from the history: it needs a store, not --no-history',
    );
  }
  const store = await openExistingHistory(flags.history);
  if (!store) {
    throw new InputError(
      `no history store at ${flags.history ?? (process.env.PERFSIGHT_HISTORY || DEFAULT_HISTORY_PATH)} to read group ${group} from`,
    );
  }
  let records;
  try {
    records = (await store.list({ limit: Number.MAX_SAFE_INTEGER })).filter(
      (record) => record.group_id === group,
    );
  } finally {
    await store.close().catch(() => undefined);
  }
  if (records.length === 0) throw new InputError(`no run of group ${group} in the history`);
  // Shard 1 first, as a merge of folders in order would list them.
  records.sort(
    (a, b) =>
      (a.shard?.index ?? 0) - (b.shard?.index ?? 0) || a.created_at.localeCompare(b.created_at),
  );
  return {
    shards: records.map(shardReportFromHistory),
    objectives: records.map((record) =>
      record.objectives.length
        ? objectiveTexts(record.objectives, `history run ${record.run_id}`)
        : undefined,
    ),
  };
}

/**
 * The objectives the shards were held to, when they all say the same; undefined when none
 * says. Shards held to different objectives are not one test.
 */
function sameObjectives(
  shards: readonly ShardReport[],
  lists: ReadonlyArray<string[] | undefined>,
): string[] | undefined {
  const known = lists.filter((list) => list !== undefined);
  if (known.length === 0) return undefined;
  const first = JSON.stringify(known[0]);
  const differs = lists.findIndex((list) => list && JSON.stringify(list) !== first);
  if (differs >= 0) {
    throw new UsageError(
      `${shards[differs]!.folder} was held to other objectives than ${shards[lists.indexOf(known[0])]!.folder}: give the merge's own with --slo or --config`,
    );
  }
  return known[0];
}

function objectiveTexts(objectives: unknown[], where: string): string[] {
  return objectives.map((o) => {
    const text = (o as { objective?: unknown } | null)?.objective;
    if (typeof text !== 'string') {
      throw new InputError(`${where}: objectives: each needs its objective text`);
    }
    return text;
  });
}

function objectivesOf(folder: string): string[] | undefined {
  const file = join(folder, 'analysis.json');
  if (!existsSync(file)) return undefined;
  let analysis: unknown;
  try {
    analysis = JSON.parse(readTextFileSync(file));
  } catch (error) {
    throw new InputError(`${file}: cannot be read as JSON (${(error as Error).message})`);
  }
  const objectives = (analysis as { objectives?: unknown } | null)?.objectives;
  if (!Array.isArray(objectives)) return undefined;
  return objectiveTexts(objectives, file);
}

function exactCap(): number {
  const given = process.env[EXACT_CAP_ENV];
  if (given === undefined || given.trim() === '') return DEFAULT_EXACT_CAP;
  const lowered = Number(given);
  return Number.isSafeInteger(lowered) && lowered >= 0 ? lowered : DEFAULT_EXACT_CAP;
}
