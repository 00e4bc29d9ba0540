import { describe, expect, it } from 'vitest';
import {
  analyzeRun,
  evaluateAlerts,
  parseObjectives,
  PerformanceAlerting,
  PerformanceAnalyzer,
} from '../../src/analysis/index.js';
import { summaryOf } from './_summary.js';

const fast = () => summaryOf(Array.from({ length: 200 }, (_, i) => 1 + (i % 10)));

describe('PerformanceAnalyzer (the seed’s rules)', () => {
  it('a healthy run: no bottlenecks, low risk, compliant', () => {
    const analysis = analyzeRun(fast(), parseObjectives(['p95<100ms']));
    expect(analysis.bottlenecks).toEqual([]);
    expect(analysis.risk_assessment.overall_risk).toBe('low');
    expect(analysis.risk_assessment.recommendation).toBe('Low risk. No immediate action required.');
    expect(analysis.compliance_check.overall_compliance).toBe('compliant');
    expect(analysis.objectives_met).toBe(true);
    expect(analysis.trend_analysis).toEqual({
      insufficient_data: true,
      recommendation: 'Collect historical data for trend analysis',
    });
  });

  it('P95 over twice the threshold is critical, and so is the overall risk', () => {
    const summary = fast();
    summary.latency_metrics.p95_ms = 250;
    summary.latency_metrics.p99_ms = 150;
    const analysis = analyzeRun(summary, []);
    expect(analysis.bottlenecks).toEqual([
      expect.objectContaining({
        category: 'latency',
        severity: 'critical',
        description: 'P95 latency 250.00ms exceeds threshold 100ms',
        recommendation: 'Optimize feature extraction pipeline and consider caching strategies',
        metric_name: 'latency_p95_ms',
      }),
    ]);
    expect(analysis.risk_assessment.overall_risk).toBe('critical');
    expect(analysis.compliance_check.requirements.latency_p95).toMatchObject({
      requirement: '< 100ms',
      actual: '250.00ms',
      compliant: false,
      margin: 0,
    });
    expect(analysis.recommendations[0]).toMatchObject({ category: 'latency', priority: 'high' });
  });

  it('reliability: success rate below 90 % of the threshold is critical; errors are medium/high', () => {
    const summary = fast();
    summary.performance_summary.success_rate = 0.85;
    summary.performance_summary.error_rate = 0.015;
    const bottlenecks = analyzeRun(summary, []).bottlenecks;
    expect(bottlenecks.map((b) => [b.metric_name, b.severity])).toEqual([
      ['success_rate', 'critical'],
      ['error_rate', 'medium'],
    ]);
    expect(bottlenecks[0]!.description).toBe('Success rate 85.00% below threshold 99.00%');
  });

  it('judges cache and resources only when the run measured them', () => {
    const summary = fast();
    expect(analyzeRun(summary, []).bottlenecks).toEqual([]);
    summary.optimization_metrics = {
      ...summary.optimization_metrics,
      cache_hits: 5,
      cache_misses: 15,
      cache_hit_rate: 0.25,
    };
    summary.resource_metrics = {
      avg_cpu_percent: 99,
      max_cpu_percent: 100,
      avg_memory_mb: 120,
      max_memory_mb: 160,
      avg_heap_used_mb: 50,
      max_event_loop_delay_ms: 3,
      baseline_memory_mb: 5,
      workload_memory_mb: 155,
      memory_growth_mb: 1,
    };
    // The cache is judged against the hit rate the workload says to expect.
    summary.workload = { expected_cache_hit_rate: 0.8 };
    const analysis = new PerformanceAnalyzer({ memory_mb: 100 }).analyzePerformance(summary);
    expect(analysis.bottlenecks.map((b) => [b.metric_name, b.severity])).toEqual([
      ['cache_hit_rate', 'medium'],
      ['cpu_percent', 'medium'],
      ['memory_mb', 'high'],
    ]);
    // One high: medium risk (the seed's rule: any high, or more than three mediums).
    expect(analysis.risk_assessment.overall_risk).toBe('medium');
    expect(analysis.recommendations.map((r) => r.category)).toEqual(['caching', 'resources']);
  });
});

describe('PerformanceAlerting (the seed’s levels and messages)', () => {
  it('P95 over 1.5× the threshold is CRITICAL, P99 over its threshold a WARNING', () => {
    const summary = fast();
    summary.latency_metrics.p95_ms = 160;
    summary.latency_metrics.p99_ms = 210;
    expect(evaluateAlerts(summary)).toEqual([
      {
        level: 'CRITICAL',
        category: 'latency',
        metric: 'latency_p95_ms',
        value: 160,
        threshold: 100,
        message: 'P95 latency 160.00ms exceeds threshold 100ms',
      },
      {
        level: 'WARNING',
        category: 'latency',
        metric: 'latency_p99_ms',
        value: 210,
        threshold: 200,
        message: 'P99 latency 210.00ms exceeds threshold 200ms',
      },
    ]);
  });

  it('error rate just over the threshold is INFO, over twice it a WARNING', () => {
    const summary = fast();
    summary.performance_summary.error_rate = 0.015;
    expect(new PerformanceAlerting().checkAlerts(summary).map((a) => a.level)).toEqual(['INFO']);
    summary.performance_summary.error_rate = 0.05;
    expect(evaluateAlerts(summary).map((a) => a.level)).toEqual(['WARNING']);
  });

  it('a healthy run raises nothing', () => {
    expect(evaluateAlerts(fast())).toEqual([]);
  });
});
