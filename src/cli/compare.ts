import { Command, InvalidArgumentError } from 'commander';
import { compareRuns, loadRunForComparison, type ComparableRun } from '../analysis/index.js';
import type { ComparisonReport } from '../analysis/types.js';
import {
  json,
  renderComparisonHtml,
  renderComparisonMarkdown,
  addToReportFolder,
  checkReportFolder,
  isPerfsightFolder,
  writeReportFolder,
  type ReportFile,
} from '../report/index.js';
import { terminalText } from '../neutralise/index.js';
import { defaultOutDir } from './_options.js';

interface CompareFlags {
  alpha: number;
  noise: number;
  seed: number;
  out?: string;
  json?: boolean;
  failOnRegression?: boolean;
}

function probability(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1))
    throw new InvalidArgumentError('expected a number between 0 and 1, e.g. 0.05.');
  return n;
}

function noiseRatio(value: string): number {
  const percent = value.trim().endsWith('%');
  const n = Number(percent ? value.trim().slice(0, -1) : value) / (percent ? 100 : 1);
  if (!(n >= 0 && n < 1)) throw new InvalidArgumentError('expected a ratio such as 0.05 or 5%.');
  return n;
}

function seed(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new InvalidArgumentError('expected a whole number ≥ 0.');
  return n;
}

export function compareCommand(exit: (code: number) => void): Command {
  return new Command('compare')
    .description(
      'statistical comparison of two runs: improved, regressed, unchanged or within noise',
    )
    .argument('<baseline>', 'report folder or detailed.json of the baseline run')
    .argument('<current>', 'report folder or detailed.json of the current run')
    .option('--alpha <p>', 'significance level', probability, 0.05)
    .option('--noise <ratio>', 'changes smaller than this are noise: 0.05 or 5%', noiseRatio, 0.05)
    .option('--seed <n>', 'seed of the bootstrap', seed, 42)
    .option(
      '-o, --out <dir>',
      'folder for comparison.json and comparison.md (default perfsight-reports/<time>-compare)',
    )
    .option('--json', 'print comparison.json on stdout instead of the table')
    .option('--fail-on-regression', 'exit 1 when any metric regressed')
    .action(async (baseline: string, current: string, flags: CompareFlags) => {
      exit(await compareAction(baseline, current, flags));
    });
}

/** The comparison of two loaded runs and the files it makes. Pure: nothing is written. */
export function comparisonFiles(
  baseline: ComparableRun,
  current: ComparableRun,
  options: { alpha?: number; noise?: number; seed?: number } = {},
): { report: ComparisonReport; files: ReportFile[] } {
  const report = compareRuns(baseline, current, options);
  const files: ReportFile[] = [
    { name: 'comparison.json', render: () => json(report) },
    { name: 'comparison.md', render: () => renderComparisonMarkdown(report) },
    {
      name: 'comparison.html',
      render: () =>
        renderComparisonHtml({
          comparison: report,
          baseline: baseline.report,
          current: current.report,
        }),
    },
  ];
  return { report, files };
}

/**
 * Compares two runs and writes the comparison files: into a new (absent or empty) folder,
 * written whole, or beside a run's reports in a folder perfsight created, replacing that
 * folder's earlier comparison files as a set. Returns where they went.
 */
export async function writeComparison(
  baselinePath: string,
  currentPath: string,
  out: string,
  options: { alpha?: number; noise?: number; seed?: number; defaultOut?: boolean } = {},
): Promise<{ report: ComparisonReport; out: string }> {
  const addTo = (await isPerfsightFolder(out)) ? out : undefined;
  if (!addTo) await checkReportFolder(out, { unique: options.defaultOut });
  // Both inputs are read and checked before anything is written.
  const [baseline, current] = await Promise.all([
    loadRunForComparison(baselinePath),
    loadRunForComparison(currentPath),
  ]);
  const { report, files } = comparisonFiles(baseline, current, options);
  if (addTo) {
    await addToReportFolder(addTo, files);
    return { report, out: addTo };
  }
  return { report, out: await writeReportFolder(out, files, 'comparison') };
}

async function compareAction(
  baselinePath: string,
  currentPath: string,
  flags: CompareFlags,
): Promise<number> {
  const { report, out } = await writeComparison(
    baselinePath,
    currentPath,
    flags.out ?? defaultOutDir('compare'),
    { ...flags, defaultOut: flags.out === undefined },
  );
  if (flags.json) {
    process.stdout.write(json(report));
    process.stderr.write(`perfsight: comparison written to ${out}\n`);
  } else {
    process.stdout.write(terminalText(renderComparisonMarkdown(report)));
    process.stdout.write(`\nComparison written to ${out}/\n`);
  }
  return flags.failOnRegression && report.overall_verdict === 'regressed' ? 1 : 0;
}
