import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, type CliResult } from '../_helpers.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
formats.default(ajv);
const validate = ajv.compile(schema);

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const read = (path: string) => readFileSync(path, 'utf8');

function expectValidReport(path: string): void {
  const ok = validate(readJson(path));
  expect(ok, `${path}: ${JSON.stringify(validate.errors, null, 1)}`).toBe(true);
}

describe('a run the fallback answered wholly (--fault-rate 1)', () => {
  const out = join(tempDir('perfsight-verdict-'), 'fallback');
  let result: CliResult;

  beforeAll(async () => {
    result = await runCli([
      'run',
      'feature-extraction',
      '-n',
      '20',
      '--warmup',
      '1',
      '--fault-rate',
      '1',
      '--no-progress',
      '--no-history',
      '-o',
      out,
    ]);
  });

  it('fails (exit 1) and says why, never "requirement met"', () => {
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('✅ P95 Latency requirement met');
    expect(result.stdout).toMatch(
      /❌ P95 Latency requirement not met: the fallback answered 100\.0 % of calls/,
    );
    expect(result.stdout).toMatch(
      /❌ FAIL {2}fallback<1% +the fallback answered 100\.0 % of calls \(20 of 20, limit 1 %\): the model did not answer them/,
    );
    expect(result.stdout).toMatch(/Answered by: model 0 · cache 0 · fallback 20 \(100\.00%/);
  });

  it('summary.json splits latency by who answered, and validates against the schema', () => {
    expectValidReport(join(out, 'summary.json'));
    expectValidReport(join(out, 'detailed.json'));
    const summary = readJson(join(out, 'summary.json'));
    expect(summary.schema_version).toBe(3);
    const { model, cache, fallback } = summary.latency_by_source;
    expect(model).toEqual({ count: 0, share: 0, latency: null });
    expect(cache).toEqual({ count: 0, share: 0, latency: null });
    expect(fallback).toMatchObject({ count: 20, share: 1 });
    // Every answer was the fallback's: its figures are the headline figures.
    expect(fallback.latency).toEqual(summary.latency_metrics);
  });

  it('every report says FAIL, with a risk that is not LOW', () => {
    const analysis = readJson(join(out, 'analysis.json'));
    expect(analysis.objectives_met).toBe(false);
    expect(analysis.risk_assessment.overall_risk).not.toBe('low');
    expect(analysis.compliance_check.overall_compliance).toBe('non-compliant');
    expect(result.stdout).not.toMatch(/Risk: LOW/);
    const md = read(join(out, 'report.md'));
    expect(md).toMatch(/^## perfsight: ❌ FAIL/);
    expect(md).not.toMatch(/risk \*\*LOW\*\*/);
    expect(md).toMatch(/\| Answered by the fallback \| 20 \(100\.00 %\)/);
    const html = read(join(out, 'report.html'));
    expect(html).toMatch(/Verdict: <span class="bad">FAIL<\/span>/);
    expect(html).not.toMatch(/overall risk: <strong>LOW/);
    expect(html).toContain('Who Answered');
    // The P95 card is not rated "Good" on answers the model did not give.
    expect(html).toMatch(/P95 Latency \(all answers\)<\/div><\/div>/);
    expect(html).toContain('Model P95 (the model answered no call)');
  });
});

describe('cache answers are counted apart', () => {
  it('the cache’s calls and latencies are their own row', async () => {
    const out = join(tempDir('perfsight-verdict-'), 'cache');
    const result = await runCli([
      'run',
      'feature-extraction',
      '-n',
      '60',
      '--warmup',
      '0',
      '--repeat-ratio',
      '0.5',
      '--seed',
      '3',
      '--slo',
      'success>=0%',
      '--no-progress',
      '--no-history',
      '-o',
      out,
    ]);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
    expectValidReport(join(out, 'summary.json'));
    const summary = readJson(join(out, 'summary.json'));
    const { model, cache, fallback } = summary.latency_by_source;
    expect(cache.count).toBe(summary.optimization_metrics.cache_hits);
    expect(cache.count).toBeGreaterThan(0);
    expect(model.count + cache.count + fallback.count).toBe(
      summary.performance_summary.successful_requests,
    );
    expect(cache.share).toBeCloseTo(cache.count / summary.performance_summary.total_requests, 12);
    // A cache hit skips the model: its answers are faster than the model's.
    expect(cache.latency.median_ms).toBeLessThan(model.latency.median_ms);
    expect(result.stdout).toMatch(/Answered by: model \d+ \([\d.]+%, P95 [\d.]+ms\) · cache \d+/);
  });
});

describe('a failed objective is never LOW risk', () => {
  it('console, analysis.json, report.md and report.html agree', async () => {
    const out = join(tempDir('perfsight-verdict-'), 'strict');
    const result = await runCli([
      'run',
      'synthetic',
      '-n',
      '50',
      '--latency-ms',
      '2',
      '--slo',
      'p95<0.001ms',
      '--no-progress',
      '--no-history',
      '-o',
      out,
    ]);
    expect(result.code).toBe(1);
    const analysis = readJson(join(out, 'analysis.json'));
    // A 2 ms p95 is no bottleneck by the seed's rules: only the objective makes it risky.
    expect(analysis.bottlenecks).toEqual([]);
    expect(analysis.risk_assessment.overall_risk).toBe('high');
    expect(result.stdout).toContain(
      'Risk: HIGH — High priority action required. Performance issues likely affecting users.',
    );
    expect(result.stdout).not.toContain('No immediate action required');
    expect(read(join(out, 'report.md'))).toContain('risk **HIGH**');
    expect(read(join(out, 'report.html'))).toContain('overall risk: <strong>HIGH</strong>');
  });
});

describe('ambiguous ratios', () => {
  it.each([
    [
      ['--slo', 'success>=1.5'],
      /success is a ratio from 0 to 1 .* or a percentage with % .*not 1\.5/,
    ],
    [['--slo', 'error_rate<5'], /error_rate is a ratio from 0 to 1/],
  ])('%j is refused: one line, exit 2, nothing written', async (args, message) => {
    const out = join(tempDir('perfsight-verdict-'), 'refused');
    const result = await runCli([
      'run',
      'synthetic',
      '-n',
      '5',
      ...args,
      '--no-history',
      '-o',
      out,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^perfsight: /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('a config file’s ratio thresholds above 1 are refused too', async () => {
    const dir = tempDir('perfsight-verdict-');
    const config = join(dir, 'perfsight.config.json');
    writeFileSync(config, JSON.stringify({ alert_thresholds: { error_rate: 5 } }));
    const result = await runCli([
      'run',
      'synthetic',
      '-n',
      '5',
      '--config',
      config,
      '-o',
      join(dir, 'out'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^perfsight: .*alert_thresholds\.error_rate/);
  });

  it('success>=1 still means 100 %', async () => {
    const out = join(tempDir('perfsight-verdict-'), 'all');
    const result = await runCli([
      'run',
      'synthetic',
      '-n',
      '20',
      '--slo',
      'success>=1',
      '--no-progress',
      '--no-history',
      '-o',
      out,
    ]);
    expect(result.code).toBe(0);
    expect(readJson(join(out, 'analysis.json')).objectives[0]).toMatchObject({
      objective: 'success>=100%',
      threshold: 1,
      passed: true,
    });
  });
});

describe('huge finite latencies', () => {
  it.each([
    ['untimed', 'latency_ms\n5\n1e300\n7\n'],
    ['timed', 'timestamp,latency_ms\n1700000000,5\n1700000001,1e300\n1700000002,7\n'],
    ['largest double', `latency_ms\n5\n${Number.MAX_VALUE}\n${Number.MAX_VALUE}\n`],
  ])('%s: summary.json and detailed.json stay valid, every figure a number', async (_, csv) => {
    const dir = tempDir('perfsight-verdict-');
    const file = join(dir, 'huge.csv');
    writeFileSync(file, csv);
    const out = join(dir, 'out');
    const result = await runCli(['report', file, '--no-history', '-o', out]);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(1);
    expectValidReport(join(out, 'summary.json'));
    expectValidReport(join(out, 'detailed.json'));
    const latency = readJson(join(out, 'summary.json')).latency_metrics;
    expect(latency.std_dev_ms).toBeGreaterThan(1e299);
    expect(latency.average_ms).toBeGreaterThan(1e299);
    expect(latency.average_ms).toBeLessThanOrEqual(latency.max_ms);
    expect(readJson(join(out, 'analysis.json')).objectives_met).toBe(false);
  });
});

describe('schema version 2', () => {
  it('compare still reads reports of version 1 (before latency_by_source)', async () => {
    const dir = tempDir('perfsight-verdict-');
    const current = join(dir, 'current');
    const run = await runCli([
      'run',
      'synthetic',
      '-n',
      '60',
      '--no-progress',
      '--no-history',
      '-o',
      current,
    ]);
    expect(run.code).toBe(0);
    const old = readJson(join(current, 'detailed.json'));
    delete old.latency_by_source;
    const oldFile = join(dir, 'v1-detailed.json');
    writeFileSync(oldFile, JSON.stringify({ ...old, schema_version: 1, samples_file: null }));
    const result = await runCli(['compare', oldFile, current, '-o', join(dir, 'cmp')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readJson(join(dir, 'cmp', 'comparison.json')).schema_version).toBe(3);
  });
});
