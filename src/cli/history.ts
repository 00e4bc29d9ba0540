import { percent } from '../model/format.js';
import { Command } from 'commander';
import { openHistory, type HistoryRecord } from '../history/index.js';
import { terminalLine } from '../neutralise/index.js';
import { json } from '../report/index.js';
import { quote } from '../errors.js';
import { positiveInt } from './_options.js';

interface HistoryFlags {
  name?: string;
  limit: number;
  json?: boolean;
  history?: string;
}

export function historyCommand(exit: (code: number) => void): Command {
  return new Command('history')
    .description('list past runs from the history store, newest first')
    .option('--name <name>', 'only runs of this test')
    .option('--limit <n>', 'at most this many runs', positiveInt, 20)
    .option('--json', 'print the runs as JSON (summaries and histograms included)')
    .option(
      '--history <target>',
      'SQLite file or postgres:// URL (default $PERFSIGHT_HISTORY or .perfsight/history.db)',
    )
    .action(async (flags: HistoryFlags) => {
      exit(await historyAction(flags));
    });
}

async function historyAction(flags: HistoryFlags): Promise<number> {
  const store = await openHistory(flags.history);
  try {
    const runs = await store.list({ name: flags.name, limit: flags.limit });
    if (runs.length === 0 && flags.name !== undefined && !flags.json) {
      // A misspelt name finds nothing: say which names there are.
      process.stdout.write(noSuchTest(flags.name, await store.testNames(), store.location));
      return 0;
    }
    process.stdout.write(flags.json ? json(runs) : renderHistoryTable(runs, store.location));
    return 0;
  } finally {
    await store.close();
  }
}

const COLUMNS: Array<[string, (run: HistoryRecord) => string]> = [
  ['run id', (run) => run.run_id],
  ['time (UTC)', (run) => run.created_at.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')],
  ['test', (run) => run.test_name],
  ['commit', (run) => run.git_commit?.slice(0, 10) ?? '-'],
  ['requests', (run) => String(run.total_requests)],
  ['p50 ms', (run) => run.median_ms.toFixed(2)],
  ['p95 ms', (run) => run.p95_ms.toFixed(2)],
  ['p99 ms', (run) => run.p99_ms.toFixed(2)],
  ['rps', (run) => (run.throughput_rps === null ? '-' : run.throughput_rps.toFixed(1))],
  ['errors', (run) => percent(run.error_rate)],
  [
    'objectives',
    (run) => (run.objectives_met === null ? '-' : run.objectives_met ? 'met' : 'FAILED'),
  ],
];

/** `history --name x` when x has no runs: the names it has, so a typo is one look away. */
export function noSuchTest(
  name: string,
  tests: ReadonlyArray<{ test_name: string; runs: number }>,
  location: string,
): string {
  const where = terminalLine(location);
  if (tests.length === 0)
    return `No runs of ${terminalLine(quote(name))}: the history at ${where} is empty.\n`;
  const listed = tests
    .slice(0, 20)
    .map((t) => `  ${terminalLine(t.test_name)} (${t.runs} run${t.runs === 1 ? '' : 's'})`);
  const more = tests.length > 20 ? [`  … and ${tests.length - 20} more`] : [];
  return [
    `No runs of ${terminalLine(quote(name))} in the history at ${where}. It has runs of:`,
    ...listed,
    ...more,
    '',
  ].join('\n');
}

/** A plain-text table, columns padded to their widest cell; numbers right-aligned. */
export function renderHistoryTable(runs: readonly HistoryRecord[], location: string): string {
  if (runs.length === 0) return `No runs in the history at ${terminalLine(location)}.\n`;
  const rows = [
    COLUMNS.map(([title]) => title),
    ...runs.map((run) => COLUMNS.map(([, cell]) => terminalLine(cell(run)))),
  ];
  const widths = COLUMNS.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const numeric = new Set([4, 5, 6, 7, 8, 9]);
  const lines = rows.map((row) =>
    row
      .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n${runs.length} run${runs.length === 1 ? '' : 's'} from ${terminalLine(location)}\n`;
}
