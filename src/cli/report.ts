import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { Command } from 'commander';
import { describeEnvironment } from '../environment/index.js';
import { MetricsCollector } from '../metrics/index.js';
import { readSamplesFile } from '../samples/index.js';
import { loadPolicy } from './config.js';
import { finishRun } from './_finish.js';
import {
  checkGate,
  defaultOutDir,
  historyArgs,
  type OutputFlags,
  withOutputOptions,
} from './_options.js';
import {
  checkReportFolder,
  prepareSamplesWorker,
  releaseSamplesWorker,
  type SamplesSink,
} from '../report/index.js';

interface ReportFlags extends OutputFlags {
  name?: string;
  description?: string;
}

export function reportCommand(exit: (code: number) => void): Command {
  return withOutputOptions(
    new Command('report')
      .description('the same reports from samples measured elsewhere (CSV or JSON Lines, .gz ok)')
      .argument('<samples>', 'samples file: .csv, .jsonl, optionally .gz')
      .option('--name <name>', 'test name in the reports (default: the file name)')
      .option('--description <text>', 'test description in the reports'),
  ).action(async (file: string, flags: ReportFlags) => {
    exit(await reportAction(file, flags));
  });
}

async function reportAction(file: string, flags: ReportFlags): Promise<number> {
  checkGate(flags);
  const policy = loadPolicy({ slo: flags.slo, config: flags.config });
  if (flags.out !== undefined) await checkReportFolder(flags.out);
  // A file this large makes a run whose samples.csv.gz and samples.arrow are encoded on a
  // worker (see report/_samples-files.ts): started now, it is ready when the reading starts
  // and encodes each chunk of samples as soon as it is read.
  const onSamples = fileBytes(file) >= LARGE_FILE_BYTES ? prepareSamplesWorker() : undefined;
  try {
    return await reportFile(file, flags, policy, onSamples);
  } finally {
    releaseSamplesWorker();
  }
}

/** About 20,000 rows of CSV; a gzip of two or three times as many. */
const LARGE_FILE_BYTES = 512 * 1024;

/** The file's size, 0 when it cannot be looked at (reading it then says why). */
function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

async function reportFile(
  file: string,
  flags: ReportFlags,
  policy: ReturnType<typeof loadPolicy>,
  onSamples: SamplesSink | undefined,
): Promise<number> {
  // Everything is read and checked before a single output file is created (the samples
  // worker only encodes in memory; a bad line ends it with nothing written).
  const collector = new MetricsCollector({ sampleResources: false, onSamples });
  const read = await readSamplesFile(file, collector);
  const name = flags.name ?? basename(file).replace(/\.(csv|jsonl|ndjson|json)(\.gz)?$/i, '');
  const { exitCode } = await finishRun(
    {
      name,
      description: flags.description ?? `Samples from ${basename(file)}`,
      recorded: collector.recorded(),
      uncorrected: null,
      interrupted: false,
      configuration: { source: file, samples: read.samples, timed: read.timed },
      environment: describeEnvironment(),
      workload: { kind: 'samples_file', path: file },
      generatedAt: new Date(),
    },
    {
      out: flags.out ?? defaultOutDir(name),
      defaultOut: flags.out === undefined,
      json: flags.json,
      history: flags.history,
      baseline: flags.baseline,
      failOnRegression: flags.failOnRegression,
      again: ['report', '<samples>', '--name', name, ...historyArgs(flags.history)],
      policy,
    },
  );
  return exitCode;
}
