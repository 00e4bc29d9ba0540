import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OBJECTIVES,
  analyzeRun,
  assessRisks,
  checkObjectives,
  parseObjective,
  parseObjectives,
  withFallbackObjective,
} from '../../src/analysis/index.js';
import { loadPolicy } from '../../src/cli/config.js';
import { UsageError } from '../../src/errors.js';
import { describeEnvironment } from '../../src/environment/index.js';
import { MetricsCollector, sampleFlags } from '../../src/metrics/index.js';
import { buildSummaryReport, type SummaryReport } from '../../src/model/index.js';
import { tempDir } from '../_helpers.js';

const T0 = Date.UTC(2026, 0, 1);

/** A real summary of `n` fast successful calls: the first `fallbacks` the fallback's, the next `cacheHits` the cache's. */
function summaryWith(n: number, fallbacks: number, cacheHits = 0): SummaryReport {
  const c = new MetricsCollector({ sampleResources: false });
  c.startCollection({ replay: true });
  for (let i = 0; i < n; i++) {
    const fallback = i < fallbacks;
    const cache = !fallback && i < fallbacks + cacheHits;
    // A workload without a cache reports no lookup at all (undefined), not a miss.
    const flags = sampleFlags(true, cache ? true : undefined, fallback);
    c.record(fallback ? 1 : cache ? 0.05 : 5, flags, undefined, T0 + i);
  }
  c.endCollection({ startMs: T0, endMs: T0 + n });
  return buildSummaryReport({
    name: 'verdict',
    description: '',
    recorded: c.recorded(),
    uncorrected: null,
    interrupted: false,
    configuration: {},
    environment: describeEnvironment(),
    workload: {},
    generatedAt: new Date(T0 + n),
  });
}

describe('a run the model did not answer', () => {
  it('fails the default objectives, and the message says why', () => {
    const summary = summaryWith(200, 200);
    const analysis = analyzeRun(summary, parseObjectives(DEFAULT_OBJECTIVES));
    // Fast and successful — the fallback's figures — yet the verdict fails.
    expect(summary.latency_metrics.p95_ms).toBeLessThan(100);
    expect(summary.performance_summary.success_rate).toBe(1);
    expect(analysis.objectives_met).toBe(false);
    const fallback = analysis.objectives.find((o) => o.metric === 'fallback')!;
    expect(fallback).toMatchObject({ objective: 'fallback<1%', passed: false, actual: 1 });
    expect(fallback.message).toMatch(
      /^the fallback answered 100\.0 % of calls \(200 of 200, limit 1 %\): the model did not answer them.*answered none/,
    );
    expect(analysis.compliance_check.overall_compliance).toBe('non-compliant');
    expect(analysis.compliance_check.requirements.fallback_rate?.compliant).toBe(false);
  });

  it('passes when the fallback answered under 1 %, and reports the cache apart', () => {
    const summary = summaryWith(1000, 5, 200);
    const analysis = analyzeRun(summary, parseObjectives(DEFAULT_OBJECTIVES));
    expect(analysis.objectives_met).toBe(true);
    const { model, cache, fallback } = summary.latency_by_source;
    expect([model.count, cache.count, fallback.count]).toEqual([795, 200, 5]);
    expect(cache.share).toBe(0.2);
    expect(cache.latency?.p95_ms).toBe(0.05);
    expect(model.latency?.median_ms).toBe(5);
    // The cache's answers pull the headline figures below the model's own.
    expect(summary.latency_metrics.average_ms).toBeLessThan(model.latency!.average_ms);
    expect(summary.latency_metrics.min_ms).toBe(0.05);
  });

  it('the fallback objective joins any objectives that do not name their own', () => {
    const summary = summaryWith(50, 50);
    const mine = parseObjectives(['p95<100ms']);
    expect(checkObjectives(summary, mine).every((r) => r.passed)).toBe(true);
    const held = withFallbackObjective(mine);
    expect(held.map((o) => o.source)).toEqual(['p95<100ms', 'fallback<1%']);
    expect(checkObjectives(summary, held).every((r) => r.passed)).toBe(false);
    // Accepting a fallback takes saying so.
    const accepting = withFallbackObjective(parseObjectives(['p95<100ms', 'fallback<=100%']));
    expect(accepting.map((o) => o.source)).toEqual(['p95<100ms', 'fallback<=100%']);
    expect(
      loadPolicy({ cwd: tempDir(), slo: ['p95<100ms'] }).objectives.map((o) => o.source),
    ).toEqual(['p95<100ms', 'fallback<1%']);
  });
});

describe('risk agrees with the verdict', () => {
  it('a failed objective is never LOW risk, wherever the risk comes from', () => {
    const summary = summaryWith(200, 0);
    // No bottleneck at all: the seed's rules alone would say LOW.
    expect(assessRisks([]).overall_risk).toBe('low');
    const passing = analyzeRun(summary, parseObjectives(['p95<100ms']));
    expect(passing.risk_assessment.overall_risk).toBe('low');
    const failing = analyzeRun(summary, parseObjectives(['p95<1ms']));
    expect(failing.objectives_met).toBe(false);
    expect(failing.bottlenecks).toEqual([]);
    expect(failing.risk_assessment.overall_risk).toBe('high');
    expect(failing.risk_assessment.recommendation).not.toMatch(/No immediate action/);
    expect(failing.risk_assessment.risk_breakdown.high).toEqual([
      expect.objectContaining({
        category: 'objective',
        description: expect.stringMatching(/p95<1ms/),
      }),
    ]);
  });

  it('an objective that could not be checked counts as failed for the risk too', () => {
    const analysis = analyzeRun(summaryWith(10, 0), parseObjectives(['cpu<80%']));
    expect(analysis.objectives_met).toBe(false);
    expect(analysis.risk_assessment.overall_risk).toBe('high');
  });

  it('keeps a higher risk the seed’s rules found', () => {
    const summary = summaryWith(10, 0);
    summary.latency_metrics.p95_ms = 500;
    const analysis = analyzeRun(summary, parseObjectives(['p95<100ms']));
    expect(analysis.risk_assessment.overall_risk).toBe('critical');
  });
});

describe('ratios in the objective grammar', () => {
  it.each([
    ['success>=1.5', 'success'],
    ['success>=99', 'success'],
    ['error_rate<5', 'error_rate'],
    ['cache_hit>=80', 'cache_hit'],
    ['fallback<2', 'fallback'],
  ])('refuses the ambiguous %s (a ratio above 1 without %%)', (text, name) => {
    expect(() => parseObjective(text)).toThrow(UsageError);
    expect(() => parseObjective(text)).toThrow(
      new RegExp(`${name} is a ratio from 0 to 1 \\(e\\.g\\. 0\\.99\\) or a percentage with %`),
    );
  });

  it.each([
    ['success>=1', 1],
    ['success>=0.995', 0.995],
    ['success>=99.5%', 0.995],
    ['fallback<1%', 0.01],
    ['error_rate<=0', 0],
    ['cpu<150', 150],
  ])('reads %s as %d', (text, threshold) => {
    expect(parseObjective(text).threshold).toBeCloseTo(threshold, 12);
  });
});
