import { statSync } from 'node:fs';
import { Command } from 'commander';
import { checkGate, withOutputOptions } from './_options.js';
import { prepareSamplesWorker, releaseSamplesWorker } from '../report/samples-worker-start.js';
import type { ReportFlags } from './_report-file.js';

/**
 * `perfsight report`'s definition. Light on purpose: what reads the file and writes the
 * folder (`_report-file.ts`, ~140 modules) is loaded once the samples worker is started.
 */
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
  // A file this large makes a run whose samples.csv.gz and samples.arrow are encoded on a
  // worker (see report/_samples-files.ts). Started first, it boots on the other core while
  // this thread loads the modules below, and is ready when the reading starts: it encodes
  // each chunk of samples as soon as it is read, and its gzip, the report's longest part,
  // starts that much sooner.
  const onSamples = fileBytes(file) >= LARGE_FILE_BYTES ? prepareSamplesWorker() : undefined;
  try {
    const { reportFile } = await import('./_report-file.js');
    return await reportFile(file, flags, onSamples);
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
