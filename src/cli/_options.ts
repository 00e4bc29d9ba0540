import { InvalidArgumentError, type Command } from 'commander';
// Not load/index.js: that loads the load driver and the recorder, ahead of `report`'s samples
// worker (see report.ts), which starts once this file and report.ts are loaded.
import { parseDurationMs } from '../load/duration.js';
import { UsageError } from '../errors.js';

/** Argument parsers for commander: each rejects with a message saying what is expected. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a whole number ≥ 1.');
  }
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('expected a whole number ≥ 0.');
  }
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('expected a number > 0.');
  }
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError('expected a number ≥ 0.');
  }
  return n;
}

/** A ratio: `0.05` or `5%`. */
export function ratio(value: string): number {
  const percent = value.trim().endsWith('%');
  const n = Number(percent ? value.trim().slice(0, -1) : value);
  const r = percent ? n / 100 : n;
  if (value.trim() === '' || !Number.isFinite(r) || r < 0 || r > 1) {
    throw new InvalidArgumentError('expected a ratio between 0 and 1 (or a percentage like 5%).');
  }
  return r;
}

export function duration(value: string): number {
  const ms = parseDurationMs(value);
  // Any finite length is honoured (timers longer than Node's 24.8-day limit are chained);
  // a number of digits that overflows to Infinity is not a duration.
  if (ms === undefined || ms <= 0 || !Number.isFinite(ms)) {
    throw new InvalidArgumentError('expected a duration such as 30s, 500ms, 5m or 1h.');
  }
  return ms;
}

/** `--history`: a place runs are kept; '' or `:memory:` would be a database lost at exit. */
export function historyTarget(value: string): string {
  if (value.trim() === '' || value.trim() === ':memory:') {
    throw new InvalidArgumentError(
      'expected a SQLite file path or a postgres:// URL (--no-history saves nothing).',
    );
  }
  return value;
}

/** `20261124-115330-my-test`: a folder name that sorts by time and says what ran. */
export function defaultOutDir(name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `perfsight-reports/${stamp}-${slug || 'run'}`;
}

/** What `withOutputOptions` adds, as commander hands it to an action. */
export interface OutputFlags {
  out?: string;
  json?: boolean;
  history?: string | false;
  baseline?: string;
  failOnRegression?: boolean;
  slo?: string[];
  config?: string;
}

/** The options `run` and `report` share: where reports go, history, baseline, objectives. */
export function withOutputOptions(command: Command): Command {
  return command
    .option('-o, --out <dir>', 'report folder (default perfsight-reports/<time>-<name>)')
    .option('--json', 'print summary.json on stdout instead of the text summary')
    .option(
      '--history <target>',
      'history store: SQLite file or postgres:// URL (default $PERFSIGHT_HISTORY, else .perfsight/history.db)',
      historyTarget,
    )
    .option('--no-history', 'do not read or save the history store')
    .option(
      '--baseline <run>',
      'compare with an earlier run: latest, a history run id, or a report folder / detailed.json',
    )
    .option(
      '--fail-on-regression',
      'with --baseline: exit 1 when the comparison’s overall verdict is regressed',
    )
    .option(
      '--slo <objective>',
      'objective to meet, repeatable: p95<100ms, success>=99%… (default: perfsight.config.json, else p95<100ms and success>=99%; fallback<1% joins unless a fallback objective is given)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option(
      '--config <file>',
      'objectives and thresholds (default: ./perfsight.config.json if present)',
    );
}

/** `--fail-on-regression` gates on a comparison: without `--baseline` it would gate on nothing. */
export function checkGate(flags: { failOnRegression?: boolean; baseline?: string }): void {
  if (flags.failOnRegression && flags.baseline === undefined) {
    throw new UsageError(
      '--fail-on-regression needs --baseline <run> (latest, a history run id or a report folder) to compare with',
    );
  }
}

/** `--history` as given, to repeat in a command perfsight suggests. */
export function historyArgs(history: string | false | undefined): string[] {
  if (history === false) return ['--no-history'];
  return history === undefined ? [] : ['--history', history];
}
