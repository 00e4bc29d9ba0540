import pg from 'pg';
import { InputError } from '../errors.js';
import { redactText, redactUrl } from '../redact/index.js';
import { COLUMNS, fromRow, toRow } from './_columns.js';
import { TREND_METRICS, type HistoryRecord, type HistoryStore, type TrendMetric } from './types.js';

/**
 * Migrations, applied in order under an advisory lock (many CI machines may open the store
 * at once); `perfsight_schema.version` says how many ran.
 */
const MIGRATIONS = [
  `CREATE TABLE perfsight_runs (
     seq BIGSERIAL PRIMARY KEY,
     run_id TEXT NOT NULL UNIQUE,
     test_name TEXT NOT NULL,
     created_at TEXT NOT NULL,
     git_commit TEXT,
     host TEXT NOT NULL,
     node_version TEXT NOT NULL,
     config_hash TEXT NOT NULL,
     total_requests BIGINT NOT NULL,
     success_rate DOUBLE PRECISION NOT NULL,
     error_rate DOUBLE PRECISION NOT NULL,
     throughput_rps DOUBLE PRECISION,
     average_ms DOUBLE PRECISION NOT NULL,
     median_ms DOUBLE PRECISION NOT NULL,
     p95_ms DOUBLE PRECISION NOT NULL,
     p99_ms DOUBLE PRECISION NOT NULL,
     objectives_met SMALLINT,
     objectives_json TEXT NOT NULL,
     summary_json TEXT NOT NULL,
     latency_histogram_hdr TEXT,
     report_dir TEXT
   );
   CREATE INDEX perfsight_runs_by_test ON perfsight_runs (test_name, seq);`,
  // Runs of several machines (--shard i/n, --group id): merged by group.
  `ALTER TABLE perfsight_runs ADD COLUMN group_id TEXT;
   ALTER TABLE perfsight_runs ADD COLUMN shard_index INTEGER;
   ALTER TABLE perfsight_runs ADD COLUMN shard_count INTEGER;
   CREATE INDEX perfsight_runs_by_group ON perfsight_runs (group_id, seq);`,
];
const MIGRATION_LOCK = 0x70657266; // "perf"
/**
 * The history never holds a run hostage: a lock held by another session (a migration, a
 * `LOCK TABLE`, a long transaction) or a server that stops answering fails the history
 * after these, and the reports are kept.
 */
const LOCK_TIMEOUT_MS = 5000;
const STATEMENT_TIMEOUT_MS = 10_000;
/** Client side, for a server or network that goes silent. */
const QUERY_TIMEOUT_MS = 15_000;

/** For teams whose CI runs on many machines: one PostgreSQL database, same interface. */
export class PostgresHistory implements HistoryStore {
  private constructor(
    readonly location: string,
    private readonly pool: pg.Pool,
  ) {}

  static async open(url: string): Promise<PostgresHistory> {
    const location = redactUrl(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: 2,
      connectionTimeoutMillis: 5000,
      lock_timeout: LOCK_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
    });
    // An idle client's network error must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        await client.query(
          'CREATE TABLE IF NOT EXISTS perfsight_schema (version INTEGER NOT NULL)',
        );
        const { rows } = await client.query<{ version: number }>(
          'SELECT version FROM perfsight_schema',
        );
        const version = rows[0]?.version ?? 0;
        if (version > MIGRATIONS.length) {
          throw new Error(`it was written by a newer perfsight (schema ${version})`);
        }
        for (let i = version; i < MIGRATIONS.length; i++) await client.query(MIGRATIONS[i]!);
        await client.query('DELETE FROM perfsight_schema');
        await client.query('INSERT INTO perfsight_schema (version) VALUES ($1)', [
          MIGRATIONS.length,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
      return new PostgresHistory(location, pool);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw storeError(location, error);
    }
  }

  async save(record: HistoryRecord): Promise<void> {
    const placeholders = COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
    await this.query(
      `INSERT INTO perfsight_runs (${COLUMNS.join(', ')}) VALUES (${placeholders})`,
      toRow(record),
    );
  }

  async list(options: { name?: string; limit?: number } = {}): Promise<HistoryRecord[]> {
    const rows =
      options.name === undefined
        ? await this.query('SELECT * FROM perfsight_runs ORDER BY seq DESC LIMIT $1', [
            options.limit ?? 20,
          ])
        : await this.query(
            'SELECT * FROM perfsight_runs WHERE test_name = $1 ORDER BY seq DESC LIMIT $2',
            [options.name, options.limit ?? 20],
          );
    return rows.map(fromRow);
  }

  async testNames(): Promise<Array<{ test_name: string; runs: number }>> {
    const rows = await this.query(
      'SELECT test_name, COUNT(*) AS runs FROM perfsight_runs GROUP BY test_name ORDER BY MAX(seq) DESC',
      [],
    );
    return rows.map((row) => ({ test_name: String(row.test_name), runs: Number(row.runs) }));
  }

  async get(idOrLatest: string, name?: string): Promise<HistoryRecord | undefined> {
    if (idOrLatest !== 'latest') {
      const rows = await this.query('SELECT * FROM perfsight_runs WHERE run_id = $1', [idOrLatest]);
      return rows[0] && fromRow(rows[0]);
    }
    return (await this.list({ name, limit: 1 }))[0];
  }

  async series(name: string, metric: TrendMetric, limit: number) {
    const column = TREND_METRICS[metric].column;
    const rows = await this.query(
      `SELECT run_id, ${column} AS value FROM perfsight_runs
       WHERE test_name = $1 AND ${column} IS NOT NULL ORDER BY seq DESC LIMIT $2`,
      [name, limit],
    );
    return rows.map((row) => ({ run_id: String(row.run_id), value: Number(row.value) })).reverse();
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query(text: string, values: unknown[]): Promise<Array<Record<string, unknown>>> {
    try {
      return (await this.pool.query(text, values)).rows as Array<Record<string, unknown>>;
    } catch (error) {
      throw storeError(this.location, error);
    }
  }
}

/** pg's own messages may quote the connection string (a parse error does): redacted too. */
function storeError(location: string, error: unknown): InputError {
  const message = error instanceof Error ? error.message : String(error);
  const reason = timedOut(error);
  return new InputError(
    `history database ${location}${reason ? ` ${reason}` : `: ${redactText(message.split('\n')[0]!)}`}`,
  );
}

/** A time-box that fired, in the user's words (the server's words name no lock or limit). */
function timedOut(error: unknown): string | undefined {
  const code = (error as { code?: string }).code;
  if (code === '55P03') {
    return `is locked by another session (waited ${LOCK_TIMEOUT_MS / 1000} s)`;
  }
  if (code === '57014') return `did not answer within ${STATEMENT_TIMEOUT_MS / 1000} s`;
  if (error instanceof Error && /Query read timeout/i.test(error.message)) {
    return `did not answer within ${QUERY_TIMEOUT_MS / 1000} s`;
  }
  return undefined;
}
