import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { InputError } from '../errors.js';
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

type Cell = string | number | boolean | null | undefined;

/**
 * Reads raw samples (CSV with a header row, or JSON Lines; optionally gzipped) into a
 * collector started in replay mode, streaming, so any file size fits in bounded memory.
 * Any malformed line stops the read with an `InputError` naming the file and line.
 */
export async function readSamplesFile(
  path: string,
  collector: MetricsCollector,
): Promise<ReadSummary> {
  const file = basename(path);
  try {
    await access(path);
  } catch {
    throw InputError.at(path, undefined, 'cannot read the file (does it exist?)');
  }
  const gzipped = /\.gz$/i.test(path);
  const jsonLines = /\.(jsonl|ndjson|json)(\.gz)?$/i.test(path);
  const open = (): Readable => {
    const raw = createReadStream(path);
    return gzipped ? raw.pipe(createGunzip()) : raw;
  };
  const state = new ReadState(file, collector);
  collector.startCollection({ replay: true });
  try {
    if (jsonLines) await readJsonLines(open(), state);
    else await readCsv(open(), state);
  } catch (error) {
    collector.reset();
    if (error instanceof InputError) throw error;
    throw InputError.at(file, state.line || undefined, describeReadError(error));
  }
  if (state.samples === 0) {
    collector.reset();
    throw InputError.at(
      file,
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

  fail(problem: string): never {
    throw InputError.at(this.file, this.line, problem);
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
      success ? undefined : errorType || 'unknown',
      at,
    );
    this.samples++;
  }

  private latency(cell: Cell): number {
    if (cell === undefined || cell === null || cell === '') this.fail('latency_ms is missing');
    const value = typeof cell === 'number' ? cell : parseDecimal(String(cell));
    if (value === undefined || !Number.isFinite(value)) {
      this.fail(`latency_ms ${JSON.stringify(cell)} is not a finite number`);
    }
    if (value < 0) this.fail(`latency_ms ${String(cell)} is negative`);
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
        this.fail(`timestamp ${String(cell)} is not valid`);
      if (seconds > 1e11) {
        this.fail(
          `timestamp ${String(cell)} looks like milliseconds; use epoch seconds or ISO-8601`,
        );
      }
      return seconds * 1000;
    }
    const parsed = typeof cell === 'string' ? Date.parse(cell) : NaN;
    if (Number.isNaN(parsed)) {
      this.fail(`timestamp ${JSON.stringify(cell)} is neither epoch seconds nor ISO-8601`);
    }
    return parsed;
  }

  private bool(column: Column, cell: Cell): boolean | undefined {
    if (cell === undefined || cell === null || cell === '') return undefined;
    if (typeof cell === 'boolean') return cell;
    const text = String(cell).trim().toLowerCase();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    this.fail(`${column} ${JSON.stringify(cell)} is not true/false/1/0`);
  }
}

async function readCsv(input: Readable, state: ReadState): Promise<void> {
  const parser = input.pipe(
    parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: false, info: true }),
  );
  let columns: Column[] | undefined;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
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

async function readJsonLines(input: Readable, state: ReadState): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const text of lines) {
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
    validateColumns(Object.keys(record), state);
    state.add((column) => record[column]);
  }
}

function validateColumns(columns: readonly string[], state: ReadState): void {
  const unknown = columns.find((c) => !(SAMPLE_COLUMNS as readonly string[]).includes(c));
  if (unknown !== undefined) {
    state.fail(
      `unknown column ${JSON.stringify(unknown)} (expected: ${SAMPLE_COLUMNS.join(', ')})`,
    );
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) state.fail(`column ${JSON.stringify(c)} appears twice`);
    seen.add(c);
  }
  if (!seen.has('latency_ms')) state.fail('has no latency_ms column (it is required)');
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : undefined;
}

function describeReadError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR')
    return 'is not valid gzip (truncated or corrupt?)';
  if (code === 'EISDIR') return 'is a directory, not a samples file';
  if (code?.startsWith('CSV_')) return `malformed CSV: ${message.replace(/^Invalid [^:]*: /, '')}`;
  return message;
}
