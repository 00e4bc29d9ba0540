import { createHash, randomUUID } from 'node:crypto';
import type { AnalysisReport } from '../analysis/types.js';
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

/**
 * Keys of `configuration` that record what a run met, not how it was set up: a different
 * samples file (`source`), its size, or calls abandoned on a timeout do not make two runs
 * incomparable.
 */
const OUTCOMES = new Set(['abandoned_calls', 'samples', 'source']);

/**
 * How two runs' configurations differ, one `key a → b` per setting (nested keys dotted:
 * `workload_options.latencyMs 2 → 4`); empty when they were set up alike. Pure.
 */
export function configDifferences(baseline: unknown, current: unknown): string[] {
  const a = flatten(baseline);
  const b = flatten(current);
  const keys = [...new Set([...a.keys(), ...b.keys()])].filter(
    (key) => !OUTCOMES.has(key.split('.')[0]!),
  );
  return keys
    .sort()
    .filter((key) => a.get(key) !== b.get(key))
    .map((key) => `${key} ${a.get(key) ?? '(default)'} → ${b.get(key) ?? '(default)'}`);
}

/** Leaves of a configuration by dotted key, each as canonical JSON. */
function flatten(value: unknown, prefix = '', into = new Map<string, string>()) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (inner !== undefined) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
    }
  } else if (prefix) {
    into.set(prefix, canonicalJson(value));
  }
  return into;
}

/** What the store keeps of a run: pure, from the report model. */
export function buildHistoryRecord(
  reports: RunReports & { analysis?: AnalysisReport },
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
    group_id: summary.group ?? null,
    shard: summary.shard ?? null,
  };
}
