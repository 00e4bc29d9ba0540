/**
 * `perfsight run` of a model as the model tests run it, and the check they share for a model
 * or input perfsight cannot use. One definition, so each test says only what differs.
 */
import { readdirSync } from 'node:fs';
import { expect } from 'vitest';
import { runCli, tempDir, type CliResult } from '../_helpers.js';

/**
 * `perfsight run <args> -o <out>` with the flags every model test wants: a model timeout no
 * busy machine reaches (a late answer would be the fallback's), no progress line, no history.
 * `slo` replaces the default objectives (e.g. `p95<60s`: a test about which model answered,
 * not how fast); without it the defaults hold.
 */
export function runModel(
  args: readonly string[],
  out: string,
  options: { slo?: string } = {},
): Promise<CliResult> {
  return runCli([
    'run',
    ...args,
    ...['--model-timeout', '60s'],
    ...(options.slo === undefined ? [] : ['--slo', options.slo]),
    ...['--no-progress', '--no-history', '-o', out],
  ]);
}

/**
 * `perfsight run <args>` is refused as bad input: exit 2, one line starting `perfsight: `
 * that matches `message`, and nothing written (no report folder, no history) in its folder.
 */
export async function expectRefused(args: readonly string[], message: RegExp): Promise<void> {
  const cwd = tempDir('perfsight-model-refused-');
  const result = await runCli(['run', ...args, '-n', '3', '--no-progress'], { cwd });
  const what = args.join(' ');
  expect(result.code, `${what}: ${result.stderr}`).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines, what).toHaveLength(1);
  expect(lines[0]).toMatch(/^perfsight: /);
  expect(lines[0]).toMatch(message);
  expect(readdirSync(cwd), what).toEqual([]);
}
