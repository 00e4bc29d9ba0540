import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../_helpers.js';

// These spawn dist/: run `npm run build` first (npm test does).

/**
 * CLI tests run while other tests and other perfsight processes use the same machine and
 * checkout. A CLI call that falls back on defaults — the history `.perfsight/history.db`,
 * report folders `perfsight-reports/…`, `perfsight.config.json`, `$PERFSIGHT_HISTORY` — must
 * find the test's own, or runs of other tests land in its history (trend, locks) and its
 * folders (collisions).
 */
const shared = join(ROOT, '.perfsight', 'history.db');
const stamp = () => (existsSync(shared) ? statSync(shared).mtimeMs : null);
const saved = process.env.PERFSIGHT_HISTORY;
afterEach(() => {
  if (saved === undefined) delete process.env.PERFSIGHT_HISTORY;
  else process.env.PERFSIGHT_HISTORY = saved;
});

describe('CLI tests are independent of the machine', () => {
  it("a run on defaults writes into the test's own folder, never the checkout", async () => {
    const before = stamp();
    const elsewhere = join(tempDir(), 'not-this.db');
    process.env.PERFSIGHT_HISTORY = elsewhere; // the caller's environment does not leak in
    const result = await runCli(['run', 'synthetic', '-n', '20', '-w', '0', '--no-progress']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Saved to the history as run');
    expect(result.cwd).not.toBe(ROOT);
    expect(existsSync(join(result.cwd!, '.perfsight', 'history.db'))).toBe(true);
    expect(existsSync(join(result.cwd!, 'perfsight-reports'))).toBe(true);
    expect(existsSync(elsewhere)).toBe(false);
    expect(stamp()).toBe(before);
  });
});
