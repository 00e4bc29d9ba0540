import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  HTMLReportGenerator,
  MetricsCollector,
  PerformanceAlerting,
  PerformanceAnalyzer,
  ReportGenerator,
  loadRunForComparison,
  type SeedPercentComparison,
  type StatisticalComparison,
  type SummaryReport,
} from '../../src/index.js';
import { normalFrom, seededRandom } from '../../src/random/index.js';
import { runCli, tempDir } from '../_helpers.js';

/** A finished collection the seed's way: recordSample calls, then endCollection. */
function collected(count: number, medianMs: number, errorEvery = 0, seed = 1): MetricsCollector {
  const collector = new MetricsCollector({ sampleResources: false });
  const normal = normalFrom(seededRandom(seed));
  collector.startCollection();
  const t0 = Date.now();
  for (let i = 0; i < count; i++) {
    const failed = errorEvery > 0 && i % errorEvery === 0;
    collector.recordSample({
      latencyMs: medianMs * Math.exp(0.3 * normal()),
      success: !failed,
      errorType: failed ? 'TimeoutError' : undefined,
      timestampMs: t0 + i * 5,
    });
  }
  collector.endCollection();
  return collector;
}

describe("the seed's report calls take a collector's aggregatedMetrics", () => {
  it('generateSummaryReport / generateDetailedReport, as from the collector itself', () => {
    const collector = collected(500, 20, 50);
    const generator = new ReportGenerator();
    const fromMetrics = generator.generateSummaryReport(collector.aggregatedMetrics, 'x', 'd');
    const fromCollector = generator.generateSummaryReport(collector, 'x', 'd');
    const strip = (r: SummaryReport) => ({ ...r, generated_at: '' });
    expect(strip(fromMetrics)).toEqual(strip(fromCollector));
    expect(fromMetrics.performance_summary.total_requests).toBe(500);
    expect(fromMetrics.error_analysis.error_counts).toEqual({ TimeoutError: 10 });
    const detailed = generator.generateDetailedReport(collector.aggregatedMetrics, 'x');
    expect(detailed.latency_histogram_hdr).toMatch(/^HISTF/);
    expect(detailed.latency_distribution.counts.reduce((a, n) => a + n, 0)).toBe(490);
  });

  it('a detailed report of live metrics (no histograms) is refused with a clear error', () => {
    const collector = new MetricsCollector({ sampleResources: false });
    collector.startCollection();
    collector.recordSample({ latencyMs: 5, success: true });
    const live = collector.aggregatedMetrics;
    const generator = new ReportGenerator();
    expect(generator.generateSummaryReport(live, 'live').performance_summary.total_requests).toBe(
      1,
    );
    expect(() => generator.generateDetailedReport(live, 'live')).toThrow(/endCollection\(\)/);
    expect(() => generator.generateSummaryReport({} as never, 'bad')).toThrow(/aggregatedMetrics/);
    collector.endCollection();
  });

  it('PerformanceAnalyzer and PerformanceAlerting: the same answer from metrics as from the summary', () => {
    const collector = collected(400, 150, 10);
    const summary = new ReportGenerator().generateSummaryReport(collector, 'slow');
    const analyzer = new PerformanceAnalyzer();
    const fromMetrics = analyzer.analyzePerformance(collector.aggregatedMetrics, { samples: 400 });
    const fromSummary = analyzer.analyzePerformance(summary, { samples: 400 });
    expect(fromMetrics.test_context).toEqual({ samples: 400 });
    expect(fromMetrics.bottlenecks).toEqual(fromSummary.bottlenecks);
    expect(fromMetrics.recommendations).toEqual(fromSummary.recommendations);
    expect(fromMetrics.risk_assessment).toEqual(fromSummary.risk_assessment);
    expect(fromMetrics.bottlenecks.map((b) => b.metric_name)).toEqual(
      expect.arrayContaining(['latency_p95_ms', 'success_rate', 'error_rate']),
    );
    const alerting = new PerformanceAlerting();
    const alerts = alerting.checkAlerts(collector.aggregatedMetrics);
    expect(alerts).toEqual(alerting.checkAlerts(summary));
    expect(alerts.map((a) => a.metric)).toEqual(
      expect.arrayContaining(['latency_p95_ms', 'success_rate', 'error_rate']),
    );
  });
});

describe('HTMLReportGenerator the seed’s way', () => {
  it('generateSummaryHtml takes a summary report: no charts, a note saying why', () => {
    const summary = new ReportGenerator().generateSummaryReport(
      collected(200, 30).aggregatedMetrics,
      '<script>alert(1)</script>',
    );
    const html = new HTMLReportGenerator().generateSummaryHtml(summary);
    expect(html).toContain('Made from a summary report');
    expect(html).toContain('Performance Summary');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('id="chart-');
  });

  it('generateSummaryHtml of a detailed report still charts its distribution', () => {
    const generator = new ReportGenerator();
    const detailed = generator.generateDetailedReport(collected(200, 30), 'd');
    const html = new HTMLReportGenerator().generateSummaryHtml(detailed);
    expect(html).not.toContain('Made from a summary report');
    expect(html).toContain('chart-');
  });

  it('says why the fallback answered, apart from the errors', () => {
    const collector = new MetricsCollector({ sampleResources: false });
    collector.startCollection();
    for (let i = 0; i < 40; i++) {
      const fallbackUsed = i % 4 === 0;
      collector.recordSample({
        latencyMs: 10,
        success: true,
        fallbackUsed,
        errorType: fallbackUsed ? (i % 8 === 0 ? 'model_timeout' : 'model_error:<b>') : undefined,
      });
    }
    collector.endCollection();
    const summary = new ReportGenerator().generateSummaryReport(collector.aggregatedMetrics, 'fb');
    expect(summary.error_analysis.fallback_reasons).toEqual({
      model_timeout: 5,
      'model_error:<b>': 5,
    });
    expect(summary.error_analysis.error_counts).toEqual({});
    const html = new HTMLReportGenerator().generateSummaryHtml(summary);
    expect(html).toContain('Why the fallback answered');
    expect(html).toContain('model_error:&lt;b&gt;');
    expect(html).toContain('<p>No errors.</p>');
  });

  it('saveHtmlReport writes the page whole (temp file + rename), nothing else left', async () => {
    const dir = tempDir('perfsight-seed-html-');
    const file = join(dir, 'report.html');
    await new HTMLReportGenerator().saveHtmlReport('<p>x</p>', file);
    expect(readFileSync(file, 'utf8')).toBe('<p>x</p>');
    expect(readdirSync(dir)).toEqual(['report.html']);
  });
});

describe('ReportGenerator.generateComparisonReport', () => {
  const generator = new ReportGenerator();
  const summary = (medianMs: number, errorEvery: number, seed: number) =>
    generator.generateSummaryReport(collected(400, medianMs, errorEvery, seed), `run${seed}`);

  it('summary reports: the seed’s sections and percent fields, method seed_percent', () => {
    const baseline = summary(20, 0, 1);
    const current = summary(40, 20, 2);
    const c = generator.generateComparisonReport(baseline, current) as SeedPercentComparison;
    expect(c.method).toBe('seed_percent');
    expect(c.baseline_test).toBe('run1');
    // Latency doubled: regressions with the seed's regression_percent.
    const p95 = c.regressions.latency_p95_ms!;
    expect(p95.baseline).toBe(baseline.latency_metrics.p95_ms);
    expect(p95.current).toBe(current.latency_metrics.p95_ms);
    expect(p95.regression_percent).toBeCloseTo(
      ((p95.current - p95.baseline) / p95.baseline) * 100,
      9,
    );
    // Errors from 0 to 5 %: compared although the baseline is 0, and a REGRESSION (the seed
    // would have skipped it, or called a higher error rate an improvement).
    expect(c.regressions.error_rate).toMatchObject({ baseline: 0, current: 0.05, unit: 'ratio' });
    expect(c.regressions.success_rate).toBeDefined();
    expect(c.improvements.error_rate).toBeUndefined();
    expect(c.note).toMatch(/no significance/);
    expect(generator.reports.at(-1)).toBe(c);
  });

  it('summary reports: a lower error rate is the improvement, small changes unchanged', () => {
    const worse = summary(20, 10, 3);
    const better = summary(20, 20, 3);
    const c = generator.generateComparisonReport(worse, better) as SeedPercentComparison;
    expect(c.improvements.error_rate).toMatchObject({ baseline: 0.1, current: 0.05 });
    expect(c.improvements.error_rate!.improvement_percent).toBeCloseTo(50, 9);
    const same = generator.generateComparisonReport(worse, worse) as SeedPercentComparison;
    expect(Object.keys(same.regressions)).toEqual([]);
    expect(Object.keys(same.improvements)).toEqual([]);
    expect(same.unchanged.latency_p95_ms!.change_percent).toBe(0);
  });

  it('detailed reports: statistics, with verdicts and the seed’s percent fields', () => {
    const baseline = generator.generateDetailedReport(collected(400, 20, 0, 1), 'fast');
    const current = generator.generateDetailedReport(collected(400, 40, 0, 2), 'slow');
    const c = generator.generateComparisonReport(baseline, current) as StatisticalComparison;
    expect(c.method).toBe('statistics');
    expect(c.latency_distribution.method).toBe('exact_samples');
    expect(c.latency_distribution.p_value).toBeLessThan(0.001);
    expect(c.overall_verdict).toBe('regressed');
    expect(c.regressions.p95_ms!.regression_percent).toBeGreaterThan(50);
    const html = new HTMLReportGenerator().generateComparisonHtml(c);
    expect(html).toContain('REGRESSED');
  });

  it('runs from report folders: the same comparison as `perfsight compare`', async () => {
    const dir = tempDir('perfsight-seed-compare-');
    const run = (name: string, seed: number, latencyMs: number) =>
      runCli([
        'run',
        'synthetic',
        '-n',
        '300',
        '-w',
        '5',
        '--no-progress',
        '--no-history',
        '--seed',
        String(seed),
        '--latency-ms',
        String(latencyMs),
        '-o',
        join(dir, name),
      ]);
    await Promise.all([run('a', 1, 2), run('b', 2, 3)]);
    const cli = await runCli(['compare', join(dir, 'a'), join(dir, 'b'), '-o', join(dir, 'cmp')]);
    expect(cli.code, cli.stderr).not.toBe(2);
    const expected = JSON.parse(readFileSync(join(dir, 'cmp', 'comparison.json'), 'utf8'));
    const c = new ReportGenerator().generateComparisonReport(
      await loadRunForComparison(join(dir, 'a')),
      await loadRunForComparison(join(dir, 'b')),
    ) as StatisticalComparison;
    expect(c.method).toBe('statistics');
    const { method: _method, ...ours } = JSON.parse(JSON.stringify(c));
    const withoutSeedFields = (value: Record<string, Record<string, unknown>>) =>
      Object.fromEntries(
        Object.entries(value).map(([k, m]) => {
          const {
            change_percent: _c,
            improvement_percent: _i,
            regression_percent: _r,
            ...rest
          } = m;
          return [k, rest];
        }),
      );
    for (const key of [
      'metrics',
      'improvements',
      'regressions',
      'unchanged',
      'within_noise',
      'insufficient_data',
    ]) {
      ours[key] = withoutSeedFields(ours[key]);
    }
    expect({ ...ours, generated_at: '' }).toEqual({ ...expected, generated_at: '' });
    expect(existsSync(join(dir, 'cmp', 'comparison.html'))).toBe(true);
  }, 120_000);

  it('generateComparisonHtml of a seed_percent comparison: the seed’s three sections, escaped', () => {
    const baseline = summary(20, 0, 1);
    baseline.test_name = '<img src=x onerror=alert(1)>';
    const c = generator.generateComparisonReport(baseline, summary(40, 20, 2));
    const html = new HTMLReportGenerator().generateComparisonHtml(c);
    for (const heading of ['Improvements', 'Regressions', 'Unchanged Metrics'])
      expect(html).toContain(`<h2>${heading}</h2>`);
    expect(html).toContain('latency_p95_ms');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x');
  });
});
