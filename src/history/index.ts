import { existsSync } from 'node:fs';
/**
 * The history store: every `run` and `report` is saved (unless `--no-history`) so later runs
 * can be compared with `--baseline latest` and trended. SQLite by default, PostgreSQL for
 * teams whose CI runs on many machines.
 */
import { HISTORY_OFF, type HistoryStore } from './types.js';
import { InputError } from '../errors.js';

export { HISTORY_OFF, TREND_METRICS } from './types.js';
export type { HistoryRecord, HistoryStore, TrendMetric } from './types.js';
export { buildHistoryRecord, configDifferences, configHash } from './record.js';
export { resolveBaseline, type ResolvedBaseline } from './baseline.js';
export {
  ANALYSIS_TREND_METRIC,
  currentValue,
  openRunHistory,
  readEarlierRuns,
  saveRunHistory,
  trendFromStore,
} from './run-history.js';
export type { HistoryTarget, RunHistory } from './run-history.js';

/** Where runs are saved when `--history` is not given, relative to the working directory. */
export const DEFAULT_HISTORY_PATH = '.perfsight/history.db';

/**
 * Opens (and creates or migrates) a store: a `postgres://` URL, or a SQLite file path.
 * Without a target: `$PERFSIGHT_HISTORY` (so a CI job can point every command at one
 * database), else `.perfsight/history.db`.
 */
export async function openHistory(target?: string): Promise<HistoryStore> {
  const fromEnvironment = process.env.PERFSIGHT_HISTORY;
  if (target === undefined && fromEnvironment && HISTORY_OFF.test(fromEnvironment)) {
    throw new InputError(
      `the history store is turned off (PERFSIGHT_HISTORY=${fromEnvironment}): pass --history <sqlite-path|postgres-url>`,
    );
  }
  // An empty path or `:memory:` would save into a database discarded at exit.
  if (target !== undefined && (target.trim() === '' || target.trim() === ':memory:')) {
    throw new InputError(
      `--history "${target}" is not a place runs can be kept: give a SQLite file path or a postgres:// URL (--no-history saves nothing)`,
    );
  }
  target ??= fromEnvironment || DEFAULT_HISTORY_PATH;
  // Each backend's driver (pg, better-sqlite3) is loaded only when its store is opened:
  // together they took a fifth of a second of every command's start, `--no-history` too.
  if (/^postgres(ql)?:\/\//i.test(target)) {
    const { PostgresHistory } = await import('./_postgres.js');
    return PostgresHistory.open(target);
  }
  const { SqliteHistory } = await import('./_sqlite.js');
  return SqliteHistory.open(target);
}

/**
 * The store to look runs up in, never creating one (a lookup must not leave a database
 * behind): undefined when the history is turned off or its SQLite file does not exist.
 */
export async function openExistingHistory(target?: string): Promise<HistoryStore | undefined> {
  const fromEnvironment = process.env.PERFSIGHT_HISTORY;
  if (target === undefined && fromEnvironment && HISTORY_OFF.test(fromEnvironment))
    return undefined;
  const location = target ?? (fromEnvironment || DEFAULT_HISTORY_PATH);
  if (!/^postgres(ql)?:\/\//i.test(location) && !existsSync(location)) return undefined;
  return openHistory(location);
}
