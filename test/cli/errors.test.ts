import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../_helpers.js';

/** Bad input: one `perfsight:` line on stderr, exit 2, no stack trace, nothing written. */
function expectCleanRejection(result: { code: number | null; stderr: string; stdout: string }) {
  expect(result.code).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^perfsight: /);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe('bad input and bad usage', () => {
  const dir = tempDir('perfsight-errors-');

  it.each([
    ['negative.csv', 'latency_ms\n1.5\n-3.2\n', /negative\.csv:3/],
    ['nan.csv', 'latency_ms,success\n1,true\nNaN,true\n', /nan\.csv:3/],
    ['header-only.csv', 'latency_ms,success\n', /header-only\.csv/],
    ['unknown.csv', 'latency_ms,speed\n1,2\n', /unknown\.csv:1.*speed/],
  ])('report rejects %s and leaves no report folder', async (name, content, expected) => {
    const input = join(dir, name);
    writeFileSync(input, content);
    const out = join(dir, `out-${name}`);
    const result = await runCli(['report', input, '-o', out]);
    expect(expectCleanRejection(result)).toMatch(expected);
    expect(existsSync(out)).toBe(false);
  });

  it('report names a file that does not exist', async () => {
    const result = await runCli(['report', join(dir, 'nope.csv'), '-o', join(dir, 'o')]);
    expect(expectCleanRejection(result)).toMatch(/nope\.csv/);
  });

  it.each([
    [['run', 'synthetic', '--iterations', 'many']],
    [['run', 'synthetic', '--rate', '-5']],
    [['run', 'synthetic', '--duration', 'forever']],
    [['run', 'synthetic', '--error-rate', '1.5']],
    [['run', 'no-such-workload', '-n', '1']],
    [['run', 'synthetic', '--no-such-option']],
    [['frobnicate']],
    [['report']],
  ])('%j is bad usage', async (args) => {
    const out = join(dir, `usage-${args.join('-')}`);
    const result = await runCli([...args, '-o', out]);
    expectCleanRejection(result);
    expect(existsSync(out)).toBe(false);
  });
});
