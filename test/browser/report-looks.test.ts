/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../_helpers.js';
import { launchChromium } from '../_chromium.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');

/** What uPlot computed for a chart: x tick labels, legend texts, bar positions. */
interface Drawn {
  ticks: string[];
  legend: string[];
  distr: number;
  barLefts: number[];
}

let browser: Browser;
let page: Page;
let compareFile: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const root = tempDir('perfsight-looks-');
  const runs: string[] = [];
  for (const name of ['a', 'b']) {
    const out = join(root, name);
    // 3 s of a 2 ms workload: several intervals on the time axes, one bin dominant.
    const run = await runCli([
      'run',
      'synthetic',
      '--duration',
      '3s',
      '--no-progress',
      '--no-history',
      '-o',
      out,
    ]);
    expect(run.code === 0 || run.code === 1, run.stderr).toBe(true);
    runs.push(out);
  }
  compareFile = join(root, 'compare');
  const compared = await runCli(['compare', runs[0]!, runs[1]!, '-o', compareFile]);
  expect(compared.code, compared.stderr).toBe(0);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(pathToFileURL(join(runs[1]!, 'report.html')).href);
  await page.waitForFunction(
    () => (window as unknown as { perfsightChartsDrawn?: number }).perfsightChartsDrawn! >= 8,
  );
  for (const figure of await page.$$('figure.chart')) {
    const id = await figure.$eval('[id^=chart-]:not([id$="-title"])', (e) => e.id);
    await figure.screenshot({ path: join(ARTIFACTS, `report-${id}.png`) });
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

function drawn(p: Page, id: string): Promise<Drawn> {
  return p.evaluate((chartId) => {
    const plot = (
      window as unknown as {
        perfsightCharts: Record<
          string,
          {
            axes: Array<{ _values?: string[] }>;
            scales: { x: { distr: number } };
            data: number[][];
            valToPos(v: number, scale: string): number;
            root: HTMLElement;
          }
        >;
      }
    ).perfsightCharts[chartId]!;
    return {
      ticks: (plot.axes[0]!._values ?? []).map(String),
      legend: [...plot.root.querySelectorAll('.u-legend .u-series')].map((r) =>
        (r.textContent ?? '').trim(),
      ),
      distr: plot.scales.x.distr,
      barLefts: plot.data[0]!.map((x) => plot.valToPos(x, 'x')),
    };
  }, id);
}

describe('report.html in Chromium: what each chart and table says', () => {
  it('the seed bins are equal bars on a linear axis, labelled by their ranges', async () => {
    const seed = await drawn(page, 'chart-seed-bins');
    expect(seed.distr).toBe(1); // linear, not log
    expect(seed.ticks).toEqual([
      '0–10',
      '10–20',
      '20–50',
      '50–100',
      '100–200',
      '200–500',
      '500–1k',
      '1k+',
    ]);
    const widths = seed.barLefts.slice(1).map((x, i) => x - seed.barLefts[i]!);
    for (const w of widths) expect(w).toBeCloseTo(widths[0]!, 0);
    // The 0–10 ms bin is a whole bar's width from the axis start, not a sliver at x = 1.
    expect(seed.barLefts[0]).toBeGreaterThan(widths[0]! / 3);
  });

  it('time axes tick in whole seconds as HH:MM:SS (UTC)', async () => {
    for (const id of ['chart-latency-time', 'chart-throughput', 'chart-cpu', 'chart-memory']) {
      const { ticks } = await drawn(page, id);
      expect(ticks.length, id).toBeGreaterThan(0);
      for (const t of ticks) expect(t, id).toMatch(/^\d\d:\d\d:\d\d$/);
    }
  });

  it('every legend shows values without the pointer on the chart, never "--"', async () => {
    const ids = await page.evaluate(() =>
      Object.keys((window as unknown as { perfsightCharts: object }).perfsightCharts),
    );
    expect(ids.length).toBeGreaterThanOrEqual(8);
    for (const id of ids) {
      const { legend } = await drawn(page, id);
      expect(legend.length, id).toBeGreaterThan(1);
      for (const entry of legend) {
        expect(entry, id).not.toContain('--');
        expect(entry, id).toMatch(/\d/);
      }
    }
    // The seed bins' legend names the tallest bin; the timeline's, its latest interval.
    const seed = await drawn(page, 'chart-seed-bins');
    expect(seed.legend[0]).toMatch(/^latency \(ms\)0–10$/);
    const latency = await drawn(page, 'chart-latency-time');
    expect(latency.legend[0]).toMatch(/^time \(UTC\)\d\d:\d\d:\d\d$/);
    // Hovering shows the point under the pointer; leaving goes back to the default.
    const box = (await page.$('#chart-latency-time .u-over'))!;
    const b = (await box.boundingBox())!;
    await page.mouse.move(b.x + 5, b.y + b.height / 2);
    const hovered = await drawn(page, 'chart-latency-time');
    await page.mouse.move(0, 0);
    const left = await drawn(page, 'chart-latency-time');
    expect(left.legend).toEqual(latency.legend);
    expect(hovered.legend[0]).not.toBe('');
  });

  it('the Detailed Metrics table never says a unit twice, nor "ratio" beside a percentage', async () => {
    const rows = await page.$$eval(
      '#details-h ~ table tbody tr, #details-h ~ * table tbody tr',
      (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('th,td')].map((c) => (c.textContent ?? '').trim())),
    );
    expect(rows.length).toBeGreaterThan(15);
    for (const [metric, value, unit] of rows as string[][]) {
      expect(unit, metric).not.toBe('ratio');
      if (value!.endsWith(' ms') || value!.endsWith(' %')) expect(unit, metric).toBe('');
      else if (/\d$/.test(value!)) expect(unit, metric).not.toBe('');
    }
    const text = await page.textContent('body');
    expect(text).not.toMatch(/\bms\s+ms\b/);
  });

  it('the comparison’s overlaid histogram has a legend too', async () => {
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await p.goto(pathToFileURL(join(compareFile, 'comparison.html')).href);
    await p.waitForFunction(
      () => (window as unknown as { perfsightChartsDrawn?: number }).perfsightChartsDrawn! >= 1,
    );
    const { legend } = await drawn(p, 'chart-overlaid-histogram');
    for (const entry of legend) expect(entry).not.toContain('--');
    await p.screenshot({ path: join(ARTIFACTS, 'report-looks-comparison.png'), fullPage: true });
    await p.close();
  });
});
