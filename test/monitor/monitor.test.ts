import { describe, expect, it } from 'vitest';
import { MetricsCollector, sampleFlags } from '../../src/metrics/index.js';
import { parseObjective } from '../../src/analysis/objectives.js';
import {
  ContinuousPerformanceMonitor,
  MemorySink,
  parseAlertRule,
  parseSloRules,
  type AlertEvent,
  type DashboardSnapshot,
} from '../../src/monitor/index.js';

const T0 = Date.UTC(2026, 0, 1);

describe('ContinuousPerformanceMonitor', () => {
  it('runs analysis, alerts and dashboards on schedule: none missed, none repeated', async () => {
    let now = T0;
    const dashboards = new MemorySink<DashboardSnapshot>();
    const lines: string[] = [];
    const monitor = new ContinuousPerformanceMonitor(['a'], {
      clock: { now: () => now },
      rules: [parseAlertRule('p95<50ms over 1m for 0s min_events 1')],
      intervalMs: 5000,
      alertsEveryMs: 10_000,
      analysisEveryMs: 30_000,
      dashboardSinks: [dashboards],
      log: (line) => lines.push(line),
    });
    await monitor.start({ schedule: false });
    let evaluations = 0;
    const evaluate = monitor.evaluateAlerts.bind(monitor);
    monitor.evaluateAlerts = (t?: number) => (evaluations++, evaluate(t));
    // Ticks arrive every 1 s for 5 minutes, then once late (a 25 s stall), then 1 s again.
    for (let s = 1; s <= 300; s++) monitor.tick((now = T0 + s * 1000));
    expect(evaluations).toBe(30);
    expect(lines.filter((l) => l.endsWith('Performing performance analysis...'))).toHaveLength(10);
    expect(dashboards.items).toHaveLength(61); // at start, then every 5 s
    monitor.tick((now += 25_000));
    expect(evaluations).toBe(31); // the stall's missed evaluations collapse into one
    for (let s = 1; s <= 10; s++) monitor.tick((now += 1000));
    expect(evaluations).toBe(32);
    const times = dashboards.items.map((d) => Date.parse(d.timestamp));
    expect(new Set(times).size).toBe(times.length);
    await monitor.stop();
  });

  it("watches the seed's collectors, feeds the windows from any recording path, survives bad sinks", async () => {
    let now = T0;
    const events = new MemorySink<AlertEvent>();
    const seedCollectors = {
      feature_extraction: new MetricsCollector(),
      api_endpoints: new MetricsCollector(),
      data_processing: new MetricsCollector(),
    };
    const monitor = new ContinuousPerformanceMonitor(seedCollectors, {
      clock: { now: () => now },
      rules: [
        parseAlertRule(
          'success>=99% over 1m for 0s min_events 10 severity critical on api_endpoints',
        ),
        ...parseSloRules('p95<100ms'),
      ],
      alertsEveryMs: 1000,
      eventSinks: [
        {
          name: 'broken',
          add() {
            throw new Error('disk full');
          },
        },
        events,
      ],
    });
    await monitor.start({ schedule: false });
    expect(monitor.collector('api_endpoints')).toBe(seedCollectors.api_endpoints);
    seedCollectors.api_endpoints.startCollection();
    for (let i = 0; i < 100; i++) {
      seedCollectors.api_endpoints.recordSample({ latencyMs: 12, success: i % 10 !== 0 });
      seedCollectors.feature_extraction.record(4, 1, undefined, now);
    }
    monitor.tick((now += 2000));
    const snapshot = monitor.snapshot(now);
    expect(snapshot.collectors.api_endpoints).toMatchObject({
      total_samples: 100,
      success_rate: 0.9,
      error_rate: expect.closeTo(0.1, 12),
    });
    expect(snapshot.collectors.feature_extraction!.total_samples).toBe(100);
    expect(snapshot.collectors.data_processing!.total_samples).toBe(0);
    // Nothing after 2 s: no rule's window (1 m; the SLO's 5 m to 72 h) is watched whole yet.
    expect(events.items).toEqual([]);
    monitor.tick((now = T0 + 60_000));
    // The broken sink threw; the next one still got the alert, only for the collector named.
    // (10 % failures also burn the p95 SLO's budget — failures count as bad — at 2x, but a
    // minute says nothing about its 5 m … 72 h windows: none of its rules speaks.)
    expect(events.items.map((e) => [e.alert, e.collector, e.state, e.level])).toEqual([
      ['success>=99% over 1m on api_endpoints', 'api_endpoints', 'firing', 'CRITICAL'],
    ]);
    const final = await monitor.stop();
    expect(Object.keys(final.collectors)).toEqual([
      'feature_extraction',
      'api_endpoints',
      'data_processing',
    ]);
    for (const c of Object.values(final.collectors)) {
      expect(Object.keys(c).slice(0, 8)).toEqual([
        'total_samples',
        'success_rate',
        'requests_per_second',
        'latency_p95',
        'latency_avg',
        'cache_hit_rate',
        'fallback_rate',
        'error_rate',
      ]);
    }
    expect(seedCollectors.api_endpoints.aggregatedMetrics.totalSamples).toBe(100);
  });

  it('a call that throws or rejects undefined, null or 0 failed (the open loop too)', async () => {
    const monitor = new ContinuousPerformanceMonitor(['falsy'], {
      windows: { fineMs: 100, coarseMs: 1000 },
    });
    await monitor.start();
    const throwing: Array<() => unknown> = [
      () => {
        throw undefined;
      },
      () => {
        throw null;
      },
      () => {
        throw 0;
      },
      () => Promise.reject(0),
    ];
    await monitor.drive(
      'falsy',
      { name: 'falsy', call: (i) => throwing[i % throwing.length]!() as undefined },
      { rate: 400, durationMs: 200 },
    );
    await monitor.stop();
    const m = monitor.collector('falsy')!.recorded().metrics;
    expect(m.totalSamples).toBeGreaterThan(20);
    expect(m.failedSamples).toBe(m.totalSamples);
    expect(Object.keys(m.errorCounts).sort()).toEqual(['null', 'number', 'undefined']);
  });

  it('a workload that throws keeps running and its errors are counted', async () => {
    const monitor = new ContinuousPerformanceMonitor(['flaky'], {
      windows: { fineMs: 100, coarseMs: 1000 },
    });
    await monitor.start();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 600);
    await monitor.drive(
      'flaky',
      {
        name: 'flaky',
        call(i) {
          if (i % 3 === 0) throw Object.assign(new Error('boom'), { code: 'EBOOM' });
          return { cacheHit: i % 2 === 0 };
        },
      },
      { rate: 500, signal: controller.signal },
    );
    const snapshot = await monitor.stop();
    const flaky = snapshot.collectors.flaky!;
    expect(flaky.total_samples).toBeGreaterThan(150);
    expect(flaky.error_rate).toBeGreaterThan(0.3);
    expect(flaky.error_rate).toBeLessThan(0.37);
    const recorded = monitor.collector('flaky')!.recorded();
    expect(recorded.metrics.totalSamples).toBe(flaky.total_samples);
    expect(recorded.metrics.errorCounts).toEqual({ EBOOM: recorded.metrics.failedSamples });
    expect(recorded.samples).toBeNull(); // monitoring keeps no per-sample log
  });
});

describe("the monitor's periodic analysis words a failed objective truthfully", () => {
  it('says what is true of the figure: "3.33% ≥ 1%" when fallback<1% failed, "<" when it held', async () => {
    let now = T0;
    const monitor = new ContinuousPerformanceMonitor(['model'], {
      clock: { now: () => now },
      rules: [],
      objectives: [parseObjective('fallback<1%'), parseObjective('p95<100ms')],
      analysisEveryMs: 10_000,
    });
    await monitor.start({ schedule: false });
    const collector = monitor.collector('model')!;
    collector.startCollection();
    for (let i = 0; i < 30; i++) {
      collector.record(4, sampleFlags(true, false, i === 0), undefined, now);
    }
    monitor.tick((now += 10_000));
    const results = monitor.snapshot().analysis.model?.objectives ?? [];
    const fallback = results.find((r) => r.objective === 'fallback<1%');
    const p95 = results.find((r) => r.objective === 'p95<100ms');
    expect(fallback).toMatchObject({ passed: false });
    expect(fallback?.message).toMatch(/3\.33% ≥ 1/);
    expect(p95).toMatchObject({ passed: true });
    expect(p95?.message).toMatch(/ < 100/);
    await monitor.stop();
  });
});
