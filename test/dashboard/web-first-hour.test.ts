/// <reference lib="dom" />
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebDashboard } from '../../src/dashboard/index.js';
import { ContinuousPerformanceMonitor, type DashboardSnapshot } from '../../src/monitor/index.js';
import { launchChromium } from '../_chromium.js';
import { BIN, ROOT, tempDir } from '../_helpers.js';

const T0 = Date.UTC(2026, 0, 1, 12);

/** Snapshots of a monitor on a fake clock: one 5-s slot of samples per `tick`. */
function fakeMonitor() {
  let now = T0;
  const monitor = new ContinuousPerformanceMonitor(['api'], {
    clock: { now: () => now },
    analysisEveryMs: 3_600_000,
  });
  void monitor.start({ schedule: false });
  return {
    monitor,
    tick(slots: number) {
      for (let s = 0; s < slots; s++) {
        for (let i = 0; i < 20; i++) {
          monitor.collector('api')!.recordSample({ latencyMs: 4 + (i % 5), success: true });
        }
        now += 5000;
        monitor.tick(now);
      }
      return monitor.snapshot(now);
    },
  };
}

describe('web dashboard: charts, legends, analysis and reports in Chromium', () => {
  let browser: Browser;
  let web: WebDashboard;
  let current: DashboardSnapshot;

  beforeAll(async () => {
    web = new WebDashboard({ port: 0, read: () => current });
    await web.start();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  it('the chart keeps every point it was sent, its legend shows the latest values, empty sections say why', async () => {
    const fake = fakeMonitor();
    current = fake.tick(6);
    expect(current.collectors.api!.history).toHaveLength(6);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(web.url);
    await page.waitForSelector('#status.live', { timeout: 10_000 });
    const card = '.card[data-collector="api"]';
    await expect.poll(() => page.getAttribute(card, 'data-points')).toBe('6');

    // Later snapshots carry only their newest points (the server's history is bounded): the
    // page keeps the ones it already had.
    for (let i = 0; i < 4; i++) {
      const next = fake.tick(1);
      next.collectors.api!.history = next.collectors.api!.history.slice(-2);
      web.add(next);
    }
    await expect.poll(() => page.getAttribute(card, 'data-points')).toBe('10');

    // Off the chart, the legend shows the latest point, formatted, never "--".
    const legend = await page.$$eval(`${card} .u-legend tr`, (rows) =>
      rows.map((r) => r.textContent ?? ''),
    );
    const latest = fake.monitor.snapshot().collectors.api!.history.at(-1)!;
    expect(legend.join(' ')).not.toContain('--');
    expect(legend.find((r) => r.startsWith('p95'))).toBe(`p95${latest.p95.toFixed(2)} ms`);
    expect(legend.find((r) => r.startsWith('rps'))).toBe(
      `rps${latest.requests_per_second.toFixed(1)}`,
    );

    // Nothing analysed or written yet: the sections say when they fill.
    expect(await page.textContent('#analysis')).toMatch(/No analysis yet: the first comes after/);
    expect(await page.textContent('#reports')).toMatch(/Written when monitoring stops/);
    await page.screenshot({
      path: join(ROOT, 'test-artifacts', 'web-dashboard.png'),
      fullPage: true,
    });

    // Then they show what the monitor's snapshot holds.
    fake.monitor.analyze();
    fake.monitor.setReportFolder('api', '/tmp/reports/api');
    web.add(fake.monitor.snapshot());
    await page.waitForSelector('#analysis li[data-collector="api"][data-risk=low]');
    expect(await page.textContent('#reports')).toBe('api: /tmp/reports/api');
    await page.close();
  }, 60_000);
});

describe('perfsight monitor --web: the page lists the report folders when monitoring stops', () => {
  it('a viewer connected at the end sees every collector’s report folder', async () => {
    const out = join(tempDir(), 'monitor');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'monitor',
        '--duration',
        '4s',
        '--rate',
        '20',
        '--no-dashboard',
        '--web',
        '127.0.0.1:0',
        '--out',
        out,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: 'true' } },
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stderr!.on('data', (d: Buffer) => {
        text += d.toString();
        const match = /Web dashboard: (http:\/\/\S+)/.exec(text);
        if (match) resolve(match[1]!);
      });
      child.on('close', () => reject(new Error(`no URL in: ${text}`)));
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForSelector('#status.live', { timeout: 10_000 });
      expect(await page.textContent('#reports')).toMatch(/Written when monitoring stops/);
      expect(await exited).toBe(0);
      // The stream ended with the monitor: the page says so instead of reconnecting forever.
      await page.waitForSelector('#status:text("stopped")', { timeout: 10_000 });
      const listed = await page.$$eval('#reports li', (li) => li.map((e) => e.textContent));
      expect(listed).toEqual([
        `feature_extraction: ${join(out, 'feature_extraction')}`,
        `data_processing: ${join(out, 'data_processing')}`,
      ]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
