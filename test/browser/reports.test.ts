/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SummaryReport } from '../../src/model/index.js';
import { ROOT, runCli, tempDir } from '../_helpers.js';
import { expectedText } from '../report/_figures.js';
import { launchChromium } from '../_chromium.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');
const XSS = '<script>alert(1)</script>';

interface Visit {
  page: Page;
  consoleErrors: string[];
  requests: string[];
  dialogs: string[];
}

let browser: Browser;
let baseline: string;
let current: string;
let comparison: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const root = tempDir('perfsight-browser-');
  baseline = join(root, 'baseline');
  current = join(root, 'current');
  comparison = join(root, 'compare');
  // Real runs of the built CLI (npm test builds first); the XSS string is the test's name.
  for (const dir of [baseline, current]) {
    const run = await runCli([
      'run',
      'synthetic',
      '-n',
      '300',
      '--no-progress',
      '--no-history',
      '--name',
      XSS,
      '-o',
      dir,
    ]);
    expect(run.code === 0 || run.code === 1, run.stderr).toBe(true);
  }
  const compared = await runCli(['compare', baseline, current, '-o', comparison]);
  expect(compared.code, compared.stderr).toBe(0);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function visit(file: string, width = 1280): Promise<Visit> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const v: Visit = { page, consoleErrors: [], requests: [], dialogs: [] };
  page.on('console', (m) => m.type() === 'error' && v.consoleErrors.push(m.text()));
  page.on('pageerror', (e) => v.consoleErrors.push(String(e)));
  page.on('request', (r) => v.requests.push(r.url()));
  page.on('dialog', (d) => {
    v.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(
    () =>
      (window as unknown as { perfsightChartsDrawn?: number }).perfsightChartsDrawn !== undefined,
  );
  return v;
}

/** Per chart: how many of its canvas pixels are not blank. */
async function paintedPixels(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    for (const box of document.querySelectorAll<HTMLElement>('.chart-canvas')) {
      const canvas = box.querySelector('canvas');
      if (!canvas) {
        out[box.id] = 0;
        continue;
      }
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
      out[box.id] = painted;
    }
    return out;
  });
}

function expectClean(v: Visit): void {
  expect(v.consoleErrors).toEqual([]);
  expect(v.dialogs).toEqual([]);
  expect(v.requests.filter((url) => !/^(file|data):/.test(url))).toEqual([]);
}

describe('report.html in Chromium', () => {
  it('draws every chart, shows summary.json figures, runs no injected script', async () => {
    const v = await visit(join(current, 'report.html'));
    expectClean(v);
    const pixels = await paintedPixels(v.page);
    expect(Object.keys(pixels).length).toBeGreaterThanOrEqual(8);
    for (const [id, painted] of Object.entries(pixels)) expect(painted, id).toBeGreaterThan(500);
    const drawn = await v.page.evaluate(
      () => (window as unknown as { perfsightChartsDrawn: number }).perfsightChartsDrawn,
    );
    expect(drawn).toBe(Object.keys(pixels).length);

    const summary = JSON.parse(
      readFileSync(join(current, 'summary.json'), 'utf8'),
    ) as SummaryReport;
    const figures = await v.page.$$eval('[data-figure]', (els) =>
      els.map((e) => [e.getAttribute('data-figure')!, e.textContent!] as [string, string]),
    );
    expect(figures.length).toBeGreaterThan(25);
    for (const [key, text] of figures) expect(text, key).toBe(expectedText(summary, key));

    expect(await v.page.locator('h2').first().textContent()).toBe(XSS);
    expect(await v.page.locator('h1').textContent()).toBe('Performance Test Report');
    await v.page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await v.page.close();
  });

  it('fits a phone screen and prints', async () => {
    const v = await visit(join(current, 'report.html'), 390);
    expectClean(v);
    const overflow = await v.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(1);
    await v.page.screenshot({ path: join(ARTIFACTS, 'report-phone.png'), fullPage: true });
    const pdf = await v.page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await v.page.close();
  });
});

describe('comparison.html in Chromium', () => {
  it('draws the overlaid charts and the verdict tables', async () => {
    const v = await visit(join(comparison, 'comparison.html'));
    expectClean(v);
    const pixels = await paintedPixels(v.page);
    expect(Object.keys(pixels).sort()).toEqual([
      'chart-overlaid-histogram',
      'chart-overlaid-percentiles',
    ]);
    for (const [id, painted] of Object.entries(pixels)) expect(painted, id).toBeGreaterThan(500);
    const heading = await v.page.locator('header h2').textContent();
    expect(heading).toBe(`${XSS} vs ${XSS}`);
    const rows = await v.page.locator('#all-h + div tbody tr').count();
    const json = JSON.parse(readFileSync(join(comparison, 'comparison.json'), 'utf8')) as {
      metrics: object;
    };
    expect(rows).toBe(Object.keys(json.metrics).length);
    await v.page.screenshot({ path: join(ARTIFACTS, 'comparison.png'), fullPage: true });
    await v.page.close();
  });
});

describe('junit.xml parsed by the browser’s XML parser', () => {
  it('is well-formed with one test case per objective', async () => {
    const page = await browser.newPage();
    const xml = readFileSync(join(current, 'junit.xml'), 'utf8');
    const analysis = JSON.parse(readFileSync(join(current, 'analysis.json'), 'utf8')) as {
      objectives: Array<{ objective: string; passed: boolean }>;
    };
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      if (doc.querySelector('parsererror')) return null;
      const suite = doc.querySelector('testsuite')!;
      return {
        tests: Number(suite.getAttribute('tests')),
        failures: Number(suite.getAttribute('failures')),
        cases: [...doc.querySelectorAll('testcase')].map((c) => ({
          name: c.getAttribute('name'),
          failed: c.querySelector('failure') !== null,
        })),
      };
    }, xml);
    expect(parsed).not.toBeNull();
    expect(parsed!.cases).toEqual(
      analysis.objectives.map((o) => ({ name: o.objective, failed: !o.passed })),
    );
    expect(parsed!.tests).toBe(analysis.objectives.length);
    expect(parsed!.failures).toBe(analysis.objectives.filter((o) => !o.passed).length);
    await page.close();
  });
});
