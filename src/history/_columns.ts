import type { HistoryRecord } from './types.js';

/**
 * The `runs` table's columns, shared by both backends: queryable figures as columns, the
 * rest as JSON text. Order matters: it is the insert order.
 */
export const COLUMNS = [
  'run_id',
  'test_name',
  'created_at',
  'git_commit',
  'host',
  'node_version',
  'config_hash',
  'total_requests',
  'success_rate',
  'error_rate',
  'throughput_rps',
  'average_ms',
  'median_ms',
  'p95_ms',
  'p99_ms',
  'objectives_met',
  'objectives_json',
  'summary_json',
  'latency_histogram_hdr',
  'report_dir',
  'group_id',
  'shard_index',
  'shard_count',
] as const;

export function toRow(record: HistoryRecord): unknown[] {
  return [
    record.run_id,
    record.test_name,
    record.created_at,
    record.git_commit,
    record.host,
    record.node_version,
    record.config_hash,
    record.total_requests,
    record.success_rate,
    record.error_rate,
    record.throughput_rps,
    record.average_ms,
    record.median_ms,
    record.p95_ms,
    record.p99_ms,
    record.objectives_met === null ? null : record.objectives_met ? 1 : 0,
    JSON.stringify(record.objectives),
    JSON.stringify(record.summary),
    record.latency_histogram_hdr,
    record.report_dir,
    record.group_id,
    record.shard?.index ?? null,
    record.shard?.count ?? null,
  ];
}

export function fromRow(row: Record<string, unknown>): HistoryRecord {
  const text = (key: string) => (row[key] === null ? null : String(row[key]));
  const number = (key: string) => (row[key] === null ? null : Number(row[key]));
  return {
    run_id: String(row.run_id),
    test_name: String(row.test_name),
    created_at: String(row.created_at),
    git_commit: text('git_commit'),
    host: String(row.host),
    node_version: String(row.node_version),
    config_hash: String(row.config_hash),
    total_requests: Number(row.total_requests),
    success_rate: Number(row.success_rate),
    error_rate: Number(row.error_rate),
    throughput_rps: number('throughput_rps'),
    average_ms: Number(row.average_ms),
    median_ms: Number(row.median_ms),
    p95_ms: Number(row.p95_ms),
    p99_ms: Number(row.p99_ms),
    objectives_met: row.objectives_met === null ? null : Boolean(Number(row.objectives_met)),
    objectives: JSON.parse(String(row.objectives_json)) as unknown[],
    summary: JSON.parse(String(row.summary_json)) as unknown,
    latency_histogram_hdr: text('latency_histogram_hdr'),
    report_dir: text('report_dir'),
    group_id: text('group_id'),
    shard:
      row.shard_index === null || row.shard_index === undefined
        ? null
        : { index: Number(row.shard_index), count: Number(row.shard_count) },
  };
}
