// The flags and csvField from their own modules, not the folders' faces: the samples worker
// loads this file, and metrics/index alone would bring it some fifteen modules it never uses.
import { FLAG_CACHE_HIT, FLAG_CACHE_MISS, FLAG_FALLBACK, FLAG_SUCCESS } from '../metrics/flags.js';
import type { RecordedRun, SampleColumns } from '../metrics/index.js';
import { csvField } from '../neutralise/csv.js';
import { NUMBER_ROOM, ShortestNumbers } from './_samples-numbers.js';
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
  const text = new SamplesCsvText(timed, rowsPerChunk);
  for (const part of columns) yield* text.rows(part, errorTypes);
  yield* text.end();
}

/** `,success,cache_hit,fallback_used,` for each value of the flags. */
const MIDDLES = Array.from({ length: 16 }, (_, flags) => {
  const cache =
    (flags & FLAG_CACHE_HIT) !== 0 ? 'true' : (flags & FLAG_CACHE_MISS) !== 0 ? 'false' : '';
  return Buffer.from(`,${(flags & FLAG_SUCCESS) !== 0},${cache},${(flags & FLAG_FALLBACK) !== 0},`);
});
/** Words (four bytes) a tail is stored in: the longest, `,false,false,false,\n`, is 20 bytes. */
const TAIL_WORDS = 5;
/**
 * Each middle followed by a newline (what a row without an error ends with), as five
 * little-endian 32-bit words, flags × 5 + word: the row loop writes it in five stores;
 * byte by byte, this constant middle was a quarter of the loop's time.
 */
const TAILS = new Uint32Array(16 * TAIL_WORDS);
/** The middle's length, by flags: where its newline is, which an error name replaces. */
const MIDDLE_LENGTHS = Uint8Array.from(MIDDLES, (middle) => middle.length);
MIDDLES.forEach((middle, flags) => {
  const tail = Buffer.alloc(4 * TAIL_WORDS);
  tail[middle.copy(tail)] = 10;
  for (let k = 0; k < TAIL_WORDS; k++) TAILS[flags * TAIL_WORDS + k] = tail.readUInt32LE(4 * k);
});
const COMMA = 44;
const NEWLINE_BYTES = Buffer.from('\n');
const HEADER = Buffer.from(SAMPLES_HEADER + '\n');
/**
 * The most bytes a row touches but for its error name: two numbers, a comma and a tail
 * (the middle, at most 19, then its newline or the name). It was 64, short of the 71 of
 * the longest numbers and flags: such rows lost bytes at some chunks' ends.
 */
const LONGEST_UNNAMED_ROW = 2 * NUMBER_ROOM + 1 + 4 * TAIL_WORDS;

/**
 * The samples CSV a part at a time — the header, the rows of each part of the columns as
 * it comes, then `end()` — in chunks of at most `rowsPerChunk` rows: the samples worker
 * renders a run's rows while the rest are still being read. The rows are put straight
 * into a buffer (numbers by `ShortestNumbers`, the rest from bytes encoded once): building
 * the text as strings and encoding it afterwards took three to four times as long.
 */
export class SamplesCsvText {
  private buffer: Buffer | undefined;
  /**
   * The buffer as a DataView: the rows are written two and four bytes a store, and a store
   * past the end would throw rather than be dropped as a byte past a Buffer's end is.
   */
  private view: DataView | undefined;
  private at = 0;
  private chunkRows = 0;
  private readonly timestamps = new ShortestNumbers();
  private readonly latencies = new ShortestNumbers();
  /** `error_type,\n` by error code, for the names seen so far (the table only grows). */
  private errorNames: Buffer[] = [];
  /** A row's most bytes: the numbers, the flags, the longest error name (with its newline). */
  private longestRow = LONGEST_UNNAMED_ROW + 1;

  /**
   * `newBuffer` gives the buffer each chunk is rendered into, of at least the size asked:
   * by default a new one; the samples worker hands back those zlib is done with.
   */
  constructor(
    private readonly timed: boolean,
    private readonly rowsPerChunk = 10_000,
    private readonly newBuffer: (size: number) => Buffer = Buffer.allocUnsafe,
  ) {}

  /** The rows of `columns`; `errorTypes` names their error codes (index 0: none). */
  *rows(columns: SampleColumns, errorTypes: readonly string[]): Generator<Buffer> {
    if (errorTypes.length !== this.errorNames.length) this.nameErrors(errorTypes);
    let i = 0;
    while (i < columns.length) {
      const buffer = this.buffer ?? this.startChunk(columns.length - i);
      if (this.chunkRows === this.rowsPerChunk || this.at + this.longestRow > buffer.length) {
        yield buffer.subarray(0, this.at);
        this.startChunk(columns.length - i);
      }
      i = this.fill(columns, i);
    }
  }

  /**
   * Renders rows from `from` on into the current chunk while it has room; returns the row
   * after the last one rendered. Apart from the generator: a plain loop over locals.
   */
  private fill(columns: SampleColumns, from: number): number {
    const { latencyMs, timestampMs, flags, errorCode } = columns;
    const { buffer, view, timed, timestamps, latencies, errorNames } = this;
    const out = view!;
    const last = buffer!.length - this.longestRow;
    const end = Math.min(columns.length, from + this.rowsPerChunk - this.chunkRows);
    let at = this.at;
    let i = from;
    for (; i < end && at <= last; i++) {
      if (timed) at = timestamps.writeMilliseconds(out, at, timestampMs[i]!);
      out.setUint8(at++, COMMA);
      at = latencies.write(out, at, latencyMs[i]!);
      // The whole tail, newline included, whatever its length: the bytes past it are
      // overwritten by the next row (longestRow leaves room for them).
      const fields = flags[i]! & 15;
      const tail = fields * TAIL_WORDS;
      out.setUint32(at, TAILS[tail]!, true);
      out.setUint32(at + 4, TAILS[tail + 1]!, true);
      out.setUint32(at + 8, TAILS[tail + 2]!, true);
      out.setUint32(at + 12, TAILS[tail + 3]!, true);
      out.setUint32(at + 16, TAILS[tail + 4]!, true);
      at += MIDDLE_LENGTHS[fields]!;
      const code = errorCode[i]!;
      // Buffer.copy is a call into C++: only for the rare row with an error.
      if (code === 0) at++;
      else at += (errorNames[code] ?? NEWLINE_BYTES).copy(buffer!, at);
    }
    this.chunkRows += i - from;
    this.at = at;
    return i;
  }

  /** What is left of the text (the header alone when there were no rows). */
  *end(): Generator<Buffer> {
    const buffer = this.buffer ?? this.startChunk(0);
    if (this.at > 0) yield buffer.subarray(0, this.at);
    this.buffer = undefined;
    this.at = 0;
  }

  /** A new buffer for up to `rows` more rows (the header first, the first time). */
  private startChunk(rows: number): Buffer {
    const first = this.buffer === undefined && this.chunkRows === 0;
    const size = Math.max(1 << 16, this.longestRow * Math.min(this.rowsPerChunk, rows + 1));
    this.buffer = this.newBuffer(size);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);
    this.at = first ? HEADER.copy(this.buffer, 0) : 0;
    this.chunkRows = 0;
    return this.buffer;
  }

  private nameErrors(errorTypes: readonly string[]): void {
    this.errorNames = errorTypes.map((name) => Buffer.from(`${csvField(name)}\n`));
    this.longestRow = LONGEST_UNNAMED_ROW + Math.max(...this.errorNames.map((name) => name.length));
  }
}

export { csvField };

/** A figure as the CSV shows it: at most six decimals, no trailing zeros. */
function number(value: number): string {
  return String(Math.round(value * 1e6) / 1e6);
}
