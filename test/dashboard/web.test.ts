import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { WebDashboard, parseListenAddress } from '../../src/dashboard/index.js';
import {
  ContinuousPerformanceMonitor,
  parseAlertRule,
  parseSloRules,
  type DashboardSnapshot,
} from '../../src/monitor/index.js';
import { launchChromium } from '../_chromium.js';

const TOKEN = 'test-token-0123456789';
const HOSTILE = '<img src=x onerror="window.__xss=1">';

interface Setup {
  monitor: ContinuousPerformanceMonitor;
  web: WebDashboard;
  fault: { on: boolean };
  feeding: { on: boolean };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A live monitor with a web dashboard, fed every 10 ms; `fault.on` makes 'api' fail. */
async function liveMonitor(token?: string): Promise<Setup> {
  const fault = { on: false };
  const feeding = { on: true };
  const web: WebDashboard = new WebDashboard({
    port: 0,
    token,
    read: (): DashboardSnapshot => monitor.dashboardData,
  });
  const monitor: ContinuousPerformanceMonitor = new ContinuousPerformanceMonitor(
    ['api', 'worker', HOSTILE],
    {
      rules: [
        parseAlertRule(
          'error_rate<5% over 1s for 0s keep_firing_for 5s min_events 5 severity critical',
        ),
        ...parseSloRules('success>=99.9%'),
      ],
      intervalMs: 200,
      alertsEveryMs: 100,
      analysisEveryMs: 500,
      windows: { fineMs: 200, coarseMs: 1000 },
      throttle: { groupWaitMs: 0 },
      dashboardSinks: [web],
    },
  );
  const feeder = setInterval(() => {
    if (!feeding.on) return;
    for (let i = 0; i < 4; i++) {
      monitor.collector('api')!.recordSample({
        latencyMs: 5 + i,
        success: !fault.on,
        cacheHit: i % 2 === 0,
      });
      monitor.collector('worker')!.recordSample({ latencyMs: 20 + i * 3, success: true });
    }
  }, 10);
  await monitor.start();
  cleanups.push(async () => {
    clearInterval(feeder);
    await monitor.stop();
  });
  return { monitor, web, fault, feeding };
}

describe('web dashboard in Chromium', () => {
  let browser: Browser | undefined;
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  it('connects, shows the live figures of /api/snapshot, shows an alert firing, no console errors', async () => {
    const { web, fault, feeding } = await liveMonitor(TOKEN);
    browser = await launchChromium();
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => {
      if (!r.url().includes('/events')) problems.push(`request failed: ${r.url()}`);
    });
    await page.goto(web.url);
    await page.waitForSelector('#status.live', { timeout: 10_000 });
    for (const name of ['api', 'worker', HOSTILE]) {
      await page.waitForSelector(`.card[data-collector="${name.replace(/"/g, '\\"')}"]`);
    }
    // Live: the figures move while samples arrive.
    const total = () =>
      page.$eval('.card[data-collector="api"] [data-field=total_samples]', (e) =>
        Number(e.getAttribute('data-value')),
      );
    const first = await total();
    await expect.poll(total, { timeout: 5000 }).toBeGreaterThan(first);

    // Stop the traffic: the page settles on the same figures as /api/snapshot.
    // Samples are recorded synchronously, so any snapshot taken after this instant holds them
    // all: wait for one (a fixed pause would not do on a busy machine, where ticks run late).
    feeding.on = false;
    const stoppedAt = Date.now();
    const fetchSnapshot = () =>
      page.evaluate(async (token) => {
        const r = await fetch(`/api/snapshot?token=${encodeURIComponent(token)}`);
        return r.json();
      }, TOKEN) as Promise<DashboardSnapshot>;
    let snapshot = await fetchSnapshot();
    await expect
      .poll(async () => Date.parse((snapshot = await fetchSnapshot()).timestamp), {
        timeout: 10_000,
      })
      .toBeGreaterThan(stoppedAt);
    for (const name of ['api', 'worker']) {
      const c = snapshot.collectors[name]!;
      expect(c.total_samples).toBeGreaterThan(100);
      const field = (key: string) =>
        page.$eval(`.card[data-collector="${name}"] [data-field=${key}]`, (e) =>
          Number(e.getAttribute('data-value')),
        );
      await expect.poll(() => field('total_samples'), { timeout: 3000 }).toBe(c.total_samples);
      expect(await field('latency_p95')).toBe(c.latency_p95);
      expect(await field('success_rate')).toBe(c.success_rate);
      expect(await field('cache_hit_rate')).toBe(c.cache_hit_rate);
      const shown = await page.$eval(
        `.card[data-collector="${name}"] [data-field=latency_p95]`,
        (e) => e.textContent,
      );
      expect(shown).toBe(`${c.latency_p95.toFixed(2)} ms`);
    }
    // uPlot drew the latency chart.
    expect(await page.$$eval('.card .uplot canvas', (c) => c.length)).toBeGreaterThanOrEqual(3);

    // Inject a fault: the alert shows up as firing, with its lifecycle times.
    expect(await page.$$('#alerts tr[data-alert-state=firing]')).toHaveLength(0);
    fault.on = true;
    feeding.on = true;
    const rule = '#alerts tr[data-alert^="error_rate<5%"]';
    const row = await page.waitForSelector(`${rule}[data-alert-state=firing]`, {
      timeout: 10_000,
    });
    const cells = await row.$$eval('td', (tds) => tds.map((td) => td.textContent));
    // The periodic analysis sees it too (success far below 99 %: critical risk).
    const risk = await page.waitForSelector(
      '#analysis li[data-collector="api"][data-risk=critical]',
      {
        timeout: 5000,
      },
    );
    expect(await risk.textContent()).toMatch(/^api: risk critical \(last 5m, .*\) - Error rate/);
    expect(cells[0]).toBe('firing');
    expect(cells[1]).toBe('CRITICAL');
    expect(cells[2]).toBe('api');
    expect(cells[3]).toMatch(/^Error rate \d+\.\d\d% exceeds threshold 5\.00% \(last 1s\)$/);
    expect(Date.parse(cells[5]!)).toBeGreaterThan(0);
    // Recovery: the alert resolves (after keep_firing_for) and is listed as resolved.
    fault.on = false;
    await page.waitForSelector(`${rule}[data-alert-state=resolved]`, { timeout: 15_000 });

    // Data is text, never markup.
    expect(
      await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss),
    ).toBeUndefined();
    expect(await page.$$eval('.card h2', (h) => h.map((e) => e.textContent))).toContain(HOSTILE);
    expect(problems).toEqual([]);
  }, 60_000);
});

describe('web dashboard access', () => {
  it('asks for the token on every path (401 without, 200 with), compared in constant time', async () => {
    const { web } = await liveMonitor(TOKEN);
    const base = new URL(web.url);
    base.search = '';
    for (const path of ['/', '/events', '/api/snapshot', '/metrics', '/nope']) {
      const bare = await fetch(new URL(path, base));
      expect(bare.status, path).toBe(401);
      await bare.body?.cancel();
      const wrong = await fetch(new URL(`${path}?token=${'x'.repeat(TOKEN.length)}`, base));
      expect(wrong.status, path).toBe(401);
      await wrong.body?.cancel();
    }
    const withQuery = await fetch(new URL(`/api/snapshot?token=${TOKEN}`, base));
    expect(withQuery.status).toBe(200);
    expect(((await withQuery.json()) as DashboardSnapshot).collectors.api).toBeDefined();
    const withHeader = await fetch(new URL('/metrics', base), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(withHeader.status).toBe(200);
    await withHeader.text();
    const page = await fetch(new URL(`/?token=${TOKEN}`, base));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);
    await page.text();
  });

  it('parses --web addresses', () => {
    expect(parseListenAddress(undefined)).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListenAddress('9000')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(parseListenAddress('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 });
    expect(parseListenAddress('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseListenAddress('localhost')).toEqual({ host: 'localhost', port: 9464 });
    expect(() => parseListenAddress('host:99999')).toThrow(/bad --web address/);
  });

  it('binds loopback by default and refuses other addresses without a token', () => {
    expect(
      () => new WebDashboard({ host: '0.0.0.0', read: () => ({}) as DashboardSnapshot }),
    ).toThrow(/--token/);
    expect(
      () =>
        new WebDashboard({ host: '0.0.0.0', token: TOKEN, read: () => ({}) as DashboardSnapshot }),
    ).not.toThrow();
  });

  it('/metrics passes promtool check metrics, with alert states', async () => {
    const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
    if (promtool.error) {
      throw new Error(
        'promtool not found: install it with "apt-get install -y prometheus" (.ci/run does)',
      );
    }
    const { web, fault, monitor } = await liveMonitor();
    fault.on = true;
    await expect
      .poll(() => monitor.dashboardData.alerts.active.some((a) => a.state === 'firing'), {
        timeout: 5000,
      })
      .toBe(true);
    const response = await fetch(new URL('/metrics', web.url));
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    expect(body).toMatch(
      /^perfsight_requests_total\{collector="api",outcome="failure"\} [1-9]\d*$/m,
    );
    expect(body).toMatch(
      /^perfsight_request_duration_seconds\{collector="worker",window="1m",quantile="0\.95"\} 0\.0\d+$/m,
    );
    expect(body).toMatch(
      /^perfsight_alerts\{alertname="error_rate<5% over 1s",collector="api",severity="critical",alertstate="firing"\} 1$/m,
    );
    expect(body).toContain('collector="<img src=x onerror=\\"window.__xss=1\\">"');
    const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(`${check.stdout}${check.stderr}`.trim()).toBe('');
    expect(check.status).toBe(0);
  });
});
