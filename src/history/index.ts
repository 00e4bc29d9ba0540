/**
 * The history store: every `run` and `report` is saved (unless `--no-history`) so later runs
 * can be compared with `--baseline latest` and trended. SQLite by default, PostgreSQL for
 * teams whose CI runs on many machines.
 */
import { PostgresHistory } from './_postgres.js';
import { SqliteHistory } from './_sqlite.js';
import type { HistoryStore } from './types.js';

export { TREND_METRICS } from './types.js';
export type { HistoryRecord, HistoryStore, TrendMetric } from './types.js';
export { buildHistoryRecord, configHash } from './record.js';

/** Where runs are saved when `--history` is not given, relative to the working directory. */
export const DEFAULT_HISTORY_PATH = '.perfsight/history.db';

/** Opens (and creates or migrates) a store: a `postgres://` URL, or a SQLite file path. */
export async function openHistory(target: string = DEFAULT_HISTORY_PATH): Promise<HistoryStore> {
  if (/^postgres(ql)?:\/\//i.test(target)) return PostgresHistory.open(target);
  return SqliteHistory.open(target);
}
