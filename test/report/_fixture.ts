import {
  analyzeRun,
  buildAlertsReport,
  evaluateAlerts,
  parseObjectives,
  type AnalysisReport,
  type AlertsReport,
} from '../../src/analysis/index.js';
import { MetricsCollector, type ResourcePoint } from '../../src/metrics/index.js';
import { buildRunReports, type RunReports } from '../../src/report/index.js';
import { type RunResult } from '../../src/model/index.js';

export const XSS = '<script>alert(1)</script>';
const START_MS = Date.UTC(2026, 0, 2, 3, 4, 5);

/** A small deterministic PRNG (mulberry32), so fixtures are the same on every machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A run replayed through the real collector: `seconds` of `perSecond` samples with
 * log-normal latencies, some cache hits, fallbacks and errors, and a resource timeline.
 */
export function fixtureRun(
  options: {
    seconds?: number;
    perSecond?: number;
    name?: string;
    seed?: number;
    slowdown?: number;
  } = {},
): RunResult {
  const seconds = options.seconds ?? 20;
  const perSecond = options.perSecond ?? 50;
  const next = random(options.seed ?? 7);
  const collector = new MetricsCollector({ sampleResources: false });
  collector.startCollection({ replay: true });
  for (let s = 0; s < seconds; s++) {
    for (let i = 0; i < perSecond; i++) {
      const u = Math.max(next(), 1e-9);
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
      const latency = Math.exp(1.5 + 0.6 * z) * (options.slowdown ?? 1);
      const roll = next();
      collector.recordSample({
        latencyMs: latency,
        success: roll > 0.02,
        cacheHit: roll > 0.6,
        fallbackUsed: roll < 0.05,
        errorType: roll <= 0.02 ? (roll < 0.01 ? 'timeout' : XSS) : undefined,
        timestampMs: START_MS + s * 1000 + (i * 1000) / perSecond,
      });
    }
  }
  collector.endCollection({ startMs: START_MS, endMs: START_MS + seconds * 1000 });
  const recorded = collector.recorded();
  // The resource sampler is a timer; a replay gets a made-up but plausible timeline.
  const resources: ResourcePoint[] = Array.from({ length: seconds }, (_, s) => ({
    timestamp: START_MS / 1000 + s + 1,
    cpu_percent: 40 + 10 * Math.sin(s / 5),
    memory_mb: 120 + s * 0.1,
    heap_used_mb: 60 + (s % 10),
    event_loop_delay_ms: 1 + (s % 3) * 0.2,
    event_loop_delay_max_ms: 5 + (s % 4),
  }));
  recorded.metrics.resourceTimeline = resources;
  recorded.metrics.resources = {
    avg_cpu_percent: 40,
    max_cpu_percent: 50,
    avg_memory_mb: 121,
    max_memory_mb: 122,
    avg_heap_used_mb: 65,
    max_event_loop_delay_ms: 8,
    baseline_memory_mb: 10,
    workload_memory_mb: 112,
    memory_growth_mb: 2,
  } as NonNullable<typeof recorded.metrics.resources>;
  return {
    name: options.name ?? XSS,
    description: `Fixture & "quotes" ${XSS}`,
    recorded,
    uncorrected: null,
    interrupted: false,
    configuration: { samples: seconds * perSecond, note: XSS },
    environment: {
      perfsight_version: '0.0.0-test',
      node_version: 'v20.0.0',
      v8_version: '11',
      platform: 'linux',
      arch: 'x64',
      os_release: 'test',
      cpu_model: 'Test CPU',
      cpu_cores: 2,
      total_memory_mb: 4096,
      hostname: XSS,
      git_commit: null,
    },
    // About 40 % of calls hit the cache (above); the workload says 60 % should.
    workload: { name: 'fixture', expected_cache_hit_rate: 0.6 },
    generatedAt: new Date(START_MS + seconds * 1000),
  };
}

/** The run's reports with the real analysis stage (two objectives, one failing). */
export function fixtureReports(run: RunResult = fixtureRun()): RunReports & {
  analysis: AnalysisReport;
  alerts: AlertsReport;
} {
  const reports = buildRunReports(run);
  const analysis = analyzeRun(reports.summary, parseObjectives(['p95<100ms', 'success>=99%']), {
    testContext: { workload: run.workload },
  });
  const alerts = buildAlertsReport(reports.summary, evaluateAlerts(reports.summary));
  return { ...reports, analysis, alerts };
}
