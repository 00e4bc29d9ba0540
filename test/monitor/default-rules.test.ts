import { describe, expect, it } from 'vitest';
import { PerformanceAnalyzer, ReportGenerator } from '../../src/index.js';
import { MetricsCollector } from '../../src/metrics/index.js';
import {
  ContinuousPerformanceMonitor,
  MemorySink,
  seedAlertRules,
  type AlertEvent,
} from '../../src/monitor/index.js';

const T0 = Date.UTC(2026, 0, 1);

/**
 * A monitor on a fake clock, fed `perSecond` calls a second for `seconds` (latency
 * `latencyMs`, every `failEvery`-th failing), ticking every second.
 */
async function watched(
  options: ConstructorParameters<typeof ContinuousPerformanceMonitor>[1],
  latencyMs: number,
  failEvery: number,
  seconds = 120,
) {
  let now = T0;
  const events = new MemorySink<AlertEvent>();
  const monitor = new ContinuousPerformanceMonitor(['api'], {
    ...options,
    clock: { now: () => now },
    eventSinks: [events],
    alertsEveryMs: 5000,
  });
  await monitor.start({ schedule: false });
  const collector = monitor.collector('api')!;
  for (let s = 1; s <= seconds; s++) {
    for (let i = 0; i < 10; i++) {
      collector.recordSample({
        latencyMs: latencyMs * (0.9 + i / 50),
        success: !(failEvery > 0 && i % failEvery === 0),
      });
    }
    monitor.tick((now = T0 + s * 1000));
  }
  const firing = monitor.evaluator
    .active('api')
    .filter((e) => e.state === 'firing')
    .map((e) => `${e.metric} ${e.level}`)
    .sort();
  return { monitor, events, firing };
}

describe('ContinuousPerformanceMonitor without rules: the seed’s alert thresholds', () => {
  it('alerts at P95 300 ms and 50 % errors, with the seed’s levels', async () => {
    const { monitor, firing, events } = await watched({}, 300, 2);
    expect(firing).toEqual(
      expect.arrayContaining([
        'p95 WARNING',
        'p95 CRITICAL',
        'p99 WARNING',
        'success CRITICAL',
        'success WARNING',
        'error_rate INFO',
        'error_rate WARNING',
      ]),
    );
    const p95 = events.items.find((e) => e.metric === 'p95' && e.level === 'CRITICAL')!;
    expect(p95.message).toMatch(/^P95 latency \d+\.\d\dms exceeds threshold 150\.00ms/);
    expect(monitor.rules.map((r) => r.name)).toEqual(seedAlertRules().map((r) => r.name));
    await monitor.stop();
  });

  it('a healthy collector raises nothing (latency, success and errors within the thresholds)', async () => {
    // The fake clock's loop keeps a core busy: CPU and memory thresholds out of its way.
    const { monitor, firing } = await watched(
      { alertThresholds: { memory_mb: 1e6, cpu_percent: 1e6 } },
      20,
      0,
    );
    expect(firing).toEqual([]);
    await monitor.stop();
  });

  it('takes its thresholds from alertThresholds (config alert_thresholds)', async () => {
    const { monitor, firing } = await watched(
      { alertThresholds: { latency_p95_ms: 500, latency_p99_ms: 1000, memory_mb: 1 } },
      300,
      0,
    );
    expect(firing.filter((f) => f.startsWith('p9'))).toEqual([]);
    // CPU and memory are measured too: the process holds more than 1.2 MB.
    expect(firing).toEqual(expect.arrayContaining(['memory INFO', 'memory WARNING']));
    const memory = monitor.evaluator
      .active('api')
      .find((e) => e.metric === 'memory' && e.level === 'WARNING')!;
    expect(memory.message).toMatch(/^Max memory usage \d+\.\dMB exceeds threshold 1\.2MB/);
    expect(memory.category).toBe('resources');
    await monitor.stop();
  });

  it('an explicit empty rule list means no alerts', async () => {
    const { monitor, firing } = await watched({ rules: [] }, 300, 2);
    expect(firing).toEqual([]);
    await monitor.stop();
  });
});

describe('the monitor’s risk is the analyzer’s', () => {
  it('P95 120 ms, all successes: the analyzer’s MEDIUM (one high bottleneck), as analysis.json says', async () => {
    const thresholds = { memory_mb: 1e6, cpu_percent: 1e6 };
    const { monitor } = await watched({ rules: [], thresholds }, 120, 0, 60);
    const risk = monitor.analyze(T0 + 60_000).api!.overall_risk;
    const collector = new MetricsCollector({ sampleResources: false });
    collector.startCollection();
    for (let i = 0; i < 600; i++) {
      collector.recordSample({ latencyMs: 120 * (0.9 + (i % 10) / 50), success: true });
    }
    collector.endCollection();
    const analysis = new PerformanceAnalyzer(thresholds).analyzePerformance(
      new ReportGenerator().generateSummaryReport(collector.aggregatedMetrics, 'same'),
    );
    expect(analysis.risk_assessment.overall_risk).toBe('medium');
    expect(risk).toBe(analysis.risk_assessment.overall_risk);
    await monitor.stop();
  });
});
