import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RealTimeDashboard, renderDashboard } from '../../src/dashboard/index.js';
import { ContinuousPerformanceMonitor } from '../../src/monitor/index.js';
import { BIN, tempDir } from '../_helpers.js';

const T0 = Date.UTC(2026, 0, 1, 12);

/** A monitor on a fake clock: `ok` answers, `down` refuses every connection. */
function monitorOf(feed: boolean) {
  let now = T0;
  const monitor = new ContinuousPerformanceMonitor(['ok', 'down'], {
    clock: { now: () => now },
    rules: [],
  });
  void monitor.start({ schedule: false });
  if (feed) {
    for (let i = 0; i < 40; i++) {
      monitor.collector('ok')!.recordSample({ latencyMs: 5, success: true });
      monitor
        .collector('down')!
        .recordSample({ latencyMs: 1, success: false, errorType: 'ECONNREFUSED' });
    }
    now += 5000;
    monitor.tick(now);
  }
  return monitor.snapshot(now);
}

const block = (text: string, name: string) => {
  const start = text.indexOf(`${name.toUpperCase()}:`);
  const end = text.indexOf('\n\n', start);
  return text.slice(start, end < 0 ? undefined : end);
};

describe('terminal dashboard, first frames', () => {
  it('before any request: no 0.00 % success, no 0 ms latency, but "no requests yet"', () => {
    const text = renderDashboard(monitorOf(false));
    const ok = block(text, 'ok');
    expect(ok).toContain('Requests: 0 (no requests yet)');
    expect(ok).toMatch(/Success Rate: –$/m);
    expect(ok).toMatch(/P95 Latency: –$/m);
    expect(ok).toMatch(/Last 1m: no requests$/m);
    expect(ok).not.toMatch(/0\.00%|0\.00ms/);
  });

  it('a target that cannot be reached says why its calls fail', () => {
    const snapshot = monitorOf(true);
    const down = block(renderDashboard(snapshot), 'down');
    expect(down).toMatch(/Error Rate: 100\.00% \(top: ECONNREFUSED × 40\)/);
    expect(down).toMatch(/Last 1m: .*P95 –, errors 100\.00% \(top: ECONNREFUSED × 40\)/);
    expect(snapshot.collectors.down!.top_error).toEqual({ type: 'ECONNREFUSED', count: 40 });
    expect(snapshot.collectors.ok!.top_error).toBeNull();
    const plain = new PassThrough();
    let lines = '';
    plain.on('data', (d: Buffer) => (lines += d.toString()));
    new RealTimeDashboard(5000, plain).add(snapshot);
    expect(lines).toMatch(/down: 40 requests, .*p95 –, errors 100\.00% \(top: ECONNREFUSED × 40\)/);
  });

  it('on a TTY, header lines and messages are part of every frame, not wiped by it', () => {
    const out = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.WriteStream;
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const dashboard = new RealTimeDashboard(5000, out);
    const snapshot = monitorOf(true);
    expect(dashboard.drawingInPlace).toBe(false);
    dashboard.start();
    expect(dashboard.drawingInPlace).toBe(true);
    dashboard.add(snapshot);
    dashboard.addHeaderLine('Web dashboard: http://127.0.0.1:4321/');
    for (let i = 1; i <= 12; i++)
      dashboard.addMessage(`[12:00:0${i % 10}] CRITICAL: down - alert ${i}`);
    dashboard.add(snapshot);
    dashboard.stop();
    const last = text.split('\x1b[H').at(-1)!.split('\x1b[K').join('');
    expect(last.indexOf('Web dashboard: http://127.0.0.1:4321/')).toBeLessThan(
      last.indexOf('REAL-TIME PERFORMANCE DASHBOARD'),
    );
    // The latest ten messages, below the collectors.
    expect(last).not.toContain('alert 2\n');
    expect(last.indexOf('alert 3\n')).toBeGreaterThan(last.indexOf('DOWN:'));
    expect(last).toContain('alert 12\n');
  });
});

describe('perfsight monitor on a terminal', () => {
  it('keeps the web dashboard URL and every alert line on screen while it redraws', () => {
    const out = join(tempDir(), 'monitor');
    const typescript = join(tempDir(), 'tty.txt');
    const command = [
      process.execPath,
      BIN,
      'monitor',
      '--duration 4s --interval 500ms --alerts-every 500ms --rate 20',
      `--web 127.0.0.1:0 --out ${out}`,
      '--target down=http://127.0.0.1:9/',
      `--alert-rule 'error_rate<10% over 2s for 0s min_events 5 severity critical on down'`,
      '--group-wait 0',
    ].join(' ');
    // `script` gives the monitor a real terminal (stdout and stderr both TTYs).
    const result = spawnSync('script', ['-qec', command, typescript], {
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const screen = readFileSync(typescript, 'utf8');
    const frames = screen.split('\x1b[H');
    expect(frames.length).toBeGreaterThan(3);
    const last = frames.at(-1)!;
    expect(last).toMatch(/Web dashboard: http:\/\/127\.0\.0\.1:\d+\//);
    expect(last).toMatch(/\] CRITICAL: down - Error rate 100\.00% exceeds threshold 10\.00%/);
    expect(last).toMatch(/errors 100\.00% \(top: ECONNREFUSED × \d+\)/);
  }, 120_000);
});
