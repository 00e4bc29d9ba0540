import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../_helpers.js';
import { startPostgres, type PostgresServer } from '../history/_postgres-server.js';

describe('perfsight history and trend (built CLI)', () => {
  const dir = tempDir('perfsight-history-cli-');
  const db = join(dir, 'history.db');
  const samplesFile = () => {
    const path = join(dir, 'samples.csv');
    writeFileSync(path, 'latency_ms\n5\n6\n7\n8\n');
    return path;
  };
  const run = (i: number, latencyMs: number, extra: string[] = []) =>
    runCli([
      'run',
      'synthetic',
      ...['-n', '120', '-w', '0', '--no-progress', '--jitter', '0.05'],
      ...['--latency-ms', String(latencyMs), '--name', 'checkout', '--seed', String(i)],
      ...['--history', db, '-o', join(dir, `run-${i}`), ...extra],
    ]);

  it('saves every run, lists them, and the trend gate fails on a hundred-times slower run', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await run(i, 3);
      expect(result.code, result.stderr).toBe(0);
      const id = /Saved to the history as run ([0-9a-f-]{36})/.exec(result.stdout)?.[1];
      expect(id).toBeDefined();
      ids.push(id!);
    }

    const listed = await runCli(['history', '--history', db]);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^run id +time \(UTC\) +test +commit +requests +p50 ms +p95 ms/);
    expect(lines).toHaveLength(8); // header, six runs, footer
    // Newest first.
    expect(lines.slice(1, 7).map((line) => line.split(/\s+/)[0])).toEqual([...ids].reverse());
    expect(lines.slice(1, 7).every((line) => / checkout /.test(line) && / 120 /.test(line))).toBe(
      true,
    );

    const asJson = await runCli(['history', '--history', db, '--json', '--limit', '2']);
    const rows = JSON.parse(asJson.stdout) as Array<{
      run_id: string;
      p95_ms: number;
      config_hash: string;
      latency_histogram_hdr: string;
      report_dir: string;
    }>;
    expect(rows.map((r) => r.run_id)).toEqual([ids[5], ids[4]]);
    const summary = JSON.parse(readFileSync(join(dir, 'run-5', 'summary.json'), 'utf8'));
    const detailed = JSON.parse(readFileSync(join(dir, 'run-5', 'detailed.json'), 'utf8'));
    expect(rows[0]!.p95_ms).toBe(summary.latency_metrics.p95_ms);
    expect(rows[0]!.latency_histogram_hdr).toBe(detailed.latency_histogram_hdr);
    expect(rows[0]!.report_dir).toBe(join(dir, 'run-5'));
    // Different seeds, different configurations.
    expect(rows[0]!.config_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.config_hash).not.toBe(rows[1]!.config_hash);

    // Six runs of one workload: usually "within", but this machine is shared and noisy, so
    // what is checked is that the exit code follows the position it prints.
    const calm = await runCli(['trend', '--history', db]);
    expect(calm.stdout).toMatch(/Trend of p95 for "checkout"/);
    const position =
      /latest: \S+ {2}(within|above|below) the 99 % prediction interval .* \(from \d runs\)/.exec(
        calm.stdout,
      )?.[1];
    expect(position).toBeDefined();
    expect(calm.code).toBe(position === 'above' ? 1 : 0);

    // A hundred times slower (8 at a time, to keep it short): far beyond what a busy machine
    // can do to one of the 3 ms runs above and so to the prediction interval they make (a
    // ten-times slower run could fall inside an interval widened by one delayed run).
    const slow = await run(6, 300, ['-c', '8']);
    expect(slow.stdout).toMatch(/Trend \(p95\): The latest p95 .* is worse than the last 6 runs/);
    const gate = await runCli(['trend', '--history', db, '--name', 'checkout']);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toMatch(/above the 99 % prediction interval/);
    const trendJson = JSON.parse((await runCli(['trend', '--history', db, '--json'])).stdout);
    expect(trendJson).toMatchObject({
      test_name: 'checkout',
      metric: 'p95',
      insufficient_data: false,
      latest_position: 'above',
      runs_considered: 6,
    });
    // Throughput fell with it: higher is better there, so that is a regression too.
    const throughput = await runCli(['trend', '--history', db, '--metric', 'throughput', '--json']);
    expect(throughput.code).toBe(1);
    expect(JSON.parse(throughput.stdout).latest_position).toBe('below');
  }, 120_000);

  it('--baseline latest|<run-id>|<path> compares on the fly; analysis.json has the trend', async () => {
    const bdb = join(dir, 'baseline.db');
    const go = (i: number, latencyMs: number, baseline?: string) =>
      runCli([
        'run',
        'synthetic',
        ...['-n', '300', '-w', '0', '--no-progress', '--jitter', '0.05', '--seed', String(i)],
        ...['--latency-ms', String(latencyMs), '--name', 'cmp', '--history', bdb],
        ...['-o', join(dir, `cmp-${i}`), ...(baseline ? ['--baseline', baseline] : [])],
      ]);
    const first = await go(0, 3);
    const firstId = /Saved to the history as run ([0-9a-f-]{36})/.exec(first.stdout)![1]!;
    const slow = await go(1, 15, 'latest');
    expect(slow.code, slow.stderr).toBe(0);
    expect(slow.stdout).toContain(`Compared with run ${firstId}: regressed (comparison.json)`);
    const comparison = JSON.parse(readFileSync(join(dir, 'cmp-1', 'comparison.json'), 'utf8'));
    expect(comparison.overall_verdict).toBe('regressed');
    expect(existsSync(join(dir, 'cmp-1', 'comparison.md'))).toBe(true);
    // By run id and by folder: the fast run against the slow one is an improvement.
    const byId = await go(2, 3, firstId);
    expect(byId.stdout).toContain(`Compared with run ${firstId}: `);
    const byPath = await go(3, 3, join(dir, 'cmp-1'));
    expect(byPath.stdout).toContain(`Compared with ${join(dir, 'cmp-1')}: improved`);
    const analysis = JSON.parse(readFileSync(join(dir, 'cmp-3', 'analysis.json'), 'utf8'));
    expect(analysis.trend_analysis).toMatchObject({
      insufficient_data: true,
      metric: 'p95',
      runs_considered: 3,
    });
    // A baseline that is nowhere: exit 2 before anything is written or saved.
    const missing = await go(4, 3, 'no-such-run');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^perfsight: --baseline no-such-run: no such file or folder/);
    expect(existsSync(join(dir, 'cmp-4'))).toBe(false);
    const listed = await runCli(['history', '--history', bdb, '--json']);
    expect(JSON.parse(listed.stdout)).toHaveLength(4);
  }, 120_000);

  it('a corrupt history database: one clear line, exit 2, and the reports are written', async () => {
    const corrupt = join(dir, 'corrupt.db');
    writeFileSync(corrupt, 'not a database '.repeat(500));
    const out = join(dir, 'corrupt-run');
    const result = await runCli(
      ['run', 'synthetic', '-n', '20', '-w', '0', '--no-progress', '-o', out],
      { env: { PERFSIGHT_HISTORY: corrupt } },
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `perfsight: history database ${corrupt} is not a perfsight history database (corrupt or another kind of file); the reports were written to ${out}, but the run was not saved to the history (--no-history skips it)`,
    ]);
    for (const file of ['summary.json', 'detailed.json', 'summary.csv']) {
      expect(existsSync(join(out, file))).toBe(true);
    }
    // `history` on the same file: the same clear error, nothing else.
    const listed = await runCli(['history', '--history', corrupt]);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toMatch(/^perfsight: history database .* is not a perfsight history/);
  });

  it('a database locked by another writer: waits 5 s, then exit 2 with the reports written', async () => {
    const locked = join(dir, 'locked.db');
    const seeded = await runCli([
      'report',
      samplesFile(),
      '--history',
      locked,
      '-o',
      join(dir, 'l0'),
    ]);
    expect(seeded.code, seeded.stderr).toBe(0);
    const holder = new Database(locked);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const out = join(dir, 'locked-run');
      const started = Date.now();
      const result = await runCli(['report', samplesFile(), '--history', locked, '-o', out]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(4500);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `perfsight: history database ${locked} is locked by another process (waited 5 s); the reports were written to ${out}, but the run was not saved to the history (--no-history skips it)\n`,
      );
      expect(existsSync(join(out, 'summary.json'))).toBe(true);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    // Once the lock is gone, the store works again and holds only the first run.
    const listed = await runCli(['history', '--history', locked, '--json']);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
  }, 60_000);

  it('--no-history reads and saves nothing, whatever PERFSIGHT_HISTORY says', async () => {
    const path = join(dir, 'unused.db');
    const result = await runCli(
      ['run', 'synthetic', '-n', '20', '--no-progress', '--no-history', '-o', join(dir, 'nh')],
      { env: { PERFSIGHT_HISTORY: path } },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/Trend \(p95\)|Saved to the history/);
    expect(existsSync(path)).toBe(false);
  });

  it('report saves to .perfsight/history.db in the working folder by default', async () => {
    const cwd = tempDir('perfsight-history-default-');
    writeFileSync(join(cwd, 'samples.csv'), 'latency_ms\n5\n6\n7\n8\n');
    const result = await runCli(['report', 'samples.csv', '-o', 'out'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(cwd, '.perfsight', 'history.db'))).toBe(true);
    const listed = await runCli(['history', '--json'], { cwd });
    expect(JSON.parse(listed.stdout)).toMatchObject([{ test_name: 'samples', p95_ms: 7.85 }]);
  });

  it("another application's SQLite database is refused and left exactly as it was", async () => {
    const foreign = join(dir, 'app.db');
    const app = new Database(foreign);
    app.exec(
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('keep me')",
    );
    app.close();
    const bytes = readFileSync(foreign);
    const out = join(dir, 'foreign-run');
    const result = await runCli([
      ...['run', 'synthetic', '-n', '20', '-w', '0', '--no-progress'],
      ...['--history', foreign, '-o', out],
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `perfsight: history database ${foreign} is not a perfsight history database (it holds other tables: notes); perfsight leaves it untouched: give --history a file of its own; the reports were written to ${out}, but the run was not saved to the history (--no-history skips it)\n`,
    );
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    const listed = await runCli(['history', '--history', foreign]);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toMatch(
      /^perfsight: history database .*app\.db is not a perfsight history database \(it holds other tables: notes\)/,
    );
    // Untouched: same bytes, no WAL files beside it, its own journal mode and user_version.
    expect(readFileSync(foreign).equals(bytes)).toBe(true);
    expect(existsSync(`${foreign}-wal`) || existsSync(`${foreign}-shm`)).toBe(false);
    const check = new Database(foreign, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(check.pragma('user_version', { simple: true })).toBe(0);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([
      { name: 'notes' },
    ]);
    check.close();
  });

  it('--history "" or :memory: (a database discarded at exit) is refused before anything runs', async () => {
    for (const target of ['', ':memory:']) {
      const out = join(dir, `discarded${target.length}`);
      const result = await runCli([
        ...['run', 'synthetic', '-n', '20', '-w', '0', '--no-progress'],
        ...['--history', target, '-o', out],
      ]);
      expect(result.code, target).toBe(2);
      expect(result.stderr).toMatch(
        /^perfsight: option '--history <target>' argument '.*' is invalid\. expected a SQLite file path or a postgres:\/\/ URL/,
      );
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).not.toMatch(/Saved to the history/);
      expect(existsSync(out)).toBe(false);
      const listed = await runCli(['history', '--history', target]);
      expect(listed.code).toBe(2);
      expect(listed.stderr).toMatch(/^perfsight: --history ".*" is not a place runs can be kept/);
    }
  });

  it('trend: too little history passes with "insufficient data"; no runs is an error', async () => {
    const fresh = join(dir, 'fresh.db');
    await run(100, 3, ['--history', fresh]);
    const trend = await runCli(['trend', '--history', fresh]);
    expect(trend.code).toBe(0);
    expect(trend.stdout).toMatch(
      /insufficient data: Collect historical data for trend analysis: a trend needs at least 5 earlier runs .* \(have 0\)/,
    );
    const none = await runCli(['trend', '--history', fresh, '--name', 'nothing']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(`perfsight: no runs of "nothing" in the history at ${fresh}\n`);
    const badMetric = await runCli(['trend', '--history', fresh, '--metric', 'p42']);
    expect(badMetric.code).toBe(2);
  });
});

describe('perfsight report/history/trend with --history postgres://… (a real local server)', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  }, 90_000);
  afterAll(() => server?.stop());

  it('a lock held by another session costs 5 s and the history, never the reports', async () => {
    const dir = tempDir('perfsight-history-pg-lock-');
    const samples = join(dir, 'samples.csv');
    writeFileSync(samples, 'latency_ms\n5\n6\n7\n8\n');
    // A database of its own: the other tests count the runs in theirs.
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('CREATE DATABASE locks');
    await admin.end();
    const url = server.url.replace(/\/postgres$/, '/locks');
    const report = (out: string) =>
      runCli(['report', samples, '--name', 'pg-lock', '--history', url, '-o', out], {
        timeoutMs: 30_000,
      });
    const seeded = await report(join(dir, 'seed'));
    expect(seeded.code, seeded.stderr).toBe(0);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      // The schema lock every open takes, then the runs table itself.
      const holds = [
        'SELECT pg_advisory_lock(1885696614)',
        'LOCK TABLE perfsight_runs IN ACCESS EXCLUSIVE MODE',
      ];
      for (const [i, hold] of holds.entries()) {
        await holder.query('BEGIN');
        await holder.query(hold);
        const out = join(dir, `held-${i}`);
        const started = Date.now();
        const result = await report(out);
        await holder.query('ROLLBACK');
        await holder.query('SELECT pg_advisory_unlock_all()');
        expect(result.signal, hold).toBe(null);
        expect(Date.now() - started).toBeGreaterThanOrEqual(4500);
        expect(result.code, result.stderr).toBe(2);
        expect(result.stderr).toMatch(
          new RegExp(
            `^perfsight: history database postgres://\\S+/locks is locked by another session \\(waited 5 s\\); the reports were written to ${out}, but the run was not saved to the history`,
          ),
        );
        expect(existsSync(join(out, 'summary.json'))).toBe(true);
      }
    } finally {
      await holder.end();
    }
  }, 90_000);

  it('saves runs from several invocations into one database and lists them', async () => {
    const dir = tempDir('perfsight-history-pg-cli-');
    const samples = join(dir, 'samples.csv');
    writeFileSync(samples, 'latency_ms\n5\n6\n7\n8\n');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await runCli(
        ['report', samples, '--name', 'pg-cli', '-o', join(dir, `r${i}`)],
        { env: { PERFSIGHT_HISTORY: server.url } },
      );
      expect(result.code, result.stderr).toBe(0);
      ids.push(/Saved to the history as run ([0-9a-f-]{36})/.exec(result.stdout)![1]!);
    }
    const listed = await runCli(['history', '--history', server.url, '--json']);
    const rows = JSON.parse(listed.stdout) as Array<{ run_id: string; p95_ms: number }>;
    expect(rows.map((r) => r.run_id)).toEqual([...ids].reverse());
    expect(rows.every((r) => r.p95_ms === 7.85)).toBe(true);
    const trend = await runCli(['trend', '--history', server.url, '--json']);
    expect(trend.code).toBe(0);
    expect(JSON.parse(trend.stdout)).toMatchObject({
      test_name: 'pg-cli',
      insufficient_data: true,
      runs_considered: 2,
    });
  }, 60_000);
});
