import { describeEnvironment } from '../../src/environment/index.js';
import { FLAG_SUCCESS, MetricsCollector } from '../../src/metrics/index.js';
import { buildSummaryReport, type SummaryReport } from '../../src/report/index.js';

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
