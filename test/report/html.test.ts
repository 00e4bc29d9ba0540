import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/analysis/index.js';
import { loadRunForComparison } from '../../src/samples/index.js';
import {
  HTMLReportGenerator,
  renderComparisonHtml,
  renderReportHtml,
  writeReportFiles,
} from '../../src/report/index.js';
import { RATING_LABEL, rateP95, rateSuccess } from '../../src/report/html/_text.js';
import { twoPercentSlower } from '../analysis/_summary.js';
import { XSS, fixtureReports, fixtureRun } from './_fixture.js';
import { expectedText, pageFigures } from './_figures.js';

describe('report.html', () => {
  const reports = fixtureReports();
  const html = renderReportHtml(reports);

  it('shows the same figures as summary.json', () => {
    const figures = pageFigures(html);
    expect(figures.length).toBeGreaterThan(25);
    for (const [key, text] of figures) expect(text, key).toBe(expectedText(reports.summary, key));
    const keys = new Set(figures.map(([k]) => k));
    for (const key of [
      'latency_metrics.p95_ms',
      'performance_summary.success_rate',
      'resource_metrics.max_memory_mb',
    ])
      expect(keys).toContain(key);
  });

  it('escapes everything from data', () => {
    expect(html).not.toContain(XSS);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Fixture &amp; &quot;quotes&quot;');
  });

  it('is self-contained: no external resource', () => {
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(html).toMatch(/default-src 'none'/);
    expect(html).toContain('uPlot');
  });

  it('gives every rating and objective a word, not only a colour', () => {
    const success = rateSuccess(reports.summary.performance_summary.success_rate);
    const p95 = rateP95(reports.summary.latency_metrics.p95_ms);
    expect(html).toContain(`class="rating ${success}">${RATING_LABEL[success]}<`);
    expect(html).toContain(`class="rating ${p95}">${RATING_LABEL[p95]}<`);
    expect(html).toContain('FAIL');
    expect(html).toContain('PASS');
    expect(html).toMatch(/<th scope="col">/);
    expect(html).toMatch(/@media print/);
  });

  it('shows analysis, alerts, breakdown and metadata sections', () => {
    for (const heading of [
      'Objectives',
      'Bottlenecks',
      'Recommendations',
      'Risk',
      'Trend',
      'Alerts',
      'Cache, Fallback and Errors',
      'Run Metadata',
      'Over Time',
    ])
      expect(html).toContain(`>${heading}</h2>`);
    for (const id of [
      'chart-seed-bins',
      'chart-fine-histogram',
      'chart-percentiles',
      'chart-latency-time',
      'chart-throughput',
      'chart-cpu',
      'chart-memory',
      'chart-event-loop',
    ])
      expect(html).toContain(`id="${id}"`);
  });

  it('stays under 1 MB for a 1-hour run with a 1 s timeline', () => {
    const long = fixtureReports(fixtureRun({ seconds: 3600, perSecond: 5 }));
    expect(long.detailed.throughput_timeline.length).toBe(3600);
    const page = renderReportHtml(long);
    expect(Buffer.byteLength(page)).toBeLessThan(1024 * 1024);
  });

  it('renders without analysis, through the seed class', () => {
    const page = new HTMLReportGenerator().generateSummaryHtml(reports.detailed);
    expect(page).toContain('Performance Test Report');
    expect(page).not.toContain('>Objectives</h2>');
  });
});

describe('comparison.html', () => {
  it('overlays both runs and lists the verdicts, escaped', async () => {
    const root = mkdtempSync(join(tmpdir(), 'perfsight-cmp-'));
    const a = fixtureReports(fixtureRun({ seed: 1, name: 'base' }));
    const b = fixtureReports(fixtureRun({ seed: 2, slowdown: 1.5 }));
    await writeReportFiles(join(root, 'a'), a.files);
    await writeReportFiles(join(root, 'b'), b.files);
    const [ra, rb] = await Promise.all([
      loadRunForComparison(join(root, 'a')),
      loadRunForComparison(join(root, 'b')),
    ]);
    const comparison = compareRuns(ra, rb);
    const page = renderComparisonHtml({ comparison, baseline: ra.report, current: rb.report });
    expect(page).not.toContain(XSS);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('id="chart-overlaid-histogram"');
    expect(page).toContain('id="chart-overlaid-percentiles"');
    expect(comparison.latency_distribution.verdict).toBe('regressed');
    expect(page).toMatch(/Verdict: <strong class="regression">REGRESSED<\/strong>/);
    for (const h of [
      'Improvements',
      'Regressions',
      'Unchanged Metrics',
      'Within Noise',
      'Insufficient Data',
    ])
      expect(page).toContain(`>${h}</h2>`);
    // The distribution's verdict is named in its section.
    const regressions = /<h2 id="reg-h">Regressions<\/h2>(.*?)<\/section>/s.exec(page)![1]!;
    expect(regressions).toContain('The latency distribution as a whole:');
    expect(regressions).toMatch(/<th scope="row">P95 latency<\/th>/);
    const bare = renderComparisonHtml({ comparison });
    expect(bare).toContain('Distributions not shown');
  });

  it('a distribution within noise is named in the Within Noise section', () => {
    const within = compareRuns(...twoPercentSlower());
    expect(within.latency_distribution.verdict).toBe('within_noise');
    const page = renderComparisonHtml({ comparison: within });
    const section = /<h2 id="noise-h">Within Noise<\/h2>(.*?)<\/section>/s.exec(page)![1]!;
    expect(section).toContain('The latency distribution as a whole:');
    expect(section).not.toContain('No changes within the noise band.');
  });
});
