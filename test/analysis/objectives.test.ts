import { describe, expect, it } from 'vitest';
import { checkObjectives, parseObjective, parseObjectives } from '../../src/analysis/index.js';
import { UsageError } from '../../src/errors.js';
import { summaryOf } from './_summary.js';

describe('objective grammar', () => {
  it.each([
    [
      'p95<100ms',
      { metric: 'p95', comparator: '<', threshold: 100, unit: 'ms', source: 'p95<100ms' },
    ],
    ['p99 <= 0.2s', { metric: 'p99', comparator: '<=', threshold: 200, source: 'p99<=200ms' }],
    ['avg<500us', { metric: 'avg', threshold: 0.5, source: 'avg<0.5ms' }],
    ['success>=99%', { metric: 'success', comparator: '>=', threshold: 0.99, unit: 'ratio' }],
    ['success>=0.999', { metric: 'success', threshold: 0.999, source: 'success>=99.9%' }],
    ['error_rate<1%', { metric: 'error_rate', threshold: 0.01 }],
    ['cache_hit>=80%', { metric: 'cache_hit', threshold: 0.8 }],
    ['fallback<5%', { metric: 'fallback', threshold: 0.05 }],
    ['throughput>=20rps', { metric: 'throughput', threshold: 20, unit: 'rps' }],
    ['cpu<80%', { metric: 'cpu', threshold: 80, unit: 'percent' }],
    ['memory<1GB', { metric: 'memory', threshold: 1024, unit: 'mb', source: 'memory<1024MB' }],
    ['P99.9<250ms', { metric: 'p999', threshold: 250 }],
  ])('parses %s', (text, expected) => {
    expect(parseObjective(text)).toMatchObject(expected);
  });

  it.each([
    ['p95 100ms', /expected <metric><op><value>/],
    ['p42<100ms', /unknown metric "p42"/],
    ['p95<100kg', /p95 takes ms, s, us, µs, not "kg"/],
    ['success>=150%', /a rate is at most 100%/],
    ['throughput>=20ms', /throughput takes rps/],
    ['', /bad objective ""/],
  ])('rejects %j with a clear message', (text, message) => {
    expect(() => parseObjective(text)).toThrow(UsageError);
    expect(() => parseObjective(text)).toThrow(message);
  });
});

describe('checkObjectives', () => {
  const summary = summaryOf(
    Array.from({ length: 100 }, (_, i) => i + 1),
    (s) => {
      s.performance_summary.success_rate = 0.98;
      s.performance_summary.error_rate = 0.02;
    },
  );

  it('passes and fails on the run’s own figures, with the comparison written out', () => {
    const results = checkObjectives(
      summary,
      parseObjectives(['p95<100ms', 'p95<=50ms', 'success>=99%', 'error_rate<5%', 'max<=100ms']),
    );
    expect(results.map((r) => r.passed)).toEqual([true, false, false, true, true]);
    expect(results[0]!.actual).toBe(summary.latency_metrics.p95_ms);
    expect(results[1]!.message).toBe(
      `P95 latency ${summary.latency_metrics.p95_ms.toFixed(2)}ms > 50ms`,
    );
    expect(results[2]!.message).toBe('success rate 98.00% < 99%');
  });

  it('an objective the run cannot measure fails, and says why', () => {
    const [cache, cpu] = checkObjectives(summary, parseObjectives(['cache_hit>=80%', 'cpu<80%']));
    expect(cache).toMatchObject({ passed: false, actual: null });
    expect(cache!.message).toMatch(/not measured in this run/);
    expect(cpu).toMatchObject({ passed: false, actual: null });
  });
});
