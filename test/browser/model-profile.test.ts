/// <reference lib="dom" />
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/report/index.js';
import { modelProfileChart } from '../../src/report/html/_charts.js';
import { buildModelProfile } from '../../src/workloads/profile/index.js';
import { launchChromium } from '../_chromium.js';
import { tempDir } from '../_helpers.js';
import { fixtureReports, fixtureRun } from '../report/_fixture.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe('report.html in Chromium: where the time goes', () => {
  it('draws one bar per operator, labelled by type, the largest named in the legend', async () => {
    const operators = [
      { name: 'lstm', op_type: 'LSTM', ms: 6.5 },
      { name: 'fc', op_type: 'Gemm', ms: 2 },
      { name: 'c\u202eevil', op_type: 'Conv', ms: 1 },
    ];
    const profile = buildModelProfile('onnx', 'cpu', [
      { ms: 10, operators },
      { ms: 10, operators },
    ]);
    const reports = fixtureReports({ ...fixtureRun(), modelProfile: profile });
    const file = join(tempDir(), 'report.html');
    writeFileSync(file, renderReportHtml(reports));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(
      () =>
        'chart-model-profile' in
        ((window as unknown as { perfsightCharts?: object }).perfsightCharts ?? {}),
    );
    const drawn = await page.evaluate(() => {
      const plot = (
        window as unknown as {
          perfsightCharts: Record<
            string,
            { axes: Array<{ _values?: string[] }>; data: number[][]; root: HTMLElement }
          >;
        }
      ).perfsightCharts['chart-model-profile']!;
      return {
        ticks: (plot.axes[0]!._values ?? []).map(String),
        values: plot.data[1]!,
        legend: [...plot.root.querySelectorAll('.u-legend .u-series')].map((r) =>
          (r.textContent ?? '').trim(),
        ),
      };
    });
    expect(errors).toEqual([]);
    expect(drawn.ticks).toEqual(modelProfileChart(profile).categories);
    expect(drawn.ticks).toEqual(['LSTM', 'Gemm', 'Conv', 'runtime']);
    expect(drawn.values).toEqual([65, 20, 10, 5]);
    // Until pointed at, the legend shows the tallest bar: the operator taking the most.
    expect(drawn.legend[0]).toBe('operatorLSTM');
    expect(drawn.legend[1]).toBe('% of an inference65');
    await page.close();
  }, 60_000);
});
