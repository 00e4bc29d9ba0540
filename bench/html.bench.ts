/**
 * report.html of a 1-hour run with a 1 s timeline (3600 throughput points, 3600 resource
 * points): time to render, size, and time to the first chart in Chromium. Goals: ≤ 200 ms,
 * ≤ 1 MB, ≤ 1 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderReportHtml, renderReportMarkdown } from '../src/report/index.js';
import { launchChromium } from '../test/_chromium.js';
import { fixtureReports, fixtureRun } from '../test/report/_fixture.js';
import { collectGarbage, median, round, timeRepetitions } from './_stats.js';

export default async function (): Promise<Record<string, unknown>> {
  // 3600 s × 20 samples/s replayed through the real collector with timestamps.
  const reports = fixtureReports(fixtureRun({ seconds: 3600, perSecond: 20 }));
  renderReportHtml(reports); // warm-up: uPlot's files are read once per process
  collectGarbage();
  const renderMs = timeRepetitions(9, () => renderReportHtml(reports));
  const markdownMs = timeRepetitions(9, () =>
    renderReportMarkdown(reports.summary, reports.analysis, reports.alerts),
  );
  const html = renderReportHtml(reports);
  const dir = mkdtempSync(join(tmpdir(), 'perfsight-bench-html-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);

  const browser = await launchChromium();
  const firstChart: number[] = [];
  const allCharts: number[] = [];
  const inPage: number[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const start = performance.now();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'commit' });
      await page.waitForSelector('.chart-canvas canvas');
      firstChart.push(performance.now() - start);
      await page.waitForFunction(
        (n) => (globalThis as { perfsightChartsDrawn?: number }).perfsightChartsDrawn === n,
        8,
      );
      allCharts.push(performance.now() - start);
      inPage.push(
        await page.evaluate(
          () => (globalThis as { perfsightFirstChartMs?: number }).perfsightFirstChartMs ?? NaN,
        ),
      );
      await page.close();
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    timeline_points: reports.detailed.throughput_timeline.length,
    samples: reports.summary.performance_summary.total_requests,
    render_ms: round(median(renderMs)),
    size_bytes: Buffer.byteLength(html),
    size_vs_1mb: round(Buffer.byteLength(html) / (1024 * 1024)),
    markdown_render_ms: round(median(markdownMs)),
    chromium_first_chart_ms: round(median(firstChart)),
    chromium_first_chart_in_page_ms: round(median(inPage)),
    chromium_all_charts_ms: round(median(allCharts)),
    goals: { render_ms: 200, size_bytes: 1024 * 1024, chromium_first_chart_ms: 1000 },
    how: 'median of 9 renders of report.html (after one warm-up) for a 3600 s replayed run (72k samples, 1 s timeline, 3600 resource points); first chart = page.goto(file://, commit) until the first uPlot canvas exists as seen by playwright, and in-page performance.now() since navigation start when the first chart is drawn; median of 5 fresh pages in headless Chromium (/usr/bin/chromium)',
  };
}
