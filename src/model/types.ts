import type { Environment } from '../environment/index.js';
import type { ModelProfile } from '../load/index.js';
import type {
  PercentileMethod,
  RecordedRun,
  ResourcePoint,
  ThroughputPoint,
} from '../metrics/index.js';

/**
 * Bumped on any change to the report files' shape; readers check it.
 * 2: summary.json gains `latency_by_source`; analysis.json's compliance check the fallback.
 * 3: summary.json of an HTTP target gains `http` (status codes, bytes sent and received);
 *    a run of several machines gains `group` and `shard`; a merge of them (`perfsight merge`)
 *    gains `merged_shards`; detailed.json gains `model_profile` (where an inference's time goes;
 *    later in 3, additively: `runtime_ms` and the operators' `median_ms`, `p25_ms`, `p75_ms`,
 *    `share` then of a typical inference from the per-call medians).
 */
export const SCHEMA_VERSION = 3;

/** Versions this perfsight still reads (each one only adds to the one before). */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2, 3];

/** One machine's part of a test spread over several (`--shard i/n`). */
export interface Shard {
  /** 1 … count. */
  index: number;
  count: number;
}

/** One run a merge combined (`perfsight merge`), as its own report gave it. */
export interface MergedShard {
  /** The report folder it was read from. */
  folder: string;
  /** `--shard i/n` of that run; null when it was run without. */
  shard: Shard | null;
  group: string | null;
  total_requests: number;
  success_rate: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  started_at: string;
  ended_at: string;
  duration_seconds: number;
}

/** HTTP targets: what went over the wire during the measured calls. */
export interface HttpTraffic {
  /** Responses by status code; requests that got no response are in the error counts only. */
  statusCodes: Record<string, number>;
  bytesSent: number;
  bytesReceived: number;
}

/** A finished measurement: what every report, comparison and sink is built from. */
export interface RunResult {
  name: string;
  description: string;
  recorded: RecordedRun;
  /** Open loop only: figures measured from each call's actual start. */
  uncorrected: RecordedRun | null;
  /** Stopped by Ctrl-C / SIGTERM: the figures cover what ran until then. */
  interrupted: boolean;
  configuration: Record<string, unknown>;
  environment: Environment;
  /** Facts about the workload (model, backend…). */
  workload: Record<string, unknown>;
  /** HTTP targets only. */
  http?: HttpTraffic;
  /** `--group`: the runs of several machines that make one test. */
  group?: string;
  /** `--shard i/n`: which part of the load this run was (1-based index). */
  shard?: Shard;
  /** `perfsight merge`: the runs this one combines, one row each. */
  mergedShards?: MergedShard[];
  generatedAt: Date;
  /** Where one inference's time goes, profiled after the measured calls (see `Workload.profile`). */
  modelProfile?: ModelProfile;
}

/** Latency figures in the seed's report keys, plus p90 and p99.9. */
export interface LatencyMetrics {
  average_ms: number;
  median_ms: number;
  p90_ms: number;
  p95_ms: number;
  p99_ms: number;
  p999_ms: number;
  min_ms: number;
  max_ms: number;
  std_dev_ms: number;
}

/** The successful calls one source answered (see `SummaryReport.latency_by_source`). */
export interface SourceLatencyMetrics {
  count: number;
  /** Of all requests (failed ones included): the sources' shares and error_rate sum to 1. */
  share: number;
  /** Null when the source answered no call. */
  latency: LatencyMetrics | null;
}

/** `summary.json`: the seed's summary report, with schema version and provenance. */
export interface SummaryReport {
  schema_version: number;
  report_type: 'summary' | 'detailed';
  test_name: string;
  test_description: string;
  generated_at: string;
  started_at: string;
  ended_at: string;
  test_duration_seconds: number;
  interrupted: boolean;
  percentile_method: PercentileMethod;
  performance_summary: {
    total_requests: number;
    successful_requests: number;
    failed_requests: number;
    success_rate: number;
    error_rate: number;
    /** Null when the samples carried no timestamps. */
    throughput_rps: number | null;
  };
  /** Latencies of successful samples. */
  latency_metrics: LatencyMetrics;
  /**
   * Successful calls by who answered them: `model` (the workload itself — the model, the
   * service), `cache`, `fallback`. `latency_metrics` mixes all three; a model's latency is
   * the `model` row. A call flagged both cache hit and fallback counts as the fallback's.
   */
  latency_by_source: Record<'model' | 'cache' | 'fallback', SourceLatencyMetrics>;
  /** Latencies of failed samples, kept apart; null without failures. */
  failed_latency_metrics: LatencyMetrics | null;
  /** Open loop: latency from each call's actual start (what a closed-loop tool reports). */
  uncorrected_latency_metrics: LatencyMetrics | null;
  /** Null when resources were not measured (samples read from a file). */
  resource_metrics: {
    avg_cpu_percent: number;
    max_cpu_percent: number;
    avg_memory_mb: number;
    max_memory_mb: number;
    avg_heap_used_mb: number;
    max_event_loop_delay_ms: number;
    /**
     * RSS before the workload's setup, the peak above it, and the growth over the measured
     * run. Absent from reports of perfsight 0.1 before they were added.
     */
    baseline_memory_mb?: number;
    workload_memory_mb?: number;
    memory_growth_mb?: number;
  } | null;
  optimization_metrics: {
    cache_hit_rate: number;
    fallback_usage_rate: number;
    cache_hits: number;
    cache_misses: number;
    fallback_uses: number;
  };
  error_analysis: {
    error_counts: Record<string, number>;
    top_errors: Array<[string, number]>;
    /**
     * Successful calls the fallback answered, by why the workload itself did not
     * (`model_timeout`, `model_error:<name>`): not errors, but the reason is kept.
     * Absent from reports of perfsight 0.1 before it was added.
     */
    fallback_reasons?: Record<string, number>;
  };
  /**
   * HTTP targets only (absent otherwise): responses by status code and the bytes the
   * connections wrote and read during the measured calls (warm-up left out).
   */
  http?: {
    status_codes: Record<string, number>;
    bytes_sent: number;
    bytes_received: number;
  };
  /** `--group`, when given: the runs of several machines that make one test. */
  group?: string;
  /** `--shard i/n`, when given: which part of the load this run was. */
  shard?: Shard;
  /** `perfsight merge` only: the runs combined into this one, in the order given. */
  merged_shards?: MergedShard[];
  configuration: Record<string, unknown>;
  workload: Record<string, unknown>;
  environment: Environment;
}

/** `detailed.json`: the summary plus distributions, timelines and the HDR histogram. */
export interface DetailedReport extends SummaryReport {
  report_type: 'detailed';
  latency_distribution: {
    /** Lower edges in ms; the last bin is open-ended. */
    bins: number[];
    counts: number[];
    percentiles: { p50: number; p90: number; p95: number; p99: number };
  };
  throughput_timeline: ThroughputPoint[];
  resource_usage_timeline: ResourcePoint[];
  /** HdrHistogram V2 compressed base64 of successful latencies, in µs. */
  latency_histogram_hdr: string;
  failed_latency_histogram_hdr: string | null;
  histogram_unit: 'us';
  /** The raw-sample file beside this report, or null when the run outgrew the exact cap. */
  samples_file: string | null;
  additional_data: Record<string, unknown>;
  /**
   * Where one inference's time goes, per operator; null when the workload has no model to
   * break down or `--no-profile` was given. Absent from reports before it was added.
   */
  model_profile?: ModelProfile | null;
}
