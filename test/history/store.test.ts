import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { openHistory, type HistoryRecord, type HistoryStore } from '../../src/history/index.js';
import { ROOT, tempDir } from '../_helpers.js';
import { startPostgres, type PostgresServer } from './_postgres-server.js';

let counter = 0;
function record(name: string, p95: number, extra: Partial<HistoryRecord> = {}): HistoryRecord {
  counter++;
  return {
    run_id: `run-${counter}-${Math.random().toString(36).slice(2)}`,
    test_name: name,
    created_at: new Date(Date.UTC(2026, 0, 1, 0, counter)).toISOString(),
    git_commit: 'abc123',
    host: 'ci-1',
    node_version: 'v20.20.2',
    config_hash: 'f'.repeat(64),
    total_requests: 1000,
    success_rate: 0.99,
    error_rate: 0.01,
    throughput_rps: 250.5,
    average_ms: p95 / 2,
    median_ms: p95 / 3,
    p95_ms: p95,
    p99_ms: p95 * 1.5,
    objectives_met: true,
    objectives: [{ objective: 'p95<100ms', passed: true }],
    summary: { test_name: name, latency_metrics: { p95_ms: p95 } },
    latency_histogram_hdr: 'HISTFAAAA',
    report_dir: '/tmp/reports',
    group_id: null,
    shard: null,
    ...extra,
  };
}

/** The same behaviour from every backend. */
function storeSuite(open: () => Promise<HistoryStore>) {
  let store: HistoryStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => store.close());

  it('saves a run and reads it back exactly', async () => {
    const saved = record('roundtrip', 12.5, { throughput_rps: null, objectives_met: null });
    await store.save(saved);
    expect(await store.get(saved.run_id)).toEqual(saved);
  });

  it('keeps the group and shard of a run of several machines', async () => {
    const shard = record('sharded', 3, { group_id: 'nightly-42', shard: { index: 2, count: 3 } });
    await store.save(shard);
    expect(await store.get(shard.run_id)).toEqual(shard);
  });

  it('lists newest first, by test name, with a limit', async () => {
    const runs = [
      record('listed', 1),
      record('listed', 2),
      record('other', 3),
      record('listed', 4),
    ];
    for (const run of runs) await store.save(run);
    const listed = await store.list({ name: 'listed', limit: 2 });
    expect(listed.map((r) => r.p95_ms)).toEqual([4, 2]);
    expect((await store.get('latest', 'listed'))?.p95_ms).toBe(4);
    expect((await store.get('latest', 'other'))?.p95_ms).toBe(3);
    expect(await store.get('no-such-run')).toBeUndefined();
  });

  it('names the tests it holds, most recently run first, with their run counts', async () => {
    for (const name of ['names-a', 'names-b', 'names-a']) await store.save(record(name, 1));
    const names = await store.testNames();
    expect(names.slice(0, 2)).toEqual([
      { test_name: 'names-a', runs: 2 },
      { test_name: 'names-b', runs: 1 },
    ]);
    expect(names.map((n) => n.test_name)).toContain('listed');
  });

  it('gives a metric series oldest first, the newest `limit` runs', async () => {
    for (const p95 of [10, 11, 12, 13, 14]) await store.save(record('series', p95));
    expect((await store.series('series', 'p95', 3)).map((p) => p.value)).toEqual([12, 13, 14]);
    expect((await store.series('series', 'throughput', 10)).every((p) => p.value === 250.5)).toBe(
      true,
    );
  });

  it('several connections saving at once all land', async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => open()));
    await Promise.all(
      stores.flatMap((s, w) =>
        Array.from({ length: 10 }, (_, i) => s.save(record('parallel', w * 100 + i))),
      ),
    );
    await Promise.all(stores.map((s) => s.close()));
    const saved = await store.list({ name: 'parallel', limit: 100 });
    expect(saved.map((r) => r.p95_ms).sort((a, b) => a - b)).toEqual(
      [0, 100, 200, 300].flatMap((w) => Array.from({ length: 10 }, (_, i) => w + i)),
    );
  });

  it('refuses a duplicate run id with a clear error', async () => {
    const saved = record('dup', 1);
    await store.save(saved);
    await expect(store.save(saved)).rejects.toBeInstanceOf(InputError);
  });
}

describe('SQLite history', () => {
  const dir = tempDir('perfsight-history-');
  storeSuite(() => openHistory(join(dir, 'nested', 'history.db')));

  it('is safe under concurrent writers (several processes at once)', async () => {
    const path = join(dir, 'concurrent.db');
    const script = `
      // node -e: argv[1] is the first argument after the script.
      import { openHistory } from '${join(ROOT, 'src/history/index.ts')}';
      const store = await openHistory(process.argv[1]);
      for (let i = 0; i < 25; i++) {
        await store.save({ run_id: process.argv[2] + '-' + i, test_name: 'c', created_at: new Date().toISOString(),
          git_commit: null, host: 'h', node_version: 'v', config_hash: 'x', total_requests: 1, success_rate: 1,
          error_rate: 0, throughput_rps: 1, average_ms: 1, median_ms: 1, p95_ms: i, p99_ms: 1, objectives_met: null,
          objectives: [], summary: {}, latency_histogram_hdr: null, report_dir: null });
      }
      await store.close();`;
    const writers = Array.from({ length: 4 }, (_, w) =>
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script, path, `w${w}`],
        {
          cwd: ROOT,
        },
      ),
    );
    await Promise.all(writers);
    const store = await openHistory(path);
    expect((await store.list({ name: 'c', limit: 1000 })).length).toBe(100);
    await store.close();
  });

  it('migrates an empty database and refuses one from a newer perfsight', async () => {
    const empty = join(dir, 'empty.db');
    new Database(empty).close();
    const store = await openHistory(empty);
    await store.save(record('migrated', 1));
    await store.close();
    const check = new Database(empty);
    expect(check.pragma('user_version', { simple: true })).toBe(2);
    expect(check.pragma('journal_mode', { simple: true })).toBe('wal');
    check.pragma('user_version = 99');
    check.close();
    await expect(openHistory(empty)).rejects.toThrow(
      /empty\.db was written by a newer perfsight \(schema 99; this one knows 2\): upgrade perfsight$/,
    );
  });

  it('brings a database of the first schema up to date, its runs kept', async () => {
    const path = join(dir, 'v1.db');
    const old = new Database(path);
    // The first schema as perfsight 0.1 wrote it, with one run in it.
    old.exec(`CREATE TABLE runs (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE,
      test_name TEXT NOT NULL, created_at TEXT NOT NULL, git_commit TEXT, host TEXT NOT NULL,
      node_version TEXT NOT NULL, config_hash TEXT NOT NULL, total_requests INTEGER NOT NULL,
      success_rate REAL NOT NULL, error_rate REAL NOT NULL, throughput_rps REAL,
      average_ms REAL NOT NULL, median_ms REAL NOT NULL, p95_ms REAL NOT NULL,
      p99_ms REAL NOT NULL, objectives_met INTEGER, objectives_json TEXT NOT NULL,
      summary_json TEXT NOT NULL, latency_histogram_hdr TEXT, report_dir TEXT);
      CREATE INDEX runs_by_test ON runs (test_name, seq);
      PRAGMA user_version = 1;`);
    old
      .prepare(
        `INSERT INTO runs (run_id, test_name, created_at, host, node_version, config_hash,
         total_requests, success_rate, error_rate, average_ms, median_ms, p95_ms, p99_ms,
         objectives_json, summary_json) VALUES ('old-run', 'old', '2026-01-01T00:00:00.000Z',
         'ci', 'v20', 'h', 10, 1, 0, 1, 1, 2, 3, '[]', '{}')`,
      )
      .run();
    old.close();
    const store = await openHistory(path);
    expect(await store.get('old-run')).toMatchObject({ p95_ms: 2, group_id: null, shard: null });
    const shard = record('old', 4, { group_id: 'g', shard: { index: 1, count: 2 } });
    await store.save(shard);
    expect(await store.get(shard.run_id)).toEqual(shard);
    await store.close();
  });

  it('names a corrupt database instead of crashing', async () => {
    const path = join(dir, 'corrupt.db');
    writeFileSync(
      path,
      'this is not a database, just text that happens to be long enough '.repeat(100),
    );
    await expect(openHistory(path)).rejects.toThrow(
      /corrupt\.db is not a perfsight history database/,
    );
  });

  it('reports a database locked by another process, after its 5 s busy timeout', async () => {
    const path = join(dir, 'locked.db');
    await (await openHistory(path)).close();
    const holder = new Database(path);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const started = Date.now();
      await expect(openHistory(path)).rejects.toThrow(
        /^history database .*locked\.db is locked by another process \(waited 5 s\)$/,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(4500);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    // A store opened before the lock was taken waits, then fails its save the same way.
    const store = await openHistory(path);
    const second = new Database(path);
    second.exec('BEGIN EXCLUSIVE');
    try {
      await expect(store.save(record('locked', 1))).rejects.toThrow(/locked\.db is locked/);
    } finally {
      second.exec('ROLLBACK');
      second.close();
      await store.close();
    }
  }, 30_000);
});

describe('PostgreSQL history (a real local server)', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  }, 90_000);
  afterAll(() => server?.stop());

  storeSuite(() => openHistory(server.url));

  it('a second client opening the same database finds the schema migrated once', async () => {
    const [a, b] = await Promise.all([openHistory(server.url), openHistory(server.url)]);
    await a.save(record('pg-two', 1));
    expect((await b.get('latest', 'pg-two'))?.p95_ms).toBe(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('names an unreachable server clearly, without its credentials', async () => {
    const error = await openHistory('postgres://me:secret@127.0.0.1:1/db').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /^history database postgres:\/\/\*\*\*@127\.0\.0\.1:1\/db/,
    );
    // The whole userinfo is redacted (a user name can be a token too), not only the password.
    expect((error as Error).message).not.toMatch(/secret|me:/);
  });
});
