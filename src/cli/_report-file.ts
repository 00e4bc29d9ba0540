import { basename } from 'node:path';
import { describeEnvironment } from '../environment/index.js';
import { MetricsCollector } from '../metrics/index.js';
import { readSamplesFile } from '../samples/index.js';
import { loadPolicy } from './config.js';
import { finishRun } from './_finish.js';
import { defaultOutDir, historyArgs, type OutputFlags } from './_options.js';
import { checkReportFolder } from '../report/index.js';
import type { SamplesSink } from '../report/samples-worker-start.js';

export interface ReportFlags extends OutputFlags {
  name?: string;
  description?: string;
}

/**
 * `perfsight report <file>` once its samples worker (if any) is started: the policy and the
 * output folder checked, the file read, the run finished like a measured one.
 */
export async function reportFile(
  file: string,
  flags: ReportFlags,
  onSamples: SamplesSink | undefined,
): Promise<number> {
  const policy = loadPolicy({ slo: flags.slo, config: flags.config });
  if (flags.out !== undefined) await checkReportFolder(flags.out);
  return readAndFinish(file, flags, policy, onSamples);
}

async function readAndFinish(
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
