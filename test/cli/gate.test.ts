import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../_helpers.js';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const runId = (stdout: string) => /Saved to the history as run ([0-9a-f-]{36})/.exec(stdout)?.[1];

/** CI gating against the history: a real SQLite store in a temp folder, the built CLI. */
describe('gating on regressions against the history (built CLI)', () => {
  const cwd = tempDir('perfsight-gate-');
  const db = join(cwd, 'history.db');
  const run = (name: string, latencyMs: number, extra: string[] = []) =>
    runCli(
      [
        'run',
        'synthetic',
        ...['-n', '300', '-w', '5', '--no-progress', '--jitter', '0.05'],
        ...['--latency-ms', String(latencyMs), '--history', db, '-o', name, ...extra],
      ],
      { cwd },
    );

  it('run --baseline latest --fail-on-regression, compare latest <folder> and run ids', async () => {
    const base = await run('base', 2);
    expect(base.code, base.stderr).toBe(0);
    const baseId = runId(base.stdout);

    // Four times slower: the gate fails the run (exit 1) though every objective holds.
    const slow = await run('slow', 8, ['--baseline', 'latest', '--fail-on-regression']);
    expect(slow.code, slow.stderr).toBe(1);
    expect(slow.stdout).toContain(`Compared with run ${baseId}: regressed (comparison.json)`);
    expect(slow.stdout).toMatch(/✅ PASS {2}p95<100ms/);
    expect(readJson(join(cwd, 'slow', 'comparison.json')).overall_verdict).toBe('regressed');
    // The two runs were set up differently: said, naming the setting.
    expect(slow.stderr).toMatch(
      /^perfsight: warning: the two runs were configured differently \(workload_options\.latencyMs 2 → 8\)/m,
    );
    const slowId = runId(slow.stdout);

    // Without the gate the exit code stays the objectives'.
    const ungated = await run('ungated', 8, ['--baseline', 'base']);
    expect(ungated.code, ungated.stderr).toBe(0);

    // `latest` is the newest stored run of the test other than the one compared.
    const compared = await runCli(
      ['compare', 'latest', 'ungated', '--history', db, '--fail-on-regression', '-o', 'cmp1'],
      { cwd },
    );
    expect(compared.stderr).not.toMatch(/configured differently/); // slow and ungated: alike
    expect(compared.code === 0 || compared.code === 1, compared.stderr).toBe(true);
    expect(compared.stdout).toContain(`From the history: baseline: run ${slowId} (`);

    const byIds = await runCli(
      ['compare', baseId!, slowId!, '--history', db, '--fail-on-regression', '-o', 'cmp2'],
      { cwd },
    );
    expect(byIds.code, byIds.stderr).toBe(1);
    expect(readJson(join(cwd, 'cmp2', 'comparison.json')).overall_verdict).toBe('regressed');

    const missing = await runCli(['compare', 'no-such-run', 'slow', '--history', db], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^perfsight: compare no-such-run: no such file or folder, and no run with that id in the history at .*\n$/,
    );

    // A lookup never creates a history: without one, the id is simply not found.
    const away = tempDir('perfsight-gate-nohistory-');
    const nowhere = await runCli(['compare', 'latest', join(cwd, 'slow')], { cwd: away });
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(
      /^perfsight: compare latest: no such file or folder, and the history store is not available/,
    );
    expect(existsSync(join(away, '.perfsight'))).toBe(false);
  }, 60_000);

  it('report --baseline latest --fail-on-regression gates samples measured elsewhere', async () => {
    const dir = tempDir('perfsight-gate-report-');
    const csv = (ms: number) =>
      `latency_ms\n${Array.from({ length: 300 }, (_, i) => (ms + (i % 10) * 0.01).toFixed(2)).join('\n')}\n`;
    writeFileSync(join(dir, 'before.csv'), csv(5));
    writeFileSync(join(dir, 'after.csv'), csv(9));
    const first = await runCli(['report', 'before.csv', '--name', 'api'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(
      ['report', 'after.csv', '--name', 'api', '--baseline', 'latest', '--fail-on-regression'],
      { cwd: dir },
    );
    expect(second.code, second.stderr).toBe(1);
    expect(second.stdout).toMatch(/: regressed \(comparison\.json\)/);
    // A different samples file is not a different configuration.
    expect(second.stderr).not.toMatch(/configured differently/);
  });

  it('--fail-on-regression without --baseline is refused before anything runs', async () => {
    const dir = tempDir('perfsight-gate-usage-');
    const result = await runCli(['run', 'synthetic', '-n', '5', '--fail-on-regression'], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'perfsight: --fail-on-regression needs --baseline <run> (latest, a history run id or a report folder) to compare with\n',
    );
  });
});
