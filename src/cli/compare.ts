import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { ComparableRun } from '../analysis/index.js';
import { loadRunForComparison } from '../samples/index.js';
import type { ComparisonReport } from '../analysis/types.js';
import {
  json,
  renderComparisonMarkdown,
  addToReportFolder,
  checkReportFolder,
  isPerfsightFolder,
  writeReportFolder,
} from '../report/index.js';
import { comparisonFiles } from '../pipeline/index.js';
import { terminalText } from '../neutralise/index.js';
import { defaultOutDir, historyTarget } from './_options.js';
import { colourOn, paint } from './_terminal.js';
import { cut, UsageError } from '../errors.js';
import {
  configDifferences,
  openExistingHistory,
  resolveBaseline,
  type HistoryStore,
  type ResolvedBaseline,
} from '../history/index.js';

interface CompareFlags {
  history?: string;
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
    .argument(
      '<baseline>',
      'the baseline run: report folder, detailed.json, a history run id, or latest (the newest other stored run of the current run’s test)',
    )
    .argument('<current>', 'the current run: report folder, detailed.json or a history run id')
    .option('--alpha <p>', 'significance level', probability, 0.05)
    .option('--noise <ratio>', 'changes smaller than this are noise: 0.05 or 5%', noiseRatio, 0.05)
    .option('--seed <n>', 'seed of the bootstrap', seed, 42)
    .option(
      '-o, --out <dir>',
      'folder for comparison.json and comparison.md (default perfsight-reports/<time>-compare)',
    )
    .option('--json', 'print comparison.json on stdout instead of the table')
    .option('--fail-on-regression', 'exit 1 when the overall verdict is regressed')
    .option(
      '--history <target>',
      'where run ids and latest are looked up: SQLite file or postgres:// URL (default $PERFSIGHT_HISTORY, else .perfsight/history.db)',
      historyTarget,
    )
    .action(async (baseline: string, current: string, flags: CompareFlags) => {
      exit(await compareAction(baseline, current, flags));
    });
}

/**
 * Compares two runs and writes the comparison files: into a new (absent or empty) folder,
 * written whole, or beside a run's reports in a folder perfsight created, replacing that
 * folder's earlier comparison files as a set. `load` reads both runs (they are read and
 * checked before anything is written). Returns where the files went.
 */
export async function writeComparison(
  load: () => Promise<[ComparableRun, ComparableRun]>,
  out: string,
  options: { alpha?: number; noise?: number; seed?: number; defaultOut?: boolean } = {},
): Promise<{ report: ComparisonReport; out: string; runs: [ComparableRun, ComparableRun] }> {
  const addTo = (await isPerfsightFolder(out)) ? out : undefined;
  if (!addTo) await checkReportFolder(out, { unique: options.defaultOut });
  // Both inputs are read and checked before anything is written.
  const [baseline, current] = await load();
  const { report, files } = comparisonFiles(baseline, current, options);
  const runs: [ComparableRun, ComparableRun] = [baseline, current];
  if (addTo) {
    await addToReportFolder(addTo, files);
    return { report, out: addTo, runs };
  }
  return { report, out: await writeReportFolder(out, files, 'comparison'), runs };
}

/**
 * One line when two runs were set up differently (their `config_hash` differs in a setting),
 * naming each difference: the comparison may then measure the setup, not the code.
 */
export function configurationWarning(
  baseline: Pick<ComparableRun, 'report'>,
  current: Pick<ComparableRun, 'report'>,
): string | undefined {
  const differences = configDifferences(
    baseline.report.configuration,
    current.report.configuration,
  );
  if (differences.length === 0) return undefined;
  const named = differences.slice(0, 8).map((d) => cut(d, 120));
  if (differences.length > 8) named.push(`${differences.length - 8} more`);
  return `perfsight: warning: the two runs were configured differently (${named.join('; ')}): a difference may come from the setup, not the code\n`;
}

/**
 * `compare`'s two arguments as runs: a report folder or detailed.json as given; otherwise
 * looked up in the history — a run id, or `latest` for the newest stored run of the other
 * run's test (never that run itself).
 */
async function loadRuns(
  baselineArg: string,
  currentArg: string,
  history: string | undefined,
): Promise<{ runs: [ComparableRun, ComparableRun]; resolved: ResolvedBaseline[] }> {
  if (baselineArg === 'latest' && currentArg === 'latest' && !existsSync('latest')) {
    throw new UsageError('compare latest latest: name one of the two runs (a folder or a run id)');
  }
  let store: HistoryStore | undefined;
  let opened = false;
  const lookup = async (spec: string, other?: ComparableRun, otherPath?: string) => {
    // What looks like a path is one: a typo in it is "no such report folder", not a lookup.
    if (existsSync(spec) || /[\\/.]/.test(spec)) return { path: spec, runId: null };
    if (!opened) {
      opened = true;
      store = await openExistingHistory(history);
    }
    return resolveBaseline(spec, other?.report.test_name ?? '', store, {
      exclude: otherPath,
      label: `compare ${spec}`,
    });
  };
  try {
    // `latest` is resolved last: it needs the other run's test name.
    const latestFirst = baselineArg === 'latest' && !existsSync('latest');
    const [firstArg, secondArg] = latestFirst
      ? [currentArg, baselineArg]
      : [baselineArg, currentArg];
    const first = await lookup(firstArg);
    const firstRun = await loadRunForComparison(first.path);
    const second = await lookup(secondArg, firstRun, first.path);
    const secondRun = await loadRunForComparison(second.path);
    return latestFirst
      ? { runs: [secondRun, firstRun], resolved: [second, first] }
      : { runs: [firstRun, secondRun], resolved: [first, second] };
  } finally {
    await store?.close();
  }
}

async function compareAction(
  baselineArg: string,
  currentArg: string,
  flags: CompareFlags,
): Promise<number> {
  let resolved: ResolvedBaseline[] = [];
  const { report, out, runs } = await writeComparison(
    async () => {
      const loaded = await loadRuns(baselineArg, currentArg, flags.history);
      resolved = loaded.resolved;
      return loaded.runs;
    },
    flags.out ?? defaultOutDir('compare'),
    { ...flags, defaultOut: flags.out === undefined },
  );
  const warning = configurationWarning(...runs);
  if (warning) process.stderr.write(paint(terminalText(warning), colourOn(process.stderr)));
  const fromHistory = resolved
    .map((r, i) =>
      r.runId ? `${i === 0 ? 'baseline' : 'current'}: run ${r.runId} (${r.path})` : '',
    )
    .filter(Boolean);
  if (flags.json) {
    process.stdout.write(json(report));
    process.stderr.write(`perfsight: comparison written to ${out}\n`);
  } else {
    process.stdout.write(
      paint(terminalText(renderComparisonMarkdown(report)), colourOn(process.stdout)),
    );
    if (fromHistory.length > 0)
      process.stdout.write(`\nFrom the history: ${fromHistory.join('; ')}\n`);
    process.stdout.write(`\nComparison written to ${out}/\n`);
  }
  return flags.failOnRegression && report.overall_verdict === 'regressed' ? 1 : 0;
}
