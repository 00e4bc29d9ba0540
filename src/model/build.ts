import {
  ANSWER_SOURCES,
  encodeHdrBase64,
  type AggregatedMetrics,
  type LatencyPercentiles,
} from '../metrics/index.js';
import { redactDeep, redactText } from '../redact/index.js';
import {
  SCHEMA_VERSION,
  type DetailedReport,
  type LatencyMetrics,
  type RunResult,
  type SourceLatencyMetrics,
  type SummaryReport,
} from './types.js';

export const SAMPLES_FILE = 'samples.csv.gz';
/**
 * The same samples as Apache Arrow IPC, beside SAMPLES_FILE: what `compare` reads. A fixed
 * name, never taken from a report file.
 */
export const SAMPLES_ARROW_FILE = 'samples.arrow';

/** The seed's summary report over a finished run. Pure. */
export function buildSummaryReport(run: RunResult): SummaryReport {
  const m = run.recorded.metrics;
  const r = m.resources;
  return {
    schema_version: SCHEMA_VERSION,
    report_type: 'summary',
    test_name: run.name,
    // Descriptions, configuration and workload may quote a URL or a password (a target, a
    // connection string): reports and the history keep them redacted.
    test_description: redactText(run.description),
    generated_at: run.generatedAt.toISOString(),
    started_at: isoOrEmpty(m.startTime),
    ended_at: isoOrEmpty(m.endTime),
    test_duration_seconds: m.durationSeconds,
    interrupted: run.interrupted,
    percentile_method: m.percentileMethod,
    performance_summary: {
      total_requests: m.totalSamples,
      successful_requests: m.successfulSamples,
      failed_requests: m.failedSamples,
      success_rate: m.successRate,
      error_rate: m.errorRate,
      throughput_rps: m.requestsPerSecond,
    },
    latency_metrics: latencyMetrics(m.latencyPercentiles),
    latency_by_source: latencyBySource(m),
    failed_latency_metrics: m.failedLatencyPercentiles
      ? latencyMetrics(m.failedLatencyPercentiles)
      : null,
    uncorrected_latency_metrics: run.uncorrected
      ? latencyMetrics(run.uncorrected.metrics.latencyPercentiles)
      : null,
    resource_metrics: r ? { ...r } : null,
    optimization_metrics: {
      cache_hit_rate: m.cacheHitRate,
      fallback_usage_rate: m.fallbackRate,
      cache_hits: m.cacheHits,
      cache_misses: m.cacheMisses,
      fallback_uses: m.fallbackUses,
    },
    error_analysis: {
      error_counts: { ...m.errorCounts },
      top_errors: Object.entries(m.errorCounts)
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 5),
      fallback_reasons: { ...m.fallbackReasons },
    },
    ...(run.http && {
      http: {
        status_codes: { ...run.http.statusCodes },
        bytes_sent: run.http.bytesSent,
        bytes_received: run.http.bytesReceived,
      },
    }),
    ...(run.group !== undefined && { group: run.group }),
    ...(run.shard && { shard: { index: run.shard.index, count: run.shard.count } }),
    ...(run.mergedShards && { merged_shards: run.mergedShards.map((row) => ({ ...row })) }),
    configuration: redactDeep(run.configuration),
    workload: redactDeep(run.workload),
    environment: run.environment,
  };
}

/** The seed's detailed report: summary plus distribution, timelines and histograms. Pure. */
export function buildDetailedReport(
  run: RunResult,
  summary: SummaryReport = buildSummaryReport(run),
): DetailedReport {
  const m = run.recorded.metrics;
  const p = m.latencyPercentiles;
  return {
    ...summary,
    report_type: 'detailed',
    latency_distribution: {
      bins: m.latencyDistribution.bins,
      counts: m.latencyDistribution.counts,
      percentiles: { p50: p.p50, p90: p.p90, p95: p.p95, p99: p.p99 },
    },
    throughput_timeline: m.throughputTimeline,
    resource_usage_timeline: m.resourceTimeline,
    latency_histogram_hdr: encodeHdrBase64(run.recorded.successHistogram),
    failed_latency_histogram_hdr:
      run.recorded.failureHistogram.totalCount > 0
        ? encodeHdrBase64(run.recorded.failureHistogram)
        : null,
    histogram_unit: 'us',
    samples_file: run.recorded.samples ? SAMPLES_FILE : null,
    additional_data: {},
    model_profile: run.modelProfile ?? null,
  };
}

export function latencyMetrics(p: LatencyPercentiles): LatencyMetrics {
  return {
    average_ms: p.avg,
    median_ms: p.p50,
    p90_ms: p.p90,
    p95_ms: p.p95,
    p99_ms: p.p99,
    p999_ms: p.p999,
    min_ms: p.min,
    max_ms: p.max,
    std_dev_ms: p.std,
  };
}

function latencyBySource(m: AggregatedMetrics): SummaryReport['latency_by_source'] {
  const bySource = {} as Record<(typeof ANSWER_SOURCES)[number], SourceLatencyMetrics>;
  for (const source of ANSWER_SOURCES) {
    const { count, percentiles } = m.latencyBySource[source];
    bySource[source] = {
      count,
      share: m.totalSamples > 0 ? count / m.totalSamples : 0,
      latency: percentiles ? latencyMetrics(percentiles) : null,
    };
  }
  return bySource;
}

/** ISO-8601, or '' for a time a Date cannot hold (samples claiming to start aeons ago). */
function isoOrEmpty(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}
