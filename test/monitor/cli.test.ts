import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../_helpers.js';
import type { AlertEvent, AlertNotification, DashboardSnapshot } from '../../src/monitor/index.js';

// These spawn dist/: run `npm run build` first (npm test does).

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;

describe('perfsight monitor', () => {
  it('SIGINT: final analysis, continuous_monitoring_data.json, a report per collector, exit 130', async () => {
    const out = join(tempDir(), 'monitor');
    let spawned = 0;
    const result = await runCli(
      ['monitor', '--out', out, '--interval', '1s', '--rate', '50', '--no-dashboard'],
      {
        onSpawn: (child) => {
          child.stderr!.on('data', (d: Buffer) => {
            if (d.toString().includes('Press Ctrl+C') && !spawned++) {
              setTimeout(() => child.kill('SIGINT'), 2500);
            }
          });
        },
        timeoutMs: 60_000,
      },
    );
    expect(result.stderr).toContain('SIGINT received');
    expect(result.code).toBe(130);
    // No --slo or --alert-rule: the seed's requirement and alert thresholds are watched out
    // of the box (an objective a threshold rule already states is not doubled).
    expect(result.stderr).toContain(
      'Alerting on the default objectives: fallback<1%; the alert thresholds: p95<=100ms, p95<=150ms, p99<=200ms, success>=99%, success>=89.1%, error_rate<=1%, error_rate<=2%, cpu<=85%, cpu<=93.5%, memory<=1500MB, memory<=1800MB (over 1m',
    );
    expect(result.stderr).toContain('Performing performance analysis...');
    const data = readJson<DashboardSnapshot>(join(out, 'continuous_monitoring_data.json'));
    expect(Object.keys(data.collectors)).toEqual(['feature_extraction', 'data_processing']);
    for (const [name, c] of Object.entries(data.collectors)) {
      expect(c.total_samples).toBeGreaterThan(50);
      expect(c.requests_per_second).toBeGreaterThan(20);
      expect(c.requests_per_second).toBeLessThan(80);
      expect(c.latency_p95).toBeGreaterThan(0);
      const summary = readJson<{ performance_summary: { total_requests: number } }>(
        join(out, name, 'summary.json'),
      );
      // The report counts what the dashboard counted (to the last in-flight calls).
      expect(
        Math.abs(summary.performance_summary.total_requests - c.total_samples),
      ).toBeLessThanOrEqual(5);
      expect(existsSync(join(out, name, 'detailed.json'))).toBe(true);
      expect(data.reports[name]).toBe(join(out, name));
    }
    expect(typeof data.timestamp).toBe('string');
    expect(existsSync(join(out, 'alerts.jsonl'))).toBe(true);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('watches --target endpoints, alerts on failures, logs them and posts them to the webhook', async () => {
    let calls = 0;
    const target = await serve((_, res) => {
      calls++;
      res.writeHead(calls % 2 === 0 ? 503 : 200).end('x');
    });
    const received: AlertNotification[] = [];
    const hook = await serve((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as AlertNotification);
        res.writeHead(204).end();
      });
    });
    const out = join(tempDir(), 'monitor');
    const result = await runCli(
      [
        'monitor',
        '--duration',
        '6s',
        '--interval',
        '1s',
        '--alerts-every',
        '500ms',
        '--rate',
        '40',
        '--target',
        `api_endpoints=${target}/health`,
        '--alert-rule',
        'error_rate<10% over 2s for 1s keep_firing_for 30s min_events 5 severity critical on api_endpoints',
        '--slo',
        'success>=99.9%',
        '--group-wait',
        '0',
        '--webhook',
        `${hook}/alerts`,
        '--out',
        out,
        '--no-dashboard',
      ],
      { timeoutMs: 60_000 },
    );
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(0);
    expect(calls).toBeGreaterThan(100);
    const events = readFileSync(join(out, 'alerts.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AlertEvent);
    const threshold = events.filter((e) => e.alert.startsWith('error_rate<10% over 2s'));
    expect(threshold.map((e) => e.state)).toEqual(['pending', 'firing']);
    expect(
      Date.parse(threshold[1]!.firing_at!) - Date.parse(threshold[0]!.pending_at),
    ).toBeGreaterThanOrEqual(1000);
    expect(threshold[1]!.collector).toBe('api_endpoints');
    expect(result.stderr).toMatch(
      /\] CRITICAL: api_endpoints - Error rate \d+\.\d\d% exceeds threshold 10\.00%/,
    );
    const firingIds = new Set(received.flatMap((n) => n.alerts.map((a) => a.id)));
    for (const e of events.filter((e) => e.state === 'firing')) expect(firingIds).toContain(e.id);
    const data = readJson<DashboardSnapshot>(join(out, 'continuous_monitoring_data.json'));
    expect(Object.keys(data.collectors)).toEqual([
      'feature_extraction',
      'data_processing',
      'api_endpoints',
    ]);
    expect(data.collectors.api_endpoints!.error_rate).toBeCloseTo(0.5, 1);
    expect(
      data.alerts.active.some((a) => a.collector === 'api_endpoints' && a.state === 'firing'),
    ).toBe(true);
    const summary = readJson<{ error_analysis: unknown }>(
      join(out, 'api_endpoints', 'summary.json'),
    );
    expect(JSON.stringify(summary)).toContain('http_503');
  }, 60_000);

  it('a dead webhook delays the exit, not the figures: elapsed is the measured span', async () => {
    const target = await serve((_, res) => res.writeHead(503).end('x'));
    // A receiver that takes the request and never answers: the exit drains for 5 s.
    const hook = await serve(() => {});
    const out = join(tempDir(), 'monitor');
    const result = await runCli(
      [
        'monitor',
        '--duration',
        '2s',
        '--alerts-every',
        '250ms',
        '--rate',
        '40',
        '--target',
        `api_endpoints=${target}/health`,
        '--alert-rule',
        'success>=99% over 1s for 0s min_events 5 on api_endpoints',
        '--group-wait',
        '0',
        '--webhook',
        `${hook}/alerts`,
        '--out',
        out,
        '--no-dashboard',
      ],
      { timeoutMs: 60_000 },
    );
    expect(result.code).toBe(0);
    // The webhook did hold the exit: nothing delivered, the drain waited its 5 s.
    expect(result.stderr).toMatch(/Webhook: 0 delivered, [1-9]\d* failed attempt/);
    const data = readJson<DashboardSnapshot>(join(out, 'continuous_monitoring_data.json'));
    const summary = readJson<{ ended_at: string; test_duration_seconds: number }>(
      join(out, 'api_endpoints', 'summary.json'),
    );
    // The export is as of the stop, which comes before the collectors end (and before the
    // drain): never after the measured span.
    expect(Date.parse(data.timestamp)).toBeLessThanOrEqual(Date.parse(summary.ended_at));
    expect(data.elapsed_seconds).toBe(
      (Date.parse(data.timestamp) - Date.parse(data.started_at)) / 1000,
    );
    expect(data.collectors.api_endpoints!.since_start.span_seconds).toBe(data.elapsed_seconds);
  }, 60_000);

  it('alerts on the objectives of perfsight.config.json when no rule is given', async () => {
    let calls = 0;
    const target = await serve((_, res) => {
      calls++;
      res.writeHead(calls % 2 === 0 ? 503 : 200).end('x');
    });
    const dir = tempDir();
    writeFileSync(
      join(dir, 'perfsight.config.json'),
      JSON.stringify({ objectives: ['error_rate<10%', 'cpu<80%'] }),
    );
    const out = join(dir, 'monitor');
    const result = await runCli(
      [
        'monitor',
        '--duration',
        '3s',
        '--alerts-every',
        '500ms',
        '--analysis-every',
        '1s',
        '--rate',
        '40',
        '--target',
        `api_endpoints=${target}/health`,
        '--out',
        out,
        '--no-dashboard',
      ],
      { cwd: dir, timeoutMs: 60_000 },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      // fallback<1% joins objectives that name no fallback objective, as in `run`.
      `Alerting on ${join(dir, 'perfsight.config.json')}: error_rate<10%, cpu<80%, fallback<1%; the alert thresholds: p95<=100ms,`,
    );
    // Broken on api_endpoints (half its calls fail), but 3 s say nothing about a 1 m window:
    // the rule stays silent, not even pending, until the window is watched whole.
    expect(readFileSync(join(out, 'alerts.jsonl'), 'utf8')).toBe('');
    const data = readJson<DashboardSnapshot>(join(out, 'continuous_monitoring_data.json'));
    const checked = data.analysis.api_endpoints!.objectives;
    expect(checked.map((o) => o.objective)).toEqual(['error_rate<10%', 'cpu<80%', 'fallback<1%']);
    expect([checked[0]!.passed, checked[2]!.passed]).toEqual([false, true]);
    // CPU is measured per window now (the process's, read at each tick).
    expect(checked[1]!.actual).toEqual(expect.any(Number));
    // The final report of each collector is held to the same objectives, as `run` would be.
    const final = readJson<{ objectives: Array<{ objective: string; passed: boolean }> }>(
      join(out, 'api_endpoints', 'analysis.json'),
    );
    expect(final.objectives.map((o) => o.objective)).toEqual([
      'error_rate<10%',
      'cpu<80%',
      'fallback<1%',
    ]);
    expect(final.objectives[0]!.passed).toBe(false);
  }, 60_000);

  it('each collector’s folder holds the full report set of `run`, held to the --slo objectives', async () => {
    let calls = 0;
    const target = await serve((_, res) => {
      calls++;
      res.writeHead(calls % 4 === 0 ? 503 : 200).end('x');
    });
    const out = join(tempDir(), 'monitor');
    const result = await runCli(
      [
        'monitor',
        '--duration',
        '2s',
        '--rate',
        '40',
        '--slo',
        'success>=99%',
        '--alert-rule',
        'p95<2000ms over 1m',
        '--target',
        `api=${target}/health`,
        '--out',
        out,
        '--no-dashboard',
      ],
      { timeoutMs: 60_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    const collectors = ['feature_extraction', 'data_processing', 'api'];
    expect(readdirSync(out).sort()).toEqual(
      [...collectors, 'alerts.jsonl', 'continuous_monitoring_data.json', '.perfsight'].sort(),
    );
    for (const name of collectors) {
      const folder = join(out, name);
      // A monitor's collector keeps histograms, not every sample: no samples.csv.gz.
      expect(readdirSync(folder).sort(), name).toEqual(
        [
          '.perfsight',
          'summary.json',
          'detailed.json',
          'summary.csv',
          'analysis.json',
          'alerts.json',
          'report.html',
          'report.md',
          'junit.xml',
        ].sort(),
      );
      const summary = readJson<{
        test_name: string;
        performance_summary: { total_requests: number };
      }>(join(folder, 'summary.json'));
      expect(summary.test_name).toBe(name);
      const analysis = readJson<{
        test_name: string;
        objectives: Array<{ objective: string; passed: boolean }>;
      }>(join(folder, 'analysis.json'));
      // The rules' objectives, each once (an SLO makes several burn-rate rules), and the
      // fallback objective `run` adds.
      expect(analysis.objectives.map((o) => o.objective)).toEqual([
        'p95<2000ms',
        'success>=99%',
        'fallback<1%',
      ]);
      expect(readJson<{ report_type: string }>(join(folder, 'alerts.json')).report_type).toBe(
        'alerts',
      );
      expect(readFileSync(join(folder, 'report.md'), 'utf8')).toContain(
        `## perfsight: ${analysis.objectives.every((o) => o.passed) ? '✅ PASS' : '❌ FAIL'} — ${name.replaceAll('_', '\\_')}`,
      );
      expect(readFileSync(join(folder, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/i);
      const junit = readFileSync(join(folder, 'junit.xml'), 'utf8');
      expect(junit).toContain('success&gt;=99%');
      if (name === 'api') {
        // A quarter of its calls fail: its objective fails in every file that judges it.
        expect(analysis.objectives[1]!.passed).toBe(false);
        expect(junit).toContain('<failure');
      }
    }
  }, 60_000);

  it('rejects bad usage with one line and exit 2, writing nothing', async () => {
    const dir = tempDir();
    const cases: Array<[string[], RegExp]> = [
      [['--slo', 'p95<<3'], /bad objective "p95<<3"/],
      [['--alert-rule', 'p95<100ms for soon'], /bad duration "soon"/],
      [['--web', '0.0.0.0:0'], /reachable from other machines: set --token/],
      [['--target', 'nourl'], /name=http/],
      [['--webhook', 'ftp://x'], /--webhook expects an http\(s\) URL/],
      [['--config', join(dir, 'missing.json')], /missing\.json: cannot read the config file/],
    ];
    for (const [args, message] of cases) {
      const out = join(dir, args[0]!.replace(/-/g, ''));
      const result = await runCli([
        'monitor',
        '--duration',
        '1s',
        '--out',
        out,
        '--no-dashboard',
        ...args,
      ]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(
        result.stderr
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('perfsight:')),
      ).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(existsSync(join(out, 'continuous_monitoring_data.json'))).toBe(false);
    }
  }, 60_000);

  it('writes only inside --out: collector names are folder names; a bad --out or --alert-log is refused', async () => {
    const dir = tempDir();
    const out = join(dir, 'monitor');
    const file = join(dir, 'file.txt');
    writeFileSync(file, 'keep');
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const cases: Array<[string[], RegExp]> = [
      [
        ['--out', out, '--target', '..=http://127.0.0.1:9/'],
        /the name "\.\." cannot name the collector's report folder/,
      ],
      [['--out', out, '--target', '.hidden=http://127.0.0.1:9/'], /the name "\.hidden"/],
      [['--out', out, '--target', 'alerts.jsonl=http://127.0.0.1:9/'], /the name "alerts\.jsonl"/],
      [
        ['--out', out, '--alert-log', logs],
        /^perfsight: --alert-log .*logs is a folder, not a file$/,
      ],
      [
        ['--out', out, '--alert-log', join(file, 'a.jsonl')],
        /--alert-log .*a\.jsonl is under .*file\.txt, which is a file/,
      ],
      [['--out', file], /^perfsight: --out .*file\.txt is a file, not a folder$/],
      [['--out', join(file, 'm')], /--out .*file\.txt\/m is under .*file\.txt, which is a file/],
      [['--out', logs.replace(/logs$/, '')], /is not empty/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['monitor', '--duration', '1s', '--no-dashboard', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(message);
    }
    // Nothing was written anywhere: not into --out, not beside it.
    expect(readdirSync(dir).sort()).toEqual(['file.txt', 'logs']);
    expect(readdirSync(logs)).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe('keep');
  }, 60_000);

  it('monitors started in the same second each get their own folder', async () => {
    const cwd = tempDir();
    const monitors = 4;
    const results = await Promise.all(
      Array.from({ length: monitors }, () =>
        runCli(['monitor', '--duration', '1s', '--no-dashboard', '--rate', '10'], {
          cwd,
          timeoutMs: 60_000,
        }),
      ),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const folders = readdirSync(join(cwd, 'perfsight-reports'));
    expect(folders).toHaveLength(monitors);
    for (const folder of folders) {
      const data = join(cwd, 'perfsight-reports', folder, 'continuous_monitoring_data.json');
      expect(existsSync(data)).toBe(true);
    }
  }, 60_000);
});
