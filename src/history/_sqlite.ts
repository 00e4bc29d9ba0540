import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../errors.js';
import { COLUMNS, fromRow, toRow } from './_columns.js';
import { TREND_METRICS, type HistoryRecord, type HistoryStore, type TrendMetric } from './types.js';

/**
 * Schema migrations, applied in order; `PRAGMA user_version` says how many ran. Append only:
 * a database written by an older perfsight is brought up to date on open.
 */
const MIGRATIONS = [
  `CREATE TABLE runs (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     run_id TEXT NOT NULL UNIQUE,
     test_name TEXT NOT NULL,
     created_at TEXT NOT NULL,
     git_commit TEXT,
     host TEXT NOT NULL,
     node_version TEXT NOT NULL,
     config_hash TEXT NOT NULL,
     total_requests INTEGER NOT NULL,
     success_rate REAL NOT NULL,
     error_rate REAL NOT NULL,
     throughput_rps REAL,
     average_ms REAL NOT NULL,
     median_ms REAL NOT NULL,
     p95_ms REAL NOT NULL,
     p99_ms REAL NOT NULL,
     objectives_met INTEGER,
     objectives_json TEXT NOT NULL,
     summary_json TEXT NOT NULL,
     latency_histogram_hdr TEXT,
     report_dir TEXT
   );
   CREATE INDEX runs_by_test ON runs (test_name, seq);`,
  // Runs of several machines (--shard i/n, --group id): merged by group.
  `ALTER TABLE runs ADD COLUMN group_id TEXT;
   ALTER TABLE runs ADD COLUMN shard_index INTEGER;
   ALTER TABLE runs ADD COLUMN shard_count INTEGER;
   CREATE INDEX runs_by_group ON runs (group_id, seq);`,
];

/** The default store: one SQLite file, WAL so readers never block the writer. */
export class SqliteHistory implements HistoryStore {
  private readonly db: Database.Database;

  private constructor(
    readonly location: string,
    db: Database.Database,
  ) {
    this.db = db;
  }

  static open(path: string): SqliteHistory {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      const db = new Database(path, { timeout: 5000 });
      // Several CI jobs may save at once: wait for the lock (busy timeout) instead of failing.
      db.pragma('busy_timeout = 5000');
      // Read-only until we know the file is ours: another application's database is left
      // exactly as it was (no tables added, no user_version, no WAL).
      const foreign = foreignTables(db);
      if (foreign) {
        db.close();
        throw new InputError(
          `history database ${path} is not a perfsight history database (it holds ${foreign}); perfsight leaves it untouched: give --history a file of its own`,
        );
      }
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      migrate(db);
      return new SqliteHistory(path, db);
    } catch (error) {
      throw storeError(path, error);
    }
  }

  async save(record: HistoryRecord): Promise<void> {
    const placeholders = COLUMNS.map(() => '?').join(', ');
    this.run(() =>
      this.db
        .prepare(`INSERT INTO runs (${COLUMNS.join(', ')}) VALUES (${placeholders})`)
        .run(...toRow(record)),
    );
  }

  async list(options: { name?: string; limit?: number } = {}): Promise<HistoryRecord[]> {
    const rows = this.run(() =>
      options.name === undefined
        ? this.db.prepare('SELECT * FROM runs ORDER BY seq DESC LIMIT ?').all(options.limit ?? 20)
        : this.db
            .prepare('SELECT * FROM runs WHERE test_name = ? ORDER BY seq DESC LIMIT ?')
            .all(options.name, options.limit ?? 20),
    ) as Array<Record<string, unknown>>;
    return rows.map(fromRow);
  }

  async testNames(): Promise<Array<{ test_name: string; runs: number }>> {
    const rows = this.run(() =>
      this.db
        .prepare(
          'SELECT test_name, COUNT(*) AS runs FROM runs GROUP BY test_name ORDER BY MAX(seq) DESC',
        )
        .all(),
    ) as Array<{ test_name: string; runs: number }>;
    return rows.map((row) => ({ test_name: String(row.test_name), runs: Number(row.runs) }));
  }

  async get(idOrLatest: string, name?: string): Promise<HistoryRecord | undefined> {
    if (idOrLatest !== 'latest') {
      const row = this.run(() =>
        this.db.prepare('SELECT * FROM runs WHERE run_id = ?').get(idOrLatest),
      ) as Record<string, unknown> | undefined;
      return row && fromRow(row);
    }
    return (await this.list({ name, limit: 1 }))[0];
  }

  async series(name: string, metric: TrendMetric, limit: number) {
    const column = TREND_METRICS[metric].column;
    const rows = this.run(() =>
      this.db
        .prepare(
          `SELECT run_id, ${column} AS value FROM runs
           WHERE test_name = ? AND ${column} IS NOT NULL ORDER BY seq DESC LIMIT ?`,
        )
        .all(name, limit),
    ) as Array<{ run_id: string; value: number }>;
    return rows.reverse();
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private run<T>(query: () => T): T {
    try {
      return query();
    } catch (error) {
      throw storeError(this.location, error);
    }
  }
}

/** Columns only perfsight's `runs` table has together: how an existing store is recognised. */
const OUR_COLUMNS = ['run_id', 'test_name', 'config_hash', 'summary_json', 'report_dir'];

/**
 * Undefined when the database is empty or perfsight's; else a description of what it holds.
 * Only reads: an empty database (new file, or created by hand) is ours to set up.
 */
function foreignTables(db: Database.Database): string | undefined {
  const tables = (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as Array<{ name: string }>
  ).map((row) => row.name);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (tables.length === 0 && version === 0) return undefined;
  const columns = tables.includes('runs')
    ? (
        db.prepare("SELECT name FROM pragma_table_info('runs')").all() as Array<{ name: string }>
      ).map((row) => row.name)
    : [];
  if (version > 0 && OUR_COLUMNS.every((column) => columns.includes(column))) return undefined;
  if (tables.length === 0) return `no tables but user_version ${version}`;
  const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '');
  return `other tables: ${shown}`;
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(
      `was written by a newer perfsight (schema ${version}; this one knows ${MIGRATIONS.length}): upgrade perfsight`,
    );
  }
  // IMMEDIATE: two processes opening a fresh database must not both create the table.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (let i = current; i < MIGRATIONS.length; i++) db.exec(MIGRATIONS[i]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

function storeError(path: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  const why =
    code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT'
      ? 'is not a perfsight history database (corrupt or another kind of file)'
      : code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED'
        ? 'is locked by another process (waited 5 s)'
        : code === 'SQLITE_CANTOPEN'
          ? 'cannot be opened (check the path and permissions)'
          : message;
  return new InputError(`history database ${path} ${why}`);
}
