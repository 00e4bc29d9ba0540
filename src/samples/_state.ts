import { cut, InputError, quote } from '../errors.js';
import { FLAG_SUCCESS, sampleFlags, type MetricsCollector } from '../metrics/index.js';

/** The raw-sample columns (CSV header) or keys (JSON Lines). Only `latency_ms` is required. */
export const SAMPLE_COLUMNS = [
  'timestamp',
  'latency_ms',
  'success',
  'cache_hit',
  'fallback_used',
  'error_type',
] as const;
export type Column = (typeof SAMPLE_COLUMNS)[number];

/** Samples of the CSV fast path recorded at once. */
const BATCH_SIZE = 4096;

/**
 * The CSV fast path's rows, as columns: `length` rows are filled; `timestampMs` is 0 when
 * the samples are untimed, `flags` the recorder's FLAG_* bits.
 */
export interface PlainBatch {
  length: number;
  readonly latencyMs: Float64Array;
  readonly timestampMs: Float64Array;
  readonly flags: Uint8Array;
  /** Filled by `flushPlain` from the flags. */
  readonly errorType: Array<string | undefined>;
}

/** A cell as a reader hands it over: text (CSV), or a JSON value. */
export type Cell = string | number | boolean | OutOfRange | null | undefined;

/** A JSON number too large for a double, as the file wrote it. */
export class OutOfRange {
  constructor(readonly written: string) {}
  toString(): string {
    return this.written;
  }
}

/** A cell as a message quotes it: strings in quotes, numbers as the file wrote them, cut. */
function shown(cell: Cell | object): string {
  if (cell instanceof OutOfRange) return cut(cell.written);
  return typeof cell === 'object' && cell !== null ? cut(JSON.stringify(cell)) : quote(cell);
}

/**
 * What a read has seen so far, and the checks every sample passes whichever format it came
 * in: the CSV reader's fast path hands over numbers it parsed itself, anything unusual comes
 * here as text and gets the same checks and messages.
 */
export class ReadState {
  /** The line being read (1-based); only messages use it. */
  line = 0;
  samples = 0;
  sawHeader = false;
  /** Decided by the first sample: every sample has a timestamp, or none has. */
  timed: boolean | undefined;
  startMs = Infinity;
  endMs = -Infinity;
  /**
   * The first bad line's error: pipeline() may reject with its own AbortError when the
   * reader throws while the source is still being opened.
   */
  failure: InputError | undefined;

  /**
   * The fast path's samples not yet recorded: it writes each row's cells straight into
   * these columns (`_csv-plain.ts`) until they are full, then `flushPlain` records them.
   */
  readonly plain: PlainBatch = {
    length: 0,
    latencyMs: new Float64Array(BATCH_SIZE),
    timestampMs: new Float64Array(BATCH_SIZE),
    flags: new Uint8Array(BATCH_SIZE),
    errorType: new Array<string | undefined>(BATCH_SIZE).fill(undefined),
  };

  constructor(
    readonly file: string,
    private readonly collector: MetricsCollector,
  ) {}

  fail(problem: string): never {
    throw (this.failure = InputError.at(this.file, this.line, problem));
  }

  /** One sample given cell by cell (JSON Lines, or a CSV row off the fast path). */
  add(get: (column: Column) => Cell): void {
    const latencyMs = this.latency(get('latency_ms'));
    const timestampMs = this.timestamp(get('timestamp'));
    this.checkTimed(timestampMs !== undefined);
    const success = this.bool('success', get('success')) ?? true;
    const cacheHit = this.bool('cache_hit', get('cache_hit'));
    const fallbackUsed = this.bool('fallback_used', get('fallback_used')) ?? false;
    const errorCell = get('error_type');
    const errorType = errorCell === null || errorCell === undefined ? '' : String(errorCell);
    this.record(latencyMs, timestampMs, success, cacheHit, fallbackUsed, errorType);
  }

  /** Every sample has a timestamp, or none has: the first sample decides. */
  checkTimed(hasTime: boolean): void {
    if (this.timed === hasTime) return;
    if (this.timed !== undefined) {
      this.fail(hasTime ? 'timestamp given here but not on earlier lines' : 'missing timestamp');
    }
    this.timed = hasTime;
  }

  /**
   * One sample whose cells are checked already (`checkTimed` too); `timestampMs` undefined
   * when untimed.
   */
  record(
    latencyMs: number,
    timestampMs: number | undefined,
    success: boolean,
    cacheHit: boolean | undefined,
    fallbackUsed: boolean,
    errorType: string,
  ): void {
    const at = timestampMs ?? 0;
    if (timestampMs !== undefined) {
      if (at - latencyMs < this.startMs) this.startMs = at - latencyMs;
      if (at > this.endMs) this.endMs = at;
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

  /**
   * Records the fast path's samples held so far (`plain`): before any other sample, and at
   * the end. Their cells were checked there; what `record` does per sample is done here
   * column by column: the window (`startMs`, `endMs`: a minimum and a maximum, so the order
   * does not matter), the error type of each failure, then the collector's `recordBatch`.
   */
  flushPlain(): void {
    const batch = this.plain;
    const n = batch.length;
    if (n === 0) return;
    const { latencyMs, timestampMs, flags, errorType } = batch;
    // Untimed samples are at 0: a window is found, and not kept.
    let startMs = this.startMs;
    let endMs = this.endMs;
    let failures = 0;
    for (let i = 0; i < n; i++) {
      const at = timestampMs[i]!;
      if (at - latencyMs[i]! < startMs) startMs = at - latencyMs[i]!;
      if (at > endMs) endMs = at;
      // A failure's error type is 'unknown' (as `record` makes it), a success has none:
      // `errorType` is all undefined between flushes, so only failures are written.
      if ((flags[i]! & FLAG_SUCCESS) === 0) {
        errorType[i] = 'unknown';
        failures++;
      }
    }
    if (this.timed === true) {
      this.startMs = startMs;
      this.endMs = endMs;
    }
    this.samples += n;
    this.collector.recordBatch(batch);
    if (failures > 0) errorType.fill(undefined, 0, n);
    batch.length = 0;
  }

  latency(cell: Cell): number {
    if (cell === undefined || cell === null || cell === '') this.fail('latency_ms is missing');
    const value = typeof cell === 'number' ? cell : parseDecimal(String(cell));
    if (value === undefined || !Number.isFinite(value)) {
      this.fail(`latency_ms ${shown(cell)} is not a finite number`);
    }
    if (value < 0) this.fail(`latency_ms ${cut(String(cell))} is negative`);
    return value;
  }

  /**
   * The one rule for a timestamp cell, whichever reader and however it was written: a number
   * of epoch seconds — a JSON number, or decimal text in any form `latency_ms` accepts
   * (`1700000000.25`, `.5`, `5.`, `+1.7e9`, spaces around), quoted or not, a JSON string
   * or not — or an ISO-8601 date (`isoDate`). Anything else is refused: `Date.parse` alone
   * would read `.5` or `5` as a day in 2001 and `March 7` as a date.
   */
  timestamp(cell: Cell): number | undefined {
    if (cell === undefined || cell === null || cell === '') return undefined;
    if (typeof cell === 'number') return this.epochSeconds(cell, cell);
    const text = String(cell);
    const seconds = parseDecimal(text);
    if (seconds !== undefined) return this.epochSeconds(seconds, cell);
    const ms = typeof cell === 'string' ? isoDate(cell) : undefined;
    if (ms === undefined) {
      this.fail(`timestamp ${shown(cell)} is neither epoch seconds nor ISO-8601`);
    }
    // The range epoch seconds have: what a report folder writes, `report` reads back.
    if (!(ms >= 0 && ms <= MAX_EPOCH_SECONDS * 1000)) {
      this.fail(`timestamp ${shown(cell)} is not valid`);
    }
    return ms;
  }

  /** A timestamp in epoch seconds, as ms; `written` is the cell a message quotes. */
  epochSeconds(seconds: number, written: Cell): number {
    if (!Number.isFinite(seconds) || seconds < 0)
      this.fail(`timestamp ${cut(String(written))} is not valid`);
    if (seconds > MAX_EPOCH_SECONDS) {
      this.fail(
        `timestamp ${cut(String(written))} looks like milliseconds; use epoch seconds or ISO-8601`,
      );
    }
    return seconds * 1000;
  }

  bool(column: Column, cell: Cell): boolean | undefined {
    if (cell === undefined || cell === null || cell === '') return undefined;
    if (typeof cell === 'boolean') return cell;
    const text = String(cell).trim().toLowerCase();
    if (text === 'true' || text === '1') return true;
    if (text === 'false' || text === '0') return false;
    this.fail(`${column} ${shown(cell)} is not true/false/1/0`);
  }
}

export function validateColumns(columns: readonly string[], state: ReadState): void {
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

/** Epoch seconds above this (year 5138) are most likely milliseconds. */
export const MAX_EPOCH_SECONDS = 1e11;

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : undefined;
}

/**
 * An ISO-8601 date as epoch ms, else undefined: `2026-01-01`, `2026-01-01T10:00`,
 * `2026-01-01T10:00:00.250Z`, `…+01:00` (`T` or a space between date and time, any case).
 * Only real calendar dates and times: `Date.parse` rolls `2026-02-30` over to March. Without
 * a zone it means what it means to `Date.parse`: a date alone is UTC, a date and time the
 * reading machine's local time.
 */
function isoDate(cell: string): number | undefined {
  const m = ISO_DATE.exec(cell.trim());
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, , zoneHours, zoneMinutes] = m;
  const days = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > days) return;
  if (hour !== undefined && (Number(hour) > 23 || Number(minute) > 59)) return;
  if (second !== undefined && Number(second) > 59) return;
  if (zoneHours !== undefined && (Number(zoneHours) > 23 || Number(zoneMinutes) > 59)) return;
  const ms = Date.parse(cell.trim().replace(' ', 'T').toUpperCase());
  return Number.isNaN(ms) ? undefined : ms;
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:[Zz]|[+-](\d{2}):?(\d{2}))?)?$/;
