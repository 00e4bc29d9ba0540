import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../_helpers.js';

/** An option the workload does not read is refused, never silently ignored. */
describe('options a workload does not take (built CLI)', () => {
  const refused = async (args: string[], pattern: RegExp, cwd = tempDir('perfsight-opts-')) => {
    const result = await runCli(['run', ...args, '-n', '5', '--no-progress'], { cwd });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    // Nothing measured, nothing written.
    expect(existsSync(join(cwd, 'perfsight-reports'))).toBe(false);
    expect(existsSync(join(cwd, '.perfsight'))).toBe(false);
  };

  it('a feature-extraction option given to synthetic', async () => {
    await refused(
      ['synthetic', '--model', 'some/dir'],
      /^perfsight: --model does nothing for the synthetic workload \(it takes --latency-ms, .*--seed\)$/,
    );
    await refused(
      ['synthetic', '--isolate'],
      /^perfsight: --isolate does nothing for the synthetic/,
    );
    await refused(
      ['synthetic', '--model-timeout', '50ms'],
      /^perfsight: --model-timeout does nothing for the synthetic/,
    );
  });

  it('a synthetic option given to feature-extraction (refused before the model loads)', async () => {
    await refused(
      ['feature-extraction', '--latency-ms', '4'],
      /^perfsight: --latency-ms does nothing for the feature-extraction workload \(it takes .*--model.*\)$/,
    );
    // The default workload is feature-extraction.
    await refused(
      ['--error-rate', '0.1'],
      /^perfsight: --error-rate does nothing for the feature-extraction/,
    );
  }, 30_000);

  it('any workload option given to a module', async () => {
    const cwd = tempDir('perfsight-opts-');
    writeFileSync(join(cwd, 'bench.mjs'), 'export default function named() {}\n');
    await refused(
      ['./bench.mjs', '--seed', '3'],
      /^perfsight: --seed does nothing for the workload module \.\/bench\.mjs \(a module takes no workload options\)$/,
      cwd,
    );
  });
});

describe('a module that does not name its workload (built CLI)', () => {
  it.each([
    ['an anonymous default function', 'export default async function () {}\n'],
    ['a default arrow function', 'export default async () => {}\n'],
    ['an object without a name', 'export default { call() {} };\n'],
  ])('%s is named after its file', async (_, source) => {
    const cwd = tempDir('perfsight-anon-');
    writeFileSync(join(cwd, 'search-api.mjs'), source);
    const result = await runCli(
      ['run', './search-api.mjs', '-n', '5', '-w', '0', '--no-progress', '--no-history'],
      { cwd },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('PERFORMANCE SUMMARY: search-api\n');
    const [folder] = readdirSync(join(cwd, 'perfsight-reports'));
    expect(folder).toMatch(/-search-api$/);
    const summary = JSON.parse(
      readFileSync(join(cwd, 'perfsight-reports', folder!, 'summary.json'), 'utf8'),
    );
    expect(summary.test_name).toBe('search-api');
  });
});

describe('history --name with no such test (built CLI)', () => {
  it('lists the test names the history has', async () => {
    const cwd = tempDir('perfsight-names-');
    for (const name of ['checkout', 'search']) {
      const result = await runCli(
        ['run', 'synthetic', '-n', '5', '-w', '0', '--no-progress', '--name', name],
        { cwd },
      );
      expect(result.code, result.stderr).toBe(0);
    }
    const result = await runCli(['history', '--name', 'chekout'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^No runs of "chekout" in the history at .*history\.db\. It has runs of:\n/,
    );
    expect(result.stdout).toContain('\n  search (1 run)\n  checkout (1 run)\n');
    const empty = await runCli(['history', '--name', 'x'], { cwd: tempDir('perfsight-names-') });
    expect(empty.stdout).toMatch(/^No runs of "x": the history at .* is empty\.\n$/);
  });
});
