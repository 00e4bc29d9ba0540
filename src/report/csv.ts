import { FLAG_CACHE_HIT, FLAG_CACHE_MISS, FLAG_FALLBACK, FLAG_SUCCESS } from '../metrics/index.js';
import type { RecordedRun, SampleColumns } from '../metrics/index.js';
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
  for (const chunk of renderSamplesCsvBytes(recorded, rowsPerChunk)) yield chunk.toString();
}

/**
 * `renderSamplesCsv` as UTF-8 bytes, what samples.csv.gz is written from. The rows are put
 * straight into a buffer (numbers by `String()`, the rest from bytes encoded once): building
 * the text as strings and encoding it afterwards took three to four times as long.
 */
export function* renderSamplesCsvBytes(
  recorded: RecordedRun,
  rowsPerChunk = 10_000,
): Generator<Buffer> {
  if (!recorded.samples) return;
  yield* samplesCsvChunks(
    recorded.samples.chunkColumns(),
    recorded.errorTypes,
    // Samples read without timestamps are recorded at 0: their cell stays empty, so reading
    // the file back gives an untimed run again, not one second-zero burst (no throughput).
    recorded.metrics.requestsPerSecond !== null,
    rowsPerChunk,
  );
}

/** The samples CSV from the recorder's columns (what the samples worker is given). */
export function* samplesCsvChunks(
  columns: readonly SampleColumns[],
  errorTypes: readonly string[],
  timed: boolean,
  rowsPerChunk = 10_000,
): Generator<Buffer> {
  const errorNames = errorTypes.map((name) => Buffer.from(`${csvField(name)}\n`));
  const middles = Array.from({ length: 16 }, (_, flags) => {
    const cache =
      (flags & FLAG_CACHE_HIT) !== 0 ? 'true' : (flags & FLAG_CACHE_MISS) !== 0 ? 'false' : '';
    return Buffer.from(
      `,${(flags & FLAG_SUCCESS) !== 0},${cache},${(flags & FLAG_FALLBACK) !== 0},`,
    );
  });
  // Two numbers of at most 25 characters each, the flags, the longest error name.
  const longestRow = 64 + Math.max(...errorNames.map((name) => name.length));
  const total = columns.reduce((sum, part) => sum + part.length, 0);
  const size = Math.max(1 << 16, longestRow * Math.min(rowsPerChunk, total + 1));
  let buffer = Buffer.allocUnsafe(size);
  let at = buffer.write(SAMPLES_HEADER + '\n', 'latin1');
  let rows = 0;
  const ascii = (text: string) => {
    for (let j = 0; j < text.length; j++) buffer[at++] = text.charCodeAt(j);
  };
  for (const { length, latencyMs, timestampMs, flags, errorCode } of columns) {
    for (let i = 0; i < length; i++) {
      if (rows === rowsPerChunk || at + longestRow > buffer.length) {
        yield buffer.subarray(0, at);
        buffer = Buffer.allocUnsafe(size);
        at = 0;
        rows = 0;
      }
      if (timed) ascii(String(timestampMs[i]! / 1000));
      buffer[at++] = COMMA;
      ascii(String(latencyMs[i]!));
      at += middles[flags[i]! & 15]!.copy(buffer, at);
      at += (errorNames[errorCode[i]!] ?? NEWLINE).copy(buffer, at);
      rows++;
    }
  }
  if (at > 0) yield buffer.subarray(0, at);
}

const COMMA = 44;
const NEWLINE = Buffer.from('\n');

export { csvField };

/** A figure as the CSV shows it: at most six decimals, no trailing zeros. */
function number(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}
