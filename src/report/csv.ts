import { FLAG_CACHE_HIT, FLAG_CACHE_MISS, FLAG_FALLBACK, FLAG_SUCCESS } from '../metrics/index.js';
import type { RecordedRun } from '../metrics/index.js';
import { csvField } from '../neutralise/index.js';
import type { SummaryReport } from '../model/index.js';

/** `summary.csv`: the seed's Metric/Value/Unit rows, then the figures it left out. */
export function renderSummaryCsv(report: SummaryReport): string {
  const perf = report.performance_summary;
  const latency = report.latency_metrics;
  const resources = report.resource_metrics;
  const opt = report.optimization_metrics;
  const rows: Array<[string, string, string]> = [
    ['Total Requests', String(perf.total_requests), 'count'],
    ['Success Rate', perf.success_rate.toFixed(4), 'ratio'],
    ['Throughput', perf.throughput_rps === null ? '' : perf.throughput_rps.toFixed(2), 'RPS'],
    ['Average Latency', number(latency.average_ms), 'ms'],
    ['P95 Latency', number(latency.p95_ms), 'ms'],
    ['P99 Latency', number(latency.p99_ms), 'ms'],
    ['Avg CPU', resources ? resources.avg_cpu_percent.toFixed(1) : '', '%'],
    ['Max Memory', resources ? resources.max_memory_mb.toFixed(1) : '', 'MB'],
    ['Cache Hit Rate', opt.cache_hit_rate.toFixed(4), 'ratio'],
    ['Fallback Rate', opt.fallback_usage_rate.toFixed(4), 'ratio'],
    ['Successful Requests', String(perf.successful_requests), 'count'],
    ['Failed Requests', String(perf.failed_requests), 'count'],
    ['Error Rate', perf.error_rate.toFixed(4), 'ratio'],
    ['Median Latency', number(latency.median_ms), 'ms'],
    ['P90 Latency', number(latency.p90_ms), 'ms'],
    ['P99.9 Latency', number(latency.p999_ms), 'ms'],
    ['Min Latency', number(latency.min_ms), 'ms'],
    ['Max Latency', number(latency.max_ms), 'ms'],
    ['Std Dev Latency', number(latency.std_dev_ms), 'ms'],
    ['Duration', number(report.test_duration_seconds), 's'],
  ];
  return ['Metric,Value,Unit', ...rows.map((row) => row.map(csvField).join(','))].join('\n') + '\n';
}

export const SAMPLES_HEADER = 'timestamp,latency_ms,success,cache_hit,fallback_used,error_type';

/**
 * Every sample in the raw-sample format (the input of `perfsight report`), in chunks of
 * CSV text so a million rows never sit in one string. Numbers are written in their shortest
 * exact form: reading the file back gives the very same figures.
 */
export function* renderSamplesCsv(recorded: RecordedRun, rowsPerChunk = 10_000): Generator<string> {
  const log = recorded.samples;
  if (!log) return;
  const errorNames = recorded.errorTypes.map(csvField);
  // Samples read without timestamps are recorded at 0: their cell stays empty, so reading
  // the file back gives an untimed run again, not one second-zero burst (no throughput).
  const timed = recorded.metrics.requestsPerSecond !== null;
  let chunk = SAMPLES_HEADER + '\n';
  for (let i = 0; i < log.length; i++) {
    const flags = log.flagsAt(i);
    const cache =
      (flags & FLAG_CACHE_HIT) !== 0 ? 'true' : (flags & FLAG_CACHE_MISS) !== 0 ? 'false' : '';
    chunk +=
      `${timed ? String(log.timestampAt(i) / 1000) : ''},${String(log.latencyAt(i))},` +
      `${(flags & FLAG_SUCCESS) !== 0},${cache},${(flags & FLAG_FALLBACK) !== 0},` +
      `${errorNames[log.errorCodeAt(i)] ?? ''}\n`;
    if ((i + 1) % rowsPerChunk === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export { csvField };

/** A figure as the CSV shows it: at most six decimals, no trailing zeros. */
function number(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}
