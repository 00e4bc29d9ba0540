import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../_helpers.js';

/** Bad input: one `perfsight:` line on stderr, exit 2, no stack trace. */
function rejection(result: { code: number | null; stderr: string }): string {
  expect(result.code).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^perfsight: /);
  expect(result.stderr).not.toMatch(/\n\s+at |Unhandled|internal error/);
  return lines[0]!;
}

const readJson = (path: string) =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('what perfsight reads: every mistake is one line, exit 2, nothing written', () => {
  const dir = tempDir('perfsight-input-');
  const at = (name: string) => join(dir, name);
  const out = () => at(`out-${Math.random().toString(36).slice(2)}`);
  const timedCsv = (n: number) =>
    'timestamp,latency_ms\n' +
    Array.from({ length: n }, (_, i) => `${1_700_000_000 + i / 10},${1 + (i % 7)}`).join('\n');

  /** A real report folder (detailed.json + samples.csv.gz), made by `perfsight report`. */
  const good = at('good');
  beforeAll(async () => {
    writeFileSync(at('good.csv'), timedCsv(200));
    const made = await runCli(['report', at('good.csv'), '-o', good, '--no-history']);
    expect(made.code).toBe(0);
  }, 60_000);

  it.each([
    [
      'truncated.csv.gz',
      gzipSync(timedCsv(5000)).subarray(0, 60),
      /truncated\.csv\.gz: is not valid gzip/,
    ],
    ['plain.csv.gz', timedCsv(10), /plain\.csv\.gz: is not valid gzip/],
    ['folder.csv', undefined, /folder\.csv: is a directory/],
  ])('report refuses %s', async (name, content, expected) => {
    if (content === undefined) mkdirSync(at(name));
    else writeFileSync(at(name), content);
    const target = out();
    const result = await runCli(['report', at(name), '-o', target, '--no-history']);
    expect(rejection(result)).toMatch(expected);
    expect(existsSync(target)).toBe(false);
  });

  it('a bad 10 MB cell is quoted cut short', async () => {
    writeFileSync(at('huge.csv'), `latency_ms\n1\n${'9x'.repeat(5_000_000)}\n`);
    const result = await runCli(['report', at('huge.csv'), '-o', out(), '--no-history']);
    const line = rejection(result);
    expect(line).toMatch(/huge\.csv:3: latency_ms "9x9x.*…" is not a finite number/);
    expect(line.length).toBeLessThan(dir.length + 200);
  });

  it.each([
    ['an objective', { objectives: ['p95<1ms', `p95<${'9'.repeat(1_000_000)}x`] }],
    ['a key', { [`k${'e'.repeat(1_000_000)}y`]: 1 }],
  ])('a config file with a 1 MB bad %s is quoted cut short', async (_, config) => {
    const path = at(`big-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(config));
    const result = await runCli(['report', at('good.csv'), '--config', path, '-o', out()]);
    const line = rejection(result);
    expect(line).toMatch(/…/);
    expect(line.length).toBeLessThan(dir.length + 500);
  });

  it('a bad 100 kB command-line value is quoted cut short', async () => {
    const result = await runCli(['run', 'synthetic', '-n', '9'.repeat(100_000), '-o', out()]);
    const line = rejection(result);
    expect(line).toMatch(/'9{40,}…'/);
    expect(line.length).toBeLessThan(300);
  });

  it('compare and run --baseline refuse a truncated samples.csv.gz in a report folder', async () => {
    const broken = at('broken');
    cpSync(good, broken, { recursive: true });
    const samples = join(broken, 'samples.csv.gz');
    writeFileSync(samples, readFileSync(samples).subarray(0, 100));
    // A folder written before samples.arrow: compare reads the CSV (test/samples/arrow.test.ts
    // refuses a damaged samples.arrow).
    rmSync(join(broken, 'samples.arrow'));
    const target = out();
    const compared = await runCli(['compare', good, broken, '-o', target]);
    expect(rejection(compared)).toMatch(/broken\/samples\.csv\.gz: is not valid gzip/);
    expect(existsSync(target)).toBe(false);
    const baseline = await runCli(
      ['run', 'synthetic', '-n', '20', '-w', '0', '--no-progress', '--no-history'].concat([
        '--latency-ms',
        '1',
        '--baseline',
        broken,
        '-o',
        out(),
      ]),
    );
    expect(rejection(baseline)).toMatch(/broken\/samples\.csv\.gz: is not valid gzip/);
  }, 60_000);

  it.each([
    '../../../../etc/passwd',
    '/etc/passwd',
    'sub/samples.csv.gz',
    '..\\samples.csv.gz',
    '..',
    42,
  ])('compare refuses samples_file %j: only a file name inside the report folder', async (name) => {
    const folder = at(`foreign-${Math.random().toString(36).slice(2)}`);
    cpSync(good, folder, { recursive: true });
    const detailed = join(folder, 'detailed.json');
    writeFileSync(detailed, JSON.stringify({ ...readJson(detailed), samples_file: name }));
    const target = out();
    const result = await runCli(['compare', good, folder, '-o', target]);
    expect(rejection(result)).toMatch(
      /detailed\.json: samples_file .* is not a file name in the report folder/,
    );
    expect(existsSync(target)).toBe(false);
  });

  it('a byte-order mark is accepted in JSON Lines, the config file and detailed.json', async () => {
    writeFileSync(at('bom.jsonl'), '\uFEFF{"latency_ms": 1}\n{"latency_ms": 2}\n');
    writeFileSync(at('bom.config.json'), '\uFEFF{"objectives": ["p95<1000ms"]}');
    const reported = await runCli([
      'report',
      at('bom.jsonl'),
      '--config',
      at('bom.config.json'),
      '-o',
      out(),
      '--no-history',
    ]);
    expect(reported.stderr).not.toMatch(/perfsight: .*(BOM|JSON|bom)/);
    expect(reported.code).toBe(0);
    const folder = at('bom-report');
    cpSync(good, folder, { recursive: true });
    const detailed = join(folder, 'detailed.json');
    writeFileSync(detailed, '\uFEFF' + readFileSync(detailed, 'utf8'));
    const compared = await runCli(['compare', good, folder, '-o', out()]);
    expect(compared.stderr).toBe('');
    expect(compared.code).toBe(0);
  });

  it('untimed samples stay untimed through report → samples.csv.gz → report', async () => {
    writeFileSync(at('untimed.csv'), 'latency_ms,success\n1.5,true\n2.5,true\n3,false\n4,true\n');
    const first = at('untimed-1');
    const second = at('untimed-2');
    await runCli(['report', at('untimed.csv'), '-o', first, '--no-history']);
    await runCli(['report', join(first, 'samples.csv.gz'), '-o', second, '--no-history']);
    const [a, b] = [readJson(join(first, 'summary.json')), readJson(join(second, 'summary.json'))];
    expect(b.performance_summary).toEqual(a.performance_summary);
    expect((b.performance_summary as { throughput_rps: unknown }).throughput_rps).toBeNull();
    expect(b.latency_metrics).toEqual(a.latency_metrics);
    expect(b.test_duration_seconds).toBe(a.test_duration_seconds);
  });

  describe('a workload module that fails is the user’s mistake, named with its error', () => {
    it.each([
      [
        'throws.mjs',
        'throw new Error("no config\\nsecond line");\n',
        /throws\.mjs: .*Error: no config$/,
      ],
      ['syntax.mjs', 'export default function ( {\n', /syntax\.mjs: .*SyntaxError/],
      [
        'missing-import.mjs',
        'import "./not-there.mjs";\nexport default () => {};\n',
        /missing-import\.mjs: .*not-there\.mjs/,
      ],
      [
        'setup.mjs',
        'export default { name: "db", async setup() { throw new TypeError("no database"); }, call() {} };\n',
        /setup\.mjs: setup\(\) failed: TypeError: no database/,
      ],
      ['nothing.mjs', 'export const x = 1;\n', /nothing\.mjs: export a function/],
      ['absent.mjs', undefined, /absent\.mjs/],
    ])('%s', async (name, source, expected) => {
      if (source !== undefined) writeFileSync(at(name), source);
      const target = out();
      const result = await runCli(['run', at(name), '-n', '3', '--no-history', '-o', target]);
      expect(rejection(result)).toMatch(expected);
      expect(existsSync(target)).toBe(false);
    });

    it('a workload object that is a class instance keeps its prototype methods', async () => {
      writeFileSync(
        at('instance.mjs'),
        [
          'class Counter { constructor() { this.name = "counter"; this.calls = 0; }',
          '  async setup() { this.ready = true; }',
          '  call() { if (!this.ready) throw new Error("not ready"); this.calls++; } }',
          'export default new Counter();',
        ].join('\n'),
      );
      const target = out();
      const result = await runCli(
        ['run', at('instance.mjs'), '-n', '5', '-w', '0', '--no-progress', '--no-history'].concat([
          '--slo',
          'p95<1000ms',
          '-o',
          target,
        ]),
      );
      expect(result.stderr).not.toMatch(/internal error/);
      expect(result.code).toBe(0);
      const summary = readJson(join(target, 'summary.json'));
      expect(summary.performance_summary).toMatchObject({ total_requests: 5, failed_requests: 0 });
    });
  });
});
