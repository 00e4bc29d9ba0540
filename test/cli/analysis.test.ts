import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../_helpers.js';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('objectives, analysis and alerts in run and report', () => {
  const dir = tempDir('perfsight-analysis-cli-');
  const run = (name: string, ...args: string[]) =>
    runCli([
      'run',
      'synthetic',
      '-n',
      '200',
      '--no-progress',
      '--no-history',
      '-o',
      join(dir, name),
      ...args,
    ]);

  it('writes analysis.json and alerts.json from the run’s own figures; exit 0 when objectives hold', async () => {
    const result = await run('ok');
    expect(result.code).toBe(0);
    const summary = readJson(join(dir, 'ok', 'summary.json'));
    const analysis = readJson(join(dir, 'ok', 'analysis.json'));
    expect(analysis).toMatchObject({
      report_type: 'analysis',
      schema_version: 3,
      objectives_met: true,
    });
    expect(analysis.objectives.map((o: { objective: string }) => o.objective)).toEqual([
      'p95<100ms',
      'success>=99%',
      'fallback<1%',
    ]);
    expect(analysis.objectives[0].actual).toBe(summary.latency_metrics.p95_ms);
    expect(readJson(join(dir, 'ok', 'alerts.json'))).toMatchObject({
      report_type: 'alerts',
      alerts: [],
    });
    expect(result.stdout).toMatch(/✅ PASS {2}p95<100ms/);
  });

  it('a failed objective: ❌ FAIL in the summary and exit 1', async () => {
    const result = await run('strict', '--slo', 'p95<0.5ms', '--slo', 'success>=99%');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/❌ FAIL {2}p95<0\.5ms +P95 latency [\d.]+ms ≥ 0\.5ms/);
    expect(result.stdout).toMatch(/✅ PASS {2}success≥99%/);
    expect(result.stdout).toMatch(/❌ P95 Latency requirement not met: [\d.]+ms ≥ 0\.5ms/);
    expect(readJson(join(dir, 'strict', 'analysis.json')).objectives_met).toBe(false);
  });

  it('failures raise the seed’s alerts and bottlenecks', async () => {
    const result = await run('errors', '--error-rate', '0.3', '--seed', '7');
    expect(result.code).toBe(1);
    const alerts = readJson(join(dir, 'errors', 'alerts.json')).alerts;
    expect(alerts.map((a: { metric: string; level: string }) => [a.metric, a.level])).toEqual([
      ['success_rate', 'CRITICAL'],
      ['error_rate', 'WARNING'],
    ]);
    const analysis = readJson(join(dir, 'errors', 'analysis.json'));
    expect(analysis.risk_assessment.overall_risk).toBe('critical');
    expect(result.stdout).toMatch(/Alert CRITICAL: Success rate/);
  });

  it('objectives from a config file', async () => {
    const config = join(dir, 'perfsight.config.json');
    writeFileSync(config, JSON.stringify({ objectives: ['p99<1s', 'throughput>=10rps'] }));
    const result = await run('config', '--config', config);
    expect(result.code).toBe(0);
    const analysis = readJson(join(dir, 'config', 'analysis.json'));
    // The fallback objective joins objectives that do not name their own.
    expect(analysis.objectives.map((o: { objective: string }) => o.objective)).toEqual([
      'p99<1000ms',
      'throughput>=10rps',
      'fallback<1%',
    ]);
    expect(analysis.test_context.objectives_source).toBe(config);
  });

  it('a bad objective stops before anything runs: one line, exit 2, no folder', async () => {
    const result = await run('bad', '--slo', 'p95<100parsecs');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'perfsight: bad objective "p95<100parsecs": p95 takes ms, s, us, µs, not "parsecs"\n',
    );
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });

  it('report checks objectives on samples measured elsewhere', async () => {
    const samples = join(dir, 'samples.csv');
    writeFileSync(
      samples,
      'latency_ms\n' + Array.from({ length: 50 }, (_, i) => 100 + i).join('\n') + '\n',
    );
    const result = await runCli([
      'report',
      samples,
      '--no-history',
      '--slo',
      'p95<120ms',
      '-o',
      join(dir, 'rep'),
    ]);
    expect(result.code).toBe(1);
    const analysis = readJson(join(dir, 'rep', 'analysis.json'));
    // numpy linear p95 of 100…149: 100 + 0.95 · 49 = 146.55
    expect(analysis.objectives[0].actual).toBeCloseTo(146.55, 6);
  });
});
