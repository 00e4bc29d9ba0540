/** What the history store keeps of each run, and the interface every backend implements. */

/** One run as stored: figures to query and trend on, plus the full summary. */
export interface HistoryRecord {
  run_id: string;
  test_name: string;
  /** ISO-8601, when the run's report was generated. */
  created_at: string;
  git_commit: string | null;
  host: string;
  node_version: string;
  /** sha256 of the run's configuration as canonical JSON: runs with equal hashes are comparable. */
  config_hash: string;
  total_requests: number;
  success_rate: number;
  error_rate: number;
  throughput_rps: number | null;
  average_ms: number;
  median_ms: number;
  p95_ms: number;
  p99_ms: number;
  /** Null when the run was not checked against objectives. */
  objectives_met: boolean | null;
  /** The objectives and their verdicts (analysis.json's `objectives`), or []. */
  objectives: unknown[];
  /** summary.json as written. */
  summary: unknown;
  /** HdrHistogram V2 base64 of successful latencies (µs), as in detailed.json. */
  latency_histogram_hdr: string | null;
  report_dir: string | null;
  /** `--group`: the runs of several machines that make one test; null otherwise. */
  group_id: string | null;
  /** `--shard i/n`: which part of the load this run was (1-based); null otherwise. */
  shard: { index: number; count: number } | null;
}

/** `PERFSIGHT_HISTORY` values that turn the history off when no `--history` is given. */
export const HISTORY_OFF = /^(off|false|0|no)$/i;

/** Figures a trend can follow, by the name users give on the command line. */
export const TREND_METRICS = {
  p50: { column: 'median_ms', higherIsBetter: false, unit: 'ms' },
  p95: { column: 'p95_ms', higherIsBetter: false, unit: 'ms' },
  p99: { column: 'p99_ms', higherIsBetter: false, unit: 'ms' },
  avg: { column: 'average_ms', higherIsBetter: false, unit: 'ms' },
  throughput: { column: 'throughput_rps', higherIsBetter: true, unit: 'rps' },
  error_rate: { column: 'error_rate', higherIsBetter: false, unit: 'ratio' },
  success_rate: { column: 'success_rate', higherIsBetter: true, unit: 'ratio' },
} as const;

export type TrendMetric = keyof typeof TREND_METRICS;

export interface HistoryStore {
  /** Where it lives, for messages (a path, or a URL without its password). */
  readonly location: string;
  save(record: HistoryRecord): Promise<void>;
  /** Newest first. */
  list(options?: { name?: string; limit?: number }): Promise<HistoryRecord[]>;
  /** The names of the tests it holds runs of, most recently run first, with their run counts. */
  testNames(): Promise<Array<{ test_name: string; runs: number }>>;
  /** A run by id, or the newest (of `name`, when given) for `latest`. */
  get(idOrLatest: string, name?: string): Promise<HistoryRecord | undefined>;
  /** One metric of a test's runs, oldest first, at most `limit` (the newest ones). */
  series(
    name: string,
    metric: TrendMetric,
    limit: number,
  ): Promise<Array<{ run_id: string; value: number }>>;
  close(): Promise<void>;
}
