import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RealTimeDashboard, renderDashboard, sparkline } from '../../src/dashboard/index.js';
import { MetricsCollector } from '../../src/metrics/index.js';
import { ROOT, tempDir } from '../_helpers.js';
import { ContinuousPerformanceMonitor, parseAlertRule } from '../../src/monitor/index.js';

const T0 = Date.UTC(2026, 0, 1, 12);

/** A monitor on a fake clock with some history: p95 rises over time, errors at the end. */
function snapshotWithHistory() {
  let now = T0;
  const monitor = new ContinuousPerformanceMonitor(['feature_extraction', 'api_endpoints'], {
    clock: { now: () => now },
    rules: [parseAlertRule('error_rate<1% over 1m for 0s min_events 1 severity critical')],
    alertsEveryMs: 5000,
  });
  void monitor.start({ schedule: false });
  for (let slot = 0; slot < 30; slot++) {
    for (let i = 0; i < 20; i++) {
      monitor.collector('feature_extraction')!.recordSample({
        latencyMs: 5 + slot + i / 10,
        success: true,
        cacheHit: i < 5,
        fallbackUsed: i === 0,
      });
      monitor
        .collector('api_endpoints')!
        .recordSample({ latencyMs: 40, success: slot < 25 || i > 2 });
    }
    now += 5000;
    monitor.tick(now);
  }
  return monitor.snapshot(now);
}

describe('terminal dashboard', () => {
  it('draws a sparkline from low to high', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([3, 3, 3])).toBe('▁▁▁');
    expect(sparkline([])).toBe('');
    expect(
      sparkline(
        Array.from({ length: 100 }, (_, i) => i),
        10,
      ),
    ).toHaveLength(10);
  });

  it("shows the seed's figures, the p95 trend and active alerts per collector", () => {
    const snapshot = snapshotWithHistory();
    const text = renderDashboard(snapshot);
    const fe = snapshot.collectors.feature_extraction!;
    expect(text).toContain(`REAL-TIME PERFORMANCE DASHBOARD - ${snapshot.timestamp}`);
    expect(text).toContain('FEATURE_EXTRACTION:\n  Requests: 600\n  Success Rate: 100.00%');
    expect(text).toContain(`  P95 Latency: ${fe.latency_p95.toFixed(2)}ms`);
    expect(text).toContain('  Cache Hit Rate: 25.00%\n  Fallback Rate: 5.00%\n  Error Rate: 0.00%');
    const trend = /FEATURE_EXTRACTION:[\s\S]*?P95 trend: (\S+)/.exec(text)![1]!;
    expect(trend.length).toBe(30);
    expect(trend.startsWith('▁')).toBe(true);
    expect(trend.endsWith('█')).toBe(true);
    expect(text).toMatch(
      /API_ENDPOINTS:[\s\S]*🔥 CRITICAL firing: Error rate \d+\.\d\d% exceeds threshold 1\.00%/,
    );
    const featureBlock = text.slice(
      text.indexOf('FEATURE_EXTRACTION:'),
      text.indexOf('API_ENDPOINTS:'),
    );
    expect(featureBlock).not.toContain('🔥');
  });

  it('redraws in place on a TTY and prints plain lines otherwise', () => {
    const snapshot = snapshotWithHistory();
    const capture = (tty: boolean) => {
      const out = Object.assign(new PassThrough(), { isTTY: tty }) as unknown as NodeJS.WriteStream;
      let text = '';
      out.on('data', (d: Buffer) => (text += d.toString()));
      const dashboard = new RealTimeDashboard(5000, out);
      dashboard.start();
      dashboard.add(snapshot);
      dashboard.add(snapshot);
      dashboard.stop();
      return text;
    };
    const tty = capture(true);
    expect(tty.split('\x1b[H')).toHaveLength(3); // cursor home per frame, no scrolling
    expect(tty).toContain('\x1b[J');
    expect(tty.endsWith('\x1b[?25h\n')).toBe(true);
    const plain = capture(false);
    expect(plain).not.toContain('\x1b');
    const lines = plain.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^\[12:02:30\] feature_extraction: 600 requests, \d+\.\d rps, p95 \d+\.\d\dms, errors 0\.00%$/,
    );
    expect(lines[1]).toMatch(/api_endpoints: 600 requests, .*, 1 alert\(s\) firing$/);
  });
});

describe('RealTimeDashboard the seed’s way: addMetricsCollector, startDashboard…', () => {
  const capture = (tty: boolean) => {
    const out = Object.assign(new PassThrough(), { isTTY: tty }) as unknown as NodeJS.WriteStream;
    const text = { value: '' };
    out.on('data', (d: Buffer) => (text.value += d.toString()));
    return { out, text };
  };
  const feed = (collector: MetricsCollector, n: number, latencyMs: number, failEvery = 0) => {
    for (let i = 0; i < n; i++) {
      collector.recordSample({
        latencyMs,
        success: !(failEvery && i % failEvery === 0),
        cacheHit: i % 4 === 0,
      });
    }
  };

  it('reads the collectors it is given, prints them on a schedule and exports their data', async () => {
    const fe = new MetricsCollector({ sampleResources: false });
    const api = new MetricsCollector({ sampleResources: false });
    fe.startCollection();
    api.startCollection();
    const { out, text } = capture(false);
    const dashboard = new RealTimeDashboard(100, out);
    dashboard.addMetricsCollector('feature_extraction', fe);
    dashboard.addMetricsCollector('api_endpoints', api);
    feed(fe, 40, 12); // before the start: counted since the collector's start
    expect(Object.hasOwn(fe, 'record')).toBe(false); // untouched until the dashboard starts
    dashboard.startDashboard();
    expect(dashboard.running).toBe(true);
    feed(fe, 60, 12);
    feed(api, 50, 30, 5);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const data = dashboard.getDashboardData()!;
    expect(data.collectors.feature_extraction).toMatchObject({
      total_samples: 100,
      success_rate: 1,
      error_rate: 0,
      cache_hit_rate: 0.25,
    });
    expect(data.collectors.feature_extraction!.latency_p95).toBeCloseTo(12, 0);
    expect(data.collectors.api_endpoints).toMatchObject({ total_samples: 50, error_rate: 0.2 });
    // The windows saw what was recorded while the dashboard watched.
    expect(data.collectors.api_endpoints!.windows['1m'].requests).toBe(50);
    expect(text.value).toMatch(/^Real-time dashboard started$/m);
    expect(text.value).toMatch(/feature_extraction: 100 requests, .*errors 0\.00%/);
    expect(text.value).toMatch(/api_endpoints: 50 requests, .*errors 20\.00%/);
    const frames = text.value.match(/feature_extraction: /g)!.length;
    expect(frames).toBeGreaterThanOrEqual(2); // at the start, then every 100 ms
    dashboard.stopDashboard();
    expect(dashboard.running).toBe(false);
    expect(text.value).toMatch(/Dashboard stopped\n$/);
    // The collectors are the user's again: no wrapper left, still collecting.
    expect(Object.hasOwn(fe, 'record')).toBe(false);
    feed(fe, 1, 12);
    expect(fe.getCurrentMetrics().total_samples).toBe(101);
    const file = join(tempDir('perfsight-dash-'), 'continuous_monitoring_data.json');
    await dashboard.exportDashboardData(file);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported.collectors.feature_extraction.total_samples).toBe(100);
    expect(exported.collectors.api_endpoints.error_rate).toBe(0.2);
    expect(text.value).toContain(`Dashboard data exported to ${file}`);
    fe.endCollection();
    api.endCollection();
  });

  it('draws the seed’s block per collector on a TTY', async () => {
    const fe = new MetricsCollector({ sampleResources: false });
    fe.startCollection();
    feed(fe, 20, 8);
    const { out, text } = capture(true);
    const dashboard = new RealTimeDashboard(1000, out);
    dashboard.addMetricsCollector('feature_extraction', fe);
    expect(dashboard.getDashboardData()!.collectors.feature_extraction!.total_samples).toBe(20);
    dashboard.startDashboard();
    dashboard.stopDashboard();
    // Every frame redraws from the top of the screen: the start line is part of the last one.
    const lastFrame = text.value.slice(text.value.lastIndexOf('\x1b[H'));
    expect(lastFrame.startsWith('\x1b[HReal-time dashboard started\x1b[K\n')).toBe(true);
    expect(text.value).toContain('FEATURE_EXTRACTION:');
    expect(text.value).toContain('  Requests: 20');
    expect(text.value).toContain('  Cache Hit Rate: 25.00%');
    fe.endCollection();
  });

  it('an interval in the seed’s seconds is refused, saying it is milliseconds', () => {
    expect(() => new RealTimeDashboard(2.0, capture(false).out).startDashboard()).toThrow(
      /updateIntervalMs 2 is under 100: it is in milliseconds/,
    );
  });

  it('its timer does not keep the process alive (never stopped, the script still ends)', () => {
    const script = `
      import { MetricsCollector, RealTimeDashboard } from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))};
      const c = new MetricsCollector({ sampleResources: false });
      c.startCollection();
      c.recordSample({ latencyMs: 5, success: true });
      const d = new RealTimeDashboard(200);
      d.addMetricsCollector('x', c);
      d.startDashboard();
      c.endCollection();`;
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/x: 1 requests/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
