import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { cut, InputError, quote } from '../errors.js';
import { writtenNumber } from '../input.js';
import { fromSpreadsheetCell } from '../neutralise/index.js';
import { sampleFlags, type MetricsCollector } from '../metrics/index.js';

/** The raw-sample columns (CSV header) or keys (JSON Lines). Only `latency_ms` is required. */
export const SAMPLE_COLUMNS = [
  'timestamp',
  'latency_ms',
  'success',
  'cache_hit',
  'fallback_used',
  'error_type',
] as const;
type Column = (typeof SAMPLE_COLUMNS)[number];

export interface ReadSummary {
  samples: number;
  /** Whether the samples carry timestamps (throughput and timelines need them). */
  timed: boolean;
  /** Start of the earliest call (timestamp − latency) and the latest end, epoch ms. */
  startMs: number;
  endMs: number;
}

type Cell = string | number | boolean | OutOfRange | null | undefined;

/** A cell as a message quotes it: strings in quotes, numbers as the file wrote them, cut. */
function shown(cell: Cell | object): string {
  if (cell instanceof OutOfRange) return cut(cell.written);
  return typeof cell === 'object' && cell !== null ? cut(JSON.stringify(cell)) : quote(cell);
}

/**
 * Reads raw samples (CSV with a header row, or JSON Lines; optionally gzipped) into a
 * collector started in replay mode, streaming, so any file size fits in bounded memory.
 * Any malformed line stops the read with an `InputError` naming the file and line.
 */
export async function readSamplesFile(
  path: string,
  collector: MetricsCollector,
): Promise<ReadSummary> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch {
    throw InputError.at(path, undefined, 'cannot read the file (does it exist?)');
  }
  if (isDirectory) throw InputError.at(path, undefined, DIRECTORY);
  const gzipped = /\.gz$/i.test(path);
  const jsonLines = /\.(jsonl|ndjson|json)(\.gz)?$/i.test(path);
  const state = new ReadState(path, collector);
  collector.startCollection({ replay: true });
  try {
    // One pipeline, not pipe(): an error of any stage (a truncated gzip, a read error)
    // rejects here instead of being emitted on a stream nobody listens to.
    const read = createReadStream(path);
    const decoded = gzipped ? createGunzip() : new PassThrough();
    if (jsonLines) await pipeline(read, decoded, (source) => readJsonLines(source, state));
    else await pipeline(read, decoded, csvParser(), (records) => readCsv(records, state));
  } catch (error) {
    collector.reset();
    throw state.failure ?? (error instanceof InputError ? error : describeReadError(error, state));
  }
  if (state.samples === 0) {
    collector.reset();
    throw InputError.at(
      path,
      undefined,
      state.sawHeader ? 'has a header but no samples' : 'is empty: no samples to report',
    );
  }
  const timed = state.timed === true;
  const summary: ReadSummary = {
    samples: state.samples,
    timed,
    startMs: timed ? state.startMs : NaN,
    endMs: timed ? state.endMs : NaN,
  };
  collector.endCollection(
    timed ? { startMs: state.startMs, endMs: state.endMs } : { timed: false },
  );
  return summary;
}

class ReadState {
  line = 0;
  samples = 0;
  sawHeader = false;
  /** Decided by the first sample: every sample has a timestamp, or none has. */
  timed: boolean | undefined;
  startMs = Infinity;
  endMs = -Infinity;

  constructor(
    readonly file: string,
    private readonly collector: MetricsCollector,
  ) {}

  /**
   * The first bad line's error: pipeline() may reject with its own AbortError when the
   * reader throws while the source is still being opened.
   */
  failure: InputError | undefined;

  fail(problem: string): never {
    throw (this.failure = InputError.at(this.file, this.line, problem));
  }

  add(get: (column: Column) => Cell): void {
    const latencyMs = this.latency(get('latency_ms'));
    const timestampMs = this.timestamp(get('timestamp'));
    const hasTime = timestampMs !== undefined;
    if (this.timed === undefined) this.timed = hasTime;
    else if (this.timed !== hasTime) {
      this.fail(hasTime ? 'timestamp given here but not on earlier lines' : 'missing timestamp');
    }
    const success = this.bool('success', get('success')) ?? true;
    const cacheHit = this.bool('cache_hit', get('cache_hit'));
    const fallbackUsed = this.bool('fallback_used', get('fallback_used')) ?? false;
    const errorCell = get('error_type');
    const errorType = errorCell === null || errorCell === undefined ? '' : String(errorCell);
    const at = timestampMs ?? 0;
    if (hasTime) {
      this.startMs = Math.min(this.startMs, at - latencyMs);
      this.endMs = Math.max(this.endMs, at);
    }
    this.collector.record(
      latencyMs,
      sampleFlags(success, cacheHit, fallbackUsed),
      // On a success the fallback answered, error_type is why the workload did not.
      success ? errorType || undefined : errorType || 'unknown',
      at,
    );
    this.samples++;
  }

  private latency(cell: Cell): number {
    if (cell === undefined || cell === null || cell === '') this.fail('latency_ms is missing');
    const value = typeof cell === 'number' ? cell : parseDecimal(String(cell));
    if (value === undefined || !Number.isFinite(value)) {
      this.fail(`latency_ms ${shown(cell)} is not a finite number`);
    }
    if (value < 0) this.fail(`latency_ms ${cut(String(cell))} is negative`);
    return value;
  }

  private timestamp(cell: Cell): number | undefined {
    if (cell === undefined || cell === null || cell === '') return undefined;
    if (
      typeof cell === 'number' ||
      (/^[+-]?\d/.test(String(cell)) && parseDecimal(String(cell)) !== undefined)
    ) {
      const seconds = typeof cell === 'number' ? cell : parseDecimal(String(cell))!;
      if (!Number.isFinite(seconds) || seconds < 0)
        this.fail(`timestamp ${cut(String(cell))} is not valid`);
      if (seconds > 1e11) {
        this.fail(
          `timestamp ${cut(String(cell))} looks like milliseconds; use epoch seconds or ISO-8601`,
        );
      }
      return seconds * 1000;
    }
    const parsed = typeof cell === 'string' ? Date.parse(cell) : NaN;
    if (Number.isNaN(parsed)) {
      this.fail(`timestamp ${shown(cell)} is neither epoch seconds nor ISO-8601`);
    }
    return parsed;
  }

  private bool(column: Column, cell: Cell): boolean | undefined {
    if (cell === undefined || cell === null || cell === '') return undefined;
    if (typeof cell === 'boolean') return cell;
    const text = String(cell).trim().toLowerCase();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    this.fail(`${column} ${shown(cell)} is not true/false/1/0`);
  }
}

function csvParser() {
  return parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: false,
    info: true,
  });
}

async function readCsv(records: AsyncIterable<CsvRecord>, state: ReadState): Promise<void> {
  let columns: Column[] | undefined;
  for await (const { record, info } of records) {
    state.line = info.lines;
    if (!columns) {
      columns = record.map((name) => name.trim().toLowerCase() as Column);
      validateColumns(columns, state);
      state.sawHeader = true;
      continue;
    }
    // perfsight's own CSV cells may carry a formula-neutralising `'` (report/csv.ts).
    const row = record.map(fromSpreadsheetCell);
    const cols = columns;
    state.add((column) => {
      const index = cols.indexOf(column);
      return index < 0 ? undefined : row[index];
    });
  }
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

async function readJsonLines(source: AsyncIterable<Buffer>, state: ReadState): Promise<void> {
  for await (const batch of lines(source)) {
    for (const text of batch) {
      state.line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        state.fail('is not valid JSON');
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        state.fail('is not a JSON object');
      }
      const record = value as Record<string, Cell>;
      keepOutOfRangeNumbers(record, text);
      validateColumns(Object.keys(record), state);
      state.add((column) => record[column]);
    }
  }
}

/**
 * The lines of UTF-8 text, without their `\n` or `\r\n`, a chunk's worth at a time (one
 * await per line would cost a third of the read). TextDecoder drops a leading BOM, as
 * csv-parse does for CSV. A long line is gathered in pieces, so it costs linear time.
 */
async function* lines(source: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  const decoder = new TextDecoder();
  let pending: string[] = [];
  const line = (last: string) => {
    const text = pending.length === 0 ? last : pending.join('') + last;
    pending = [];
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  };
  for await (const chunk of source) {
    const parts = decoder.decode(chunk, { stream: true }).split('\n');
    const complete: string[] = [];
    for (let i = 0; i < parts.length - 1; i++) complete.push(line(parts[i]!));
    pending.push(parts[parts.length - 1]!);
    if (complete.length > 0) yield complete;
  }
  const last = line(decoder.decode());
  if (last !== '') yield [last];
}

/**
 * JSON.parse reads `1e999` as Infinity, which a message would show as `null`: such a number
 * is kept as the text the file said, and refused by the checks as any bad cell is. (A loop
 * over the few keys, not a reviver: a reviver doubles the cost of parsing.)
 */
function keepOutOfRangeNumbers(record: Record<string, unknown>, line: string): void {
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'number' && !Number.isFinite(value)) {
      record[key] = new OutOfRange(writtenNumber(line, key, value));
    }
  }
}

/** A JSON number too large for a double, as the file wrote it. */
class OutOfRange {
  constructor(readonly written: string) {}
  toString(): string {
    return this.written;
  }
}

function validateColumns(columns: readonly string[], state: ReadState): void {
  const unknown = columns.find((c) => !(SAMPLE_COLUMNS as readonly string[]).includes(c));
  if (unknown !== undefined) {
    state.fail(`unknown column ${quote(unknown)} (expected: ${SAMPLE_COLUMNS.join(', ')})`);
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) state.fail(`column ${quote(c)} appears twice`);
    seen.add(c);
  }
  if (!seen.has('latency_ms')) state.fail('has no latency_ms column (it is required)');
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : undefined;
}

const DIRECTORY = 'is a directory, not a samples file';

function describeReadError(error: unknown, state: ReadState): InputError {
  const code = (error as { code?: string }).code;
  const whole = (problem: string) => InputError.at(state.file, undefined, problem);
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR')
    return whole('is not valid gzip (truncated or corrupt?)');
  if (code === 'EISDIR') return whole(DIRECTORY);
  const message = error instanceof Error ? error.message : String(error);
  const problem = code?.startsWith('CSV_')
    ? `malformed CSV: ${message.replace(/^Invalid [^:]*: /, '')}`
    : message;
  return InputError.at(state.file, state.line || undefined, cut(problem, 200));
}
