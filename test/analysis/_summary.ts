import type { ComparableRun } from '../../src/analysis/index.js';
import { describeEnvironment } from '../../src/environment/index.js';
import { FLAG_SUCCESS, MetricsCollector } from '../../src/metrics/index.js';
import { buildSummaryReport, type SummaryReport } from '../../src/model/index.js';
import { normalFrom, seededRandom } from '../../src/random/index.js';

/**
 * A real summary: `latencies` recorded by a collector (replayed at 100 per second), built by
 * the report model; then `patch` sets the figures a test is about.
 */
export function summaryOf(
  latencies: number[],
  patch: (summary: SummaryReport) => void = () => undefined,
): SummaryReport {
  const collector = new MetricsCollector({ sampleResources: false });
  collector.startCollection({ replay: true });
  const t0 = Date.UTC(2026, 0, 1);
  latencies.forEach((ms, i) => collector.record(ms, FLAG_SUCCESS, undefined, t0 + i * 10));
  collector.endCollection({ startMs: t0, endMs: t0 + latencies.length * 10 });
  const summary = buildSummaryReport({
    name: 'fixture',
    description: '',
    recorded: collector.recorded(),
    uncorrected: null,
    interrupted: false,
    configuration: {},
    environment: describeEnvironment(),
    workload: {},
    generatedAt: new Date(t0 + 60_000),
  });
  patch(summary);
  return summary;
}

/** A comparable run from latencies, with a given number of failures. */
export function runOf(
  name: string,
  latencies: number[],
  failed = 0,
  throughput: number[] = [],
): ComparableRun {
  const summary = summaryOf(latencies);
  const total = latencies.length + failed;
  summary.performance_summary = {
    ...summary.performance_summary,
    total_requests: total,
    failed_requests: failed,
    success_rate: latencies.length / total,
    error_rate: failed / total,
  };
  return {
    name,
    source: name,
    report: { ...summary, report_type: 'detailed' } as unknown as ComparableRun['report'],
    latencies: Float64Array.from(latencies).sort(),
    method: 'exact_samples',
    total,
    failed,
    throughputPerInterval: throughput,
  };
}

/** n seeded log-normal latencies (σ 0.5) around `median` ms. */
export function lognormal(seed: number, n: number, median: number): number[] {
  const normal = normalFrom(seededRandom(seed));
  return Array.from({ length: n }, () => median * Math.exp(0.5 * normal()));
}

/** The same 20,000 latencies, then all 2 % slower: significant, but inside a 5 % noise band. */
export function twoPercentSlower(): [ComparableRun, ComparableRun] {
  const base = lognormal(3, 20_000, 10);
  return [
    runOf('a', base),
    runOf(
      'b',
      base.map((v) => v * 1.02),
    ),
  ];
}
