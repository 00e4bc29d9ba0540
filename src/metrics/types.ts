import type { ResourcePoint, ResourceSummary } from './resources.js';
import type { ThroughputPoint } from './_timeline.js';

/** Who answered a successful call: the workload itself, its cache, or its fallback. */
export type AnswerSource = 'model' | 'cache' | 'fallback';

/** One source's successful answers: how many, and their latencies (null when none). */
export interface SourceLatency {
  count: number;
  percentiles: LatencyPercentiles | null;
}

export type LatencyBySource = Record<AnswerSource, SourceLatency>;

/** One call's outcome, as a user or the runner reports it. */
export interface SampleInput {
  latencyMs: number;
  success: boolean;
  /** Whether the call was answered from a cache; leave undefined when there is no cache. */
  cacheHit?: boolean;
  fallbackUsed?: boolean;
  /** Why a failed call failed (`timeout`, an error's name…). */
  errorType?: string;
  /** When the call completed (epoch ms); defaults to a coarse clock (≤ 100 ms stale). */
  timestampMs?: number;
}

/** Latency figures in ms (the seed's keys) plus p99.9. */
export interface LatencyPercentiles {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  avg: number;
  min: number;
  max: number;
  std: number;
}

/**
 * How the percentiles were computed: numpy's `linear` rule over every latency (`exact`), or
 * from the HDR histogram (3 significant digits) once a run holds more than the exact cap.
 */
export type PercentileMethod = 'exact_linear' | 'hdr_histogram';

/** The seed's aggregated figures, computed once from the recorder's state. */
export interface AggregatedMetrics {
  totalSamples: number;
  successfulSamples: number;
  failedSamples: number;
  /** Epoch seconds. */
  startTime: number;
  endTime: number;
  durationSeconds: number;
  /** Total samples over the duration; null when the samples carry no time. */
  requestsPerSecond: number | null;
  /** Latencies of successful samples. */
  latencyPercentiles: LatencyPercentiles;
  /** Latencies of failed samples (kept separately); null when there were none. */
  failedLatencyPercentiles: LatencyPercentiles | null;
  percentileMethod: PercentileMethod;
  /**
   * Successful calls by who answered them (the workload itself, its cache, its fallback),
   * each with its own latency figures: a model's latency is judged on the model's answers.
   */
  latencyBySource: LatencyBySource;
  cacheHits: number;
  cacheMisses: number;
  fallbackUses: number;
  /** Failed calls by error type. */
  errorCounts: Record<string, number>;
  /**
   * Successful calls the fallback answered, by why the workload itself did not
   * (`model_timeout`, `model_error:<name>`…): they count as successes, not errors.
   */
  fallbackReasons: Record<string, number>;
  successRate: number;
  errorRate: number;
  cacheHitRate: number;
  fallbackRate: number;
  /** The seed's bins (ms, lower edges) and counts of successful latencies. */
  latencyDistribution: { bins: number[]; counts: number[] };
  throughputTimeline: ThroughputPoint[];
  resourceTimeline: ResourcePoint[];
  resources: ResourceSummary | null;
}

export const ZERO_PERCENTILES: LatencyPercentiles = {
  p50: 0,
  p90: 0,
  p95: 0,
  p99: 0,
  p999: 0,
  avg: 0,
  min: 0,
  max: 0,
  std: 0,
};
