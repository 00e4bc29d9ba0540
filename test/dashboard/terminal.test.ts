import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RealTimeDashboard, renderDashboard, sparkline } from '../../src/dashboard/index.js';
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
