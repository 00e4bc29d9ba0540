/**
 * The raw-sample CSV, read straight from the bytes: a tokenizer for RFC 4180 (quoted fields
 * with commas, `""` and line breaks; `\n`, `\r\n` or `\r` line ends; a leading BOM; spaces
 * around fields ignored; empty lines skipped) fused with the cell checks. A plain cell — an
 * unsigned decimal of up to 15 digits, `true`/`false`/`1`/`0`, an empty cell — is converted
 * from its bytes without becoming a string; anything else goes through `ReadState` as text,
 * with the same checks and messages as JSON Lines. Chosen over csv-parse (≈ 10× slower, most
 * of it in its per-field `info` bookkeeping) and uDSV (≈ 1.2×: strings first, then the same
 * checks) by `bench/samples-read.bench.ts`.
 */
import { fromSpreadsheetCell } from '../neutralise/index.js';
import { MAX_EPOCH_SECONDS, validateColumns, type Column, type ReadState } from './_state.js';
import { COMMA, CR, LF, NOT_PLAIN, plainDecimal, plainKinds, plainRows } from './_csv-plain.js';

const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

/**
 * A CSV byte stream, fed chunk by chunk; `end()` after the last chunk. Rows of plain cells
 * are read by the fast path (`_csv-plain.ts`), any other row by the tokenizer below.
 */
export class CsvSamplesReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** A record longer than a chunk is tried again only once the bytes have doubled. */
  private retryAt = 0;
  private first = true;
  private columns: Column[] | undefined;
  private count = 0;
  // Per record: where each field is, and the text of a quoted field (undefined if unquoted).
  private starts = new Int32Array(8);
  private ends = new Int32Array(8);
  private quoted: Array<string | undefined> = [];
  private bytes: Buffer = Buffer.alloc(0);
  // The column index of each sample column in the header, -1 when absent.
  private latencyAt = -1;
  private timestampAt = -1;
  private successAt = -1;
  private cacheHitAt = -1;
  private fallbackAt = -1;
  private errorTypeAt = -1;
  /** Each field's kind for the fast path (`_csv-plain.ts`); set by the header. */
  private kinds: Uint8Array | undefined;
  /**
   * Records the general path reads before the fast path is tried again: after a try that
   * read no row, twice as many as the time before (a file of rows it cannot read costs one
   * failed try now and then, not one per row); any row it reads resets this.
   */
  private skip = 0;
  private backoff = 0;

  constructor(private readonly state: ReadState) {}

  /** Reads the whole records `chunk` completes; `chunk` is not held once this returns. */
  feed(chunk: Buffer): void {
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.retryAt) {
      this.pending.push(Buffer.from(chunk));
      return;
    }
    this.pending.push(chunk);
    this.parse(false);
  }

  /**
   * `feed` for a chunk read into `buffer` at `from`..`to`, the bytes before `from` free for
   * the reader: the start of a row kept from the chunk before (a few bytes, normally) is
   * copied there, in front of the chunk, rather than the chunk (a megabyte) after it. A
   * kept part that does not fit goes the way of `feed`. `buffer` is not held once this
   * returns, as with `feed`.
   */
  feedAt(buffer: Buffer, from: number, to: number): void {
    const kept = this.pending.length === 1 ? this.pending[0]! : undefined;
    if (this.pending.length > 1 || (kept !== undefined && kept.length > from)) {
      this.feed(buffer.subarray(from, to));
      return;
    }
    const start = from - (kept?.length ?? 0);
    kept?.copy(buffer, start);
    this.pending = [buffer.subarray(start, to)];
    this.pendingBytes = to - start;
    if (this.pendingBytes < this.retryAt) {
      this.pending = [Buffer.from(this.pending[0]!)];
      return;
    }
    this.parse(false);
  }

  end(): void {
    this.parse(true);
  }

  private parse(final: boolean): void {
    let bytes =
      this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (this.first) {
      if (bytes.length < 3 && !final) return this.keep(bytes);
      this.first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    const consumed = this.records(bytes, final);
    if (consumed < bytes.length) this.keep(bytes.subarray(consumed));
    this.retryAt = consumed === 0 ? 2 * bytes.length : 0;
  }

  private keep(bytes: Buffer): void {
    // A copy: the caller may fill the chunk it came from again (read.ts does).
    const tail = Buffer.from(bytes);
    this.pending.push(tail);
    this.pendingBytes = tail.length;
  }

  /** Reads every whole record in `bytes`; returns where the first incomplete one starts. */
  private records(bytes: Buffer, final: boolean): number {
    this.bytes = bytes;
    const length = bytes.length;
    const state = this.state;
    let p = 0;
    let consumed = 0;
    // Where the fast path's rows must end (none without a \n: a file of \r line ends).
    const lastLineEnd = bytes.lastIndexOf(LF);
    while (p < length) {
      // The fast path once the header is read and the first sample has said whether the
      // samples are timed.
      if (
        this.kinds !== undefined &&
        state.timed !== undefined &&
        p < lastLineEnd &&
        this.skip-- <= 0
      ) {
        const plainEnd = plainRows(bytes, p, lastLineEnd, this.kinds, state);
        if (plainEnd > p) {
          this.backoff = 0;
          consumed = p = plainEnd;
          if (p === length) break;
        } else {
          this.backoff = Math.min(2 * this.backoff + 1, 1024);
        }
        this.skip = this.backoff;
      }
      const recordStart = p;
      let c = bytes[p]!;
      if (c === LF || c === CR) {
        // An empty line: skipped, but counted.
        if (c === CR && p + 1 === length && !final) break;
        p += c === CR && bytes[p + 1] === LF ? 2 : 1;
        state.line++;
        consumed = p;
        continue;
      }
      let newlines = 0;
      let fields = 0;
      let complete = false;
      for (;;) {
        // One field, starting at p.
        if (fields === this.starts.length) this.grow();
        let q = p;
        while (q < length && (bytes[q] === SPACE || bytes[q] === TAB)) q++;
        if (q < length && bytes[q] === QUOTE) {
          const close = this.quotedField(bytes, q, final, fields, newlines);
          if (close < 0) break; // needs more bytes
          newlines += this.newlinesIn(bytes, q, close);
          p = close + 1;
          while (p < length && (bytes[p] === SPACE || bytes[p] === TAB)) p++;
          if (p < length) {
            c = bytes[p]!;
            if (c !== COMMA && c !== LF && c !== CR) {
              state.line += 1 + newlines;
              state.fail('malformed CSV: text after the closing quote of a field');
            }
          } else if (!final) break;
          this.starts[fields] = q;
          this.ends[fields] = close + 1;
        } else {
          this.quoted[fields] = undefined;
          q = p;
          while (q < length) {
            c = bytes[q]!;
            if (c === COMMA || c === LF || c === CR) break;
            if (c === QUOTE) {
              state.line += 1 + newlines;
              state.fail('malformed CSV: a quote inside a field that does not start with one');
            }
            q++;
          }
          if (q === length && !final) break;
          this.starts[fields] = p;
          this.ends[fields] = q;
          p = q;
        }
        fields++;
        if (p === length) {
          complete = true;
          break;
        }
        c = bytes[p]!;
        if (c === COMMA) {
          p++;
          if (p === length && !final) break;
          continue;
        }
        // The line end: \n, \r\n or \r.
        if (c === CR && p + 1 === length && !final) break;
        p += c === CR && bytes[p + 1] === LF ? 2 : 1;
        complete = true;
        break;
      }
      if (!complete) {
        p = recordStart;
        break;
      }
      state.line += 1 + newlines;
      this.record(fields);
      consumed = p;
    }
    return consumed;
  }

  /** Where the closing quote of the field opening at `open` is; -1 when not in `bytes` yet. */
  private quotedField(
    bytes: Buffer,
    open: number,
    final: boolean,
    field: number,
    newlinesBefore: number,
  ): number {
    let from = open + 1;
    let text = '';
    for (;;) {
      const close = bytes.indexOf(QUOTE, from);
      if (close < 0 || (close + 1 === bytes.length && !final)) {
        if (final) {
          // The line the field opens on: the rest of the file is inside it.
          this.state.line += 1 + newlinesBefore;
          this.state.fail('malformed CSV: a quoted field is not closed');
        }
        return -1;
      }
      text += bytes.toString('utf8', from, close);
      if (bytes[close + 1] === QUOTE) {
        text += '"';
        from = close + 2;
        continue;
      }
      this.quoted[field] = text;
      return close;
    }
  }

  private newlinesIn(bytes: Uint8Array, from: number, to: number): number {
    let n = 0;
    for (let i = from; i < to; i++) {
      const c = bytes[i];
      if (c === LF || (c === CR && bytes[i + 1] !== LF)) n++;
    }
    return n;
  }

  private grow(): void {
    const starts = new Int32Array(this.starts.length * 2);
    starts.set(this.starts);
    this.starts = starts;
    const ends = new Int32Array(this.ends.length * 2);
    ends.set(this.ends);
    this.ends = ends;
  }

  /** A field as text (spaces around it trimmed); a data cell as perfsight wrote it. */
  private text(field: number, data = true): string {
    const quoted = this.quoted[field];
    const text = quoted ?? this.bytes.toString('utf8', this.starts[field], this.ends[field]).trim();
    return data ? fromSpreadsheetCell(text) : text;
  }

  private record(fields: number): void {
    const state = this.state;
    if (!this.columns) {
      this.header(fields);
      return;
    }
    if (fields !== this.count) {
      state.fail(
        `malformed CSV: ${fields} field${fields === 1 ? '' : 's'} where the header has ${this.count}`,
      );
    }
    const latencyMs = this.latency();
    const timestampMs = this.timestamp();
    state.checkTimed(timestampMs !== undefined);
    const success = this.bool(this.successAt, 'success') ?? true;
    const cacheHit = this.bool(this.cacheHitAt, 'cache_hit');
    const fallbackUsed = this.bool(this.fallbackAt, 'fallback_used') ?? false;
    const at = this.errorTypeAt;
    const errorType = at < 0 || this.isEmpty(at) ? '' : this.text(at);
    state.record(latencyMs, timestampMs, success, cacheHit, fallbackUsed, errorType);
  }

  private header(fields: number): void {
    const columns: Column[] = [];
    for (let i = 0; i < fields; i++) columns.push(this.text(i, false).toLowerCase() as Column);
    validateColumns(columns, this.state);
    this.columns = columns;
    this.count = fields;
    this.state.sawHeader = true;
    this.latencyAt = columns.indexOf('latency_ms');
    this.timestampAt = columns.indexOf('timestamp');
    this.successAt = columns.indexOf('success');
    this.cacheHitAt = columns.indexOf('cache_hit');
    this.fallbackAt = columns.indexOf('fallback_used');
    this.errorTypeAt = columns.indexOf('error_type');
    this.kinds = plainKinds(columns);
  }

  private isEmpty(field: number): boolean {
    return this.quoted[field] === undefined && this.starts[field] === this.ends[field];
  }

  /** A plain unquoted decimal from its bytes, else NOT_PLAIN. */
  private plain(field: number): number {
    if (this.quoted[field] !== undefined) return NOT_PLAIN;
    return plainDecimal(this.bytes, this.starts[field]!, this.ends[field]!);
  }

  private latency(): number {
    const value = this.plain(this.latencyAt);
    return value !== NOT_PLAIN ? value : this.state.latency(this.text(this.latencyAt));
  }

  private timestamp(): number | undefined {
    const at = this.timestampAt;
    if (at < 0 || this.isEmpty(at)) return undefined;
    const seconds = this.plain(at);
    if (seconds === NOT_PLAIN) return this.state.timestamp(this.text(at));
    return seconds > MAX_EPOCH_SECONDS ? this.state.timestamp(this.text(at)) : seconds * 1000;
  }

  private bool(field: number, column: Column): boolean | undefined {
    if (field < 0 || this.isEmpty(field)) return undefined;
    if (this.quoted[field] === undefined) {
      const bytes = this.bytes;
      const start = this.starts[field]!;
      const length = this.ends[field]! - start;
      const c = bytes[start];
      // true, false, 1, 0 as written by perfsight and most tools; the rest via the text.
      if (length === 1 && c === 49) return true;
      if (length === 1 && c === 48) return false;
      if (length === 4 && c === 116 && bytes[start + 1] === 114 && bytes[start + 2] === 117) {
        if (bytes[start + 3] === 101) return true;
      }
      if (length === 5 && c === 102 && bytes[start + 1] === 97 && bytes[start + 2] === 108) {
        if (bytes[start + 3] === 115 && bytes[start + 4] === 101) return false;
      }
    }
    return this.state.bool(column, this.text(field));
  }
}
