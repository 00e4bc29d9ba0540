import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHistory } from '../../src/history/index.js';
import { runCli, tempDir } from '../_helpers.js';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('perfsight run --shard i/n --group id', () => {
  it('each machine runs its share of the calls with its own seed; summary.json and the history record group and shard', async () => {
    const dir = tempDir();
    const db = join(dir, 'history.db');
    const totals: number[] = [];
    const seeds: number[] = [];
    for (const index of [1, 2, 3]) {
      const out = join(dir, `shard-${index}`);
      const result = await runCli([
        'run',
        'synthetic',
        '--latency-ms',
        '0.2',
        '-n',
        '10',
        '-w',
        '0',
        '--shard',
        `${index}/3`,
        '--group',
        'nightly-7',
        '--history',
        db,
        '-o',
        out,
      ]);
      expect(result.code, result.stderr).toBe(0);
      const summary = readJson(join(out, 'summary.json'));
      expect(summary.group).toBe('nightly-7');
      expect(summary.shard).toEqual({ index, count: 3 });
      expect(summary.configuration.iterations).toBe(summary.performance_summary.total_requests);
      totals.push(summary.performance_summary.total_requests);
      seeds.push(summary.configuration.workload_options.seed);
    }
    // 10 calls over 3 machines: 4 + 3 + 3, all of them and no more.
    expect(totals).toEqual([4, 3, 3]);
    expect(seeds).toEqual([42, 43, 44]);
    const store = await openHistory(db);
    try {
      const runs = await store.list({ name: 'synthetic', limit: 10 });
      expect(runs.map((r) => [r.group_id, r.shard?.index, r.shard?.count])).toEqual([
        ['nightly-7', 3, 3],
        ['nightly-7', 2, 3],
        ['nightly-7', 1, 3],
      ]);
    } finally {
      await store.close();
    }
  });

  it('open loop: each machine starts 1/n of the rate', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const result = await runCli([
      'run',
      'synthetic',
      '--latency-ms',
      '0.2',
      '-r',
      '60',
      '-d',
      '1s',
      '--shard',
      '2/3',
      '--no-history',
      '-o',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = readJson(join(out, 'summary.json'));
    expect(summary.configuration.rate_per_second).toBe(20);
    expect(summary.performance_summary.total_requests).toBe(20);
    expect(summary.group).toBeUndefined();
  });

  it('a shard that is not i/n, a group that is not a plain name, or a shard with no calls left is bad input', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--shard', '0/3'], /^perfsight: .*--shard.*expected i\/n/],
      [['--shard', '4/3'], /^perfsight: .*--shard.*expected i\/n/],
      [['--shard', 'half'], /^perfsight: .*--shard.*expected i\/n/],
      [['--group', 'two words'], /^perfsight: .*--group.*expected 1 to 128/],
      [['-n', '2', '--shard', '3/3'], /^perfsight: --shard 3\/3: 2 calls over 3 machines/],
    ];
    for (const [args, message] of cases) {
      const cwd = tempDir();
      const result = await runCli(['run', 'synthetic', ...args, '-o', join(cwd, 'out')], { cwd });
      expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(readdirSync(cwd)).toEqual([]);
    }
  });
});
