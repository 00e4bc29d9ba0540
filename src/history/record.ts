import { createHash, randomUUID } from 'node:crypto';
import type { RunReports } from '../report/index.js';
import type { HistoryRecord } from './types.js';

/** JSON with keys sorted at every level: equal configurations hash equal. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function configHash(configuration: unknown): string {
  return createHash('sha256').update(canonicalJson(configuration)).digest('hex');
}

/** What the store keeps of a run: pure, from the report model. */
export function buildHistoryRecord(
  reports: RunReports,
  reportDir: string | null,
  runId: string = randomUUID(),
): HistoryRecord {
  const { summary, detailed, analysis } = reports;
  const performance = summary.performance_summary;
  const latency = summary.latency_metrics;
  return {
    run_id: runId,
    test_name: summary.test_name,
    created_at: summary.generated_at,
    git_commit: summary.environment.git_commit,
    host: summary.environment.hostname,
    node_version: summary.environment.node_version,
    config_hash: configHash(summary.configuration),
    total_requests: performance.total_requests,
    success_rate: performance.success_rate,
    error_rate: performance.error_rate,
    throughput_rps: performance.throughput_rps,
    average_ms: latency.average_ms,
    median_ms: latency.median_ms,
    p95_ms: latency.p95_ms,
    p99_ms: latency.p99_ms,
    objectives_met: analysis ? analysis.objectives_met : null,
    objectives: analysis ? analysis.objectives : [],
    summary,
    latency_histogram_hdr: detailed.latency_histogram_hdr ?? null,
    report_dir: reportDir,
  };
}
