/**
 * Combining the recorded figures of several runs of one test (`perfsight merge`) when their
 * samples are not all at hand: the sum of their HDR histograms, with the counts, extremes and
 * sums each run reported exactly. Pure. (With every sample at hand, a merge replays them into
 * one collector instead: numpy's percentiles over the union.)
 */
import { LogLinearCounts } from './_log-linear.js';
import { SEED_BINS, SUM_SCALE, binHistogram, histogramPercentiles } from './_latency-stats.js';
import type { RecordedRun } from './collector.js';
import type {
  AggregatedMetrics,
  AnswerSource,
  LatencyBySource,
  LatencyPercentiles,
} from './types.js';

/** One time span, epoch ms. */
export interface Span {
  startMs: number;
  endMs: number;
}

/**
 * The time at least one of the spans covers, in seconds: runs at once count once, a gap
 * between runs not at all (throughput is their requests over this).
 */
export function unionSeconds(spans: readonly Span[]): number {
  const sorted = spans.filter((s) => s.endMs > s.startMs).sort((a, b) => a.startMs - b.startMs);
  let total = 0;
  let start = NaN;
  let end = NaN;
  for (const span of sorted) {
    if (!(span.startMs <= end)) {
      if (end > start) total += end - start;
      start = span.startMs;
      end = span.endMs;
    } else if (span.endMs > end) {
      end = span.endMs;
    }
  }
  if (end > start) total += end - start;
  return total / 1000;
}

/** One run's figures, as its report holds them. */
export interface HistogramPart {
  success: LogLinearCounts;
  /** Null when the run had no failures, or its report does not keep their histogram. */
  failure: LogLinearCounts | null;
  /** Exact figures of its successful and failed latencies (null without any). */
  successFigures: LatencyPercentiles | null;
  failureFigures: LatencyPercentiles | null;
  successful: number;
  failed: number;
  cacheHits: number;
  cacheMisses: number;
  fallbackUses: number;
  errorCounts: Record<string, number>;
  fallbackReasons: Record<string, number>;
  /** Successful calls by who answered them, with their figures. */
  bySource: LatencyBySource;
  span: Span;
}

/**
 * The recorded run of several runs without their samples: percentiles from the sum of their
 * histograms (3 significant digits, within the exact min and max), mean from their exact
 * sums, counts summed, throughput over the union of their spans. Per-source figures: the
 * counts summed; a source's latencies are the whole histogram's when it answered every
 * successful call (the usual case), else its runs' figures combined (count-weighted mean,
 * the largest of their percentiles: an upper bound). Failures likewise when a run's report
 * does not keep their histogram.
 */
export function histogramRecordedRun(parts: readonly HistogramPart[]): RecordedRun {
  const success = new LogLinearCounts(3);
  const failure = new LogLinearCounts(3);
  for (const part of parts) {
    success.add(part.success);
    if (part.failure) failure.add(part.failure);
  }
  const sum = (of: (part: HistogramPart) => number) => parts.reduce((t, p) => t + of(p), 0);
  const total = sum((p) => p.successful + p.failed);
  const successful = sum((p) => p.successful);
  const failed = sum((p) => p.failed);
  const startMs = Math.min(...parts.map((p) => p.span.startMs));
  const endMs = Math.max(...parts.map((p) => p.span.endMs));
  const seconds = unionSeconds(parts.map((p) => p.span));
  const exactOf = (figures: (part: HistogramPart) => [LatencyPercentiles | null, number]) => {
    let scaledSum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const part of parts) {
      const [f, count] = figures(part);
      if (!f || count === 0) continue;
      scaledSum += f.avg * count * SUM_SCALE;
      min = Math.min(min, f.min);
      max = Math.max(max, f.max);
    }
    return { scaledSum, min, max };
  };
  const latencyPercentiles = histogramPercentiles(
    success,
    exactOf((p) => [p.successFigures, p.successful]),
  );
  const cacheHits = sum((p) => p.cacheHits);
  const cacheMisses = sum((p) => p.cacheMisses);
  const fallbackUses = sum((p) => p.fallbackUses);
  const errorCounts = addCounts(parts.map((p) => p.errorCounts));
  const metrics: AggregatedMetrics = {
    totalSamples: total,
    successfulSamples: successful,
    failedSamples: failed,
    startTime: startMs / 1000,
    endTime: endMs / 1000,
    durationSeconds: seconds,
    requestsPerSecond: seconds > 0 ? total / seconds : 0,
    latencyPercentiles,
    failedLatencyPercentiles:
      failed === 0
        ? null
        : parts.every((p) => p.failed === 0 || p.failure)
          ? histogramPercentiles(
              failure,
              exactOf((p) => [p.failureFigures, p.failed]),
            )
          : // A run without its failures' histogram (read from the history): figures combined.
            combined(
              parts.map((p) => ({ count: p.failed, percentiles: p.failureFigures })),
              failed,
            ),
    percentileMethod: 'hdr_histogram',
    latencyBySource: bySource(parts, successful, latencyPercentiles),
    cacheHits,
    cacheMisses,
    fallbackUses,
    errorCounts,
    fallbackReasons: addCounts(parts.map((p) => p.fallbackReasons)),
    successRate: rate(successful, total),
    errorRate: rate(failed, total),
    cacheHitRate: rate(cacheHits, cacheHits + cacheMisses),
    fallbackRate: rate(fallbackUses, total),
    latencyDistribution: { bins: [...SEED_BINS], counts: binHistogram(success) },
    throughputTimeline: [],
    resourceTimeline: [],
    resources: null,
  };
  return {
    metrics,
    successHistogram: success,
    failureHistogram: failure,
    samples: null,
    errorTypes: ['', ...Object.keys(errorCounts)],
  };
}

const SOURCES: readonly AnswerSource[] = ['model', 'cache', 'fallback'];

function bySource(
  parts: readonly HistogramPart[],
  successful: number,
  whole: LatencyPercentiles,
): LatencyBySource {
  const result = {} as LatencyBySource;
  for (const source of SOURCES) {
    const rows = parts.map((p) => p.bySource[source]).filter((row) => row.count > 0);
    const count = rows.reduce((t, row) => t + row.count, 0);
    if (count === 0) result[source] = { count: 0, percentiles: null };
    else if (count === successful) result[source] = { count, percentiles: whole };
    else result[source] = { count, percentiles: combined(rows, count) };
  }
  return result;
}

function combined(
  rows: readonly { count: number; percentiles: LatencyPercentiles | null }[],
  count: number,
): LatencyPercentiles | null {
  const figures = rows.flatMap((row) => (row.percentiles ? [row] : []));
  if (figures.length === 0) return null;
  const largest = (key: keyof LatencyPercentiles) =>
    Math.max(...figures.map((row) => row.percentiles![key]));
  return {
    p50: largest('p50'),
    p90: largest('p90'),
    p95: largest('p95'),
    p99: largest('p99'),
    p999: largest('p999'),
    avg: figures.reduce((t, row) => t + row.percentiles!.avg * row.count, 0) / count,
    min: Math.min(...figures.map((row) => row.percentiles!.min)),
    max: largest('max'),
    std: largest('std'),
  };
}

function addCounts(all: readonly Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const counts of all) {
    for (const [name, n] of Object.entries(counts)) total[name] = (total[name] ?? 0) + n;
  }
  return total;
}

function rate(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}
