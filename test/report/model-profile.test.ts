import { describe, expect, it } from 'vitest';
import {
  analyzeRun,
  parseObjectives,
  topOperatorAdvice,
  withTopOperator,
} from '../../src/analysis/index.js';
import type { ModelProfile } from '../../src/model/index.js';
import {
  renderConsoleSummary,
  renderReportHtml,
  renderReportMarkdown,
} from '../../src/report/index.js';
import { modelProfileChart } from '../../src/report/html/_charts.js';
import { buildModelProfile } from '../../src/workloads/profile/index.js';
import { XSS, fixtureReports, fixtureRun } from './_fixture.js';

const BIDI = 'evil\u202etxt.exe';

/** An LSTM model's breakdown, with names from a hostile model file. */
function profile(): ModelProfile {
  const operators = [
    { name: '/lstm/LSTM', op_type: 'LSTM', ms: 6.4 },
    { name: XSS, op_type: 'MatMul', ms: 1.5 },
    { name: BIDI, op_type: 'Conv', ms: 1 },
    { name: 'a|b', op_type: 'Relu', ms: 0.1 },
    ...['n1', 'n2', 'n3', 'n4', 'n5'].map((n) => ({ name: n, op_type: 'Add', ms: 0.05 })),
  ];
  return buildModelProfile(
    'onnx',
    'cpu',
    Array.from({ length: 4 }, () => ({ ms: 10, operators })),
  );
}

describe('model_profile in the reports', () => {
  const run = { ...fixtureRun(), modelProfile: profile() };
  const reports = fixtureReports(run);

  it('detailed.json carries it, operators by share, largest first', () => {
    expect(reports.detailed.model_profile).toEqual(run.modelProfile);
    expect(reports.detailed.model_profile!.operators[0]).toMatchObject({
      name: '/lstm/LSTM',
      op_type: 'LSTM',
      calls: 4,
      share: expect.closeTo(0.64, 6),
    });
    expect(reports.detailed.model_profile!.calls).toBe(4);
  });

  it('is null without one (a workload with no model to break down)', () => {
    expect(fixtureReports(fixtureRun()).detailed.model_profile).toBeNull();
  });

  it('report.html: a "Where the time goes" chart and table, names neutralised', () => {
    const html = renderReportHtml(reports);
    expect(html).toContain('<h2 id="profile-h">Where the time goes</h2>');
    expect(html).toContain('id="chart-model-profile"');
    expect(html).not.toContain(XSS);
    expect(html).not.toContain('\u202e');
    expect(html).toContain('evil\\u202etxt.exe');
    // Per inference: the operator's median, and the middle half of its times.
    expect(html).toContain(
      '<th scope="row">/lstm/LSTM</th><td>LSTM</td><td class="num">4</td><td class="num">6.40 ms</td><td class="num">6.40 ms – 6.40 ms</td><td class="num">64.00 %</td>',
    );
    const chart = modelProfileChart(run.modelProfile);
    expect(chart.categories).toEqual([
      'LSTM',
      'MatMul',
      'Conv',
      'Relu',
      'Add n1',
      'Add n2',
      '3 more',
      'runtime',
    ]);
    const values = chart.series[0]!.values as number[];
    expect(values[0]).toBeCloseTo(64, 6);
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 2);
    // The page's chart data is what the chart spec says.
    const data = JSON.parse(
      html.match(/<script type="application\/json" id="perfsight-data">(.*?)<\/script>/s)![1]!,
    ) as { charts: Array<{ id: string; categories?: string[] }> };
    expect(data.charts.find((c) => c.id === 'chart-model-profile')?.categories).toEqual(
      chart.categories,
    );
  });

  it('report.md: a short table, names neutralised', () => {
    const md = renderReportMarkdown(
      reports.summary,
      reports.analysis,
      reports.alerts,
      run.modelProfile,
    );
    expect(md).toContain('**Where the time goes**');
    expect(md).toContain('| /lstm/LSTM | LSTM | 64.00 % | 6.40 ms | 6.40 ms – 6.40 ms |');
    // Below a millisecond in µs: an ONNX node often takes a few.
    expect(md).toContain('| a\\|b | Relu | 1.00 % | 100 µs | 100 µs – 100 µs |');
    expect(md).toContain("each operator's median over 4 profiled inferences");
    expect(md).toContain('| a\\|b | Relu |');
    expect(md).toContain('| 4 more | | 2.00 % | |');
    expect(md).not.toContain(XSS);
    expect(md).not.toContain('\u202e');
  });
});

describe('a breakdown of means (an older report, a workload of its own)', () => {
  it('report.md and report.html show its share of the mean inference, and do not claim medians', () => {
    const ofMeans: ModelProfile = {
      runtime: 'custom',
      provider: 'cpu',
      calls: 5,
      inference_ms: 8,
      operators: [
        { name: 'enc', op_type: 'MatMul', calls: 5, total_ms: 20, mean_us: 4000, share: 0.5 },
      ],
    };
    const reports = fixtureReports({ ...fixtureRun(), modelProfile: ofMeans });
    const md = renderReportMarkdown(reports.summary, reports.analysis, reports.alerts, ofMeans);
    expect(md).toContain('| enc | MatMul | 50.00 % | 4.00 ms |  |');
    expect(md).toContain('5 profiled inferences of 8.00 ms on average');
    expect(md).not.toContain('median');
    const html = renderReportHtml(reports);
    expect(html).toContain('Share of one inference per operator');
    expect(html).not.toContain('median over');
  });
});

describe('the terminal summary', () => {
  it('names the three largest operators on one line, their types neutralised', () => {
    const hostile = buildModelProfile('onnx', 'cpu', [
      {
        ms: 10,
        operators: [
          { name: 'a', op_type: 'Evil\u001b[2J\nType', ms: 5 },
          { name: 'b', op_type: 'MatMul', ms: 2 },
          { name: 'c', op_type: 'Relu', ms: 1 },
          { name: 'd', op_type: 'Add', ms: 0.5 },
        ],
      },
    ]);
    const reports = fixtureReports(fixtureRun());
    const text = renderConsoleSummary(reports.summary, 100, undefined, hostile);
    expect(text).toContain(
      'Where the time goes: Evil\\x1b[2J\\x0aType 50.00% · MatMul 20.00% · Relu 10.00% of an inference (median of 1 profiled call; report.html)',
    );
    expect(text).not.toContain('\u001b');
    expect(renderConsoleSummary(reports.summary, 100)).not.toContain('Where the time goes');
    // A breakdown of means (a workload's own profile(), an older report) does not claim medians.
    const { runtime_ms: _, ...ofMeans } = hostile;
    expect(renderConsoleSummary(reports.summary, 100, undefined, ofMeans)).toContain(
      'Relu 10.00% of an inference (report.html)',
    );
  });
});

describe('the analysis names the top operator when latency fails', () => {
  const run = fixtureRun({ slowdown: 40 });

  it('in the latency bottlenecks and the latency recommendation', () => {
    const reports = fixtureReports({ ...run, modelProfile: profile() });
    const analysis = analyzeRun(reports.summary, parseObjectives(['p95<100ms']), {
      modelProfile: profile(),
    });
    expect(analysis.objectives_met).toBe(false);
    const advice =
      'LSTM (/lstm/LSTM) takes 64 % of an inference: fewer hidden units, quantization, or batching';
    expect(topOperatorAdvice(profile())).toBe(advice);
    const latency = analysis.bottlenecks.filter((b) => b.category === 'latency');
    expect(latency.length).toBeGreaterThan(0);
    for (const b of latency) expect(b.recommendation).toMatch(new RegExp(`^${escape(advice)}`));
    for (const b of analysis.bottlenecks.filter((b) => b.category !== 'latency'))
      expect(b.recommendation).not.toContain('LSTM');
    const rec = analysis.recommendations.find((r) => r.category === 'latency')!;
    expect((rec.details.suggested_actions as string[])[0]).toBe(advice);
  });

  it('adds a bottleneck and a recommendation when a latency objective fails the seed rules did not flag', () => {
    // p95 ≈ 8 ms: no latency bottleneck or recommendation by the seed's rules, yet p95<1ms fails.
    const reports = fixtureReports(fixtureRun());
    const objectives = parseObjectives(['p95<1ms']);
    const plain = analyzeRun(reports.summary, objectives);
    expect(plain.recommendations.some((r) => r.category === 'latency')).toBe(false);
    const named = analyzeRun(reports.summary, objectives, { modelProfile: profile() });
    const rec = named.recommendations.find((r) => r.category === 'latency')!;
    expect(rec.details.top_operator).toMatch(/^LSTM \(\/lstm\/LSTM\) takes 64 %/);
    // The failed objective becomes the latency bottleneck, so report.md and report.html,
    // which list bottlenecks, name the operator too.
    expect(plain.bottlenecks.some((b) => b.category === 'latency')).toBe(false);
    const bottleneck = named.bottlenecks.find((b) => b.category === 'latency')!;
    expect(bottleneck).toMatchObject({
      description: named.objectives[0]!.message,
      severity: 'high',
      metric_name: 'latency_p95_ms',
      current_value: named.objectives[0]!.actual,
      threshold: 1,
    });
    expect(bottleneck.recommendation).toMatch(/^LSTM \(\/lstm\/LSTM\) takes 64 %/);
    expect(renderReportMarkdown(reports.summary, named)).toContain(
      'LSTM (/lstm/LSTM) takes 64 % of an inference',
    );
  });

  it('says nothing of operators when latency holds, or without a breakdown', () => {
    const reports = fixtureReports(fixtureRun());
    const passing = analyzeRun(reports.summary, parseObjectives(['p95<1000ms']), {
      modelProfile: profile(),
    });
    expect(JSON.stringify(passing)).not.toContain('LSTM');
    const slow = fixtureReports(run);
    const without = analyzeRun(slow.summary, parseObjectives(['p95<100ms']));
    expect(JSON.stringify(without)).not.toContain('of an inference');
  });

  it('sums an operator type over its nodes, and names how many', () => {
    const many = buildModelProfile('onnx', 'cpu', [
      {
        ms: 10,
        operators: [
          { name: 'c1', op_type: 'Conv', ms: 3 },
          { name: 'c2', op_type: 'Conv', ms: 3 },
          { name: 'm', op_type: 'MatMul', ms: 4 },
        ],
      },
    ]);
    expect(topOperatorAdvice(many)).toBe(
      'Conv (2 nodes) takes 60 % of an inference: fewer filters or a smaller kernel, quantization, or batching',
    );
    const { bottlenecks, recommendations } = withTopOperator([], [], [], many);
    expect([bottlenecks, recommendations]).toEqual([[], []]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
