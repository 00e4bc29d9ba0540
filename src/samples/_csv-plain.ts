/**
 * The CSV reader's fast path: rows of plain cells (what perfsight and most tools write —
 * `1700000000.001,16.707,true`) read in one pass over their bytes, each cell converted as it
 * is scanned, and recorded. The first cell that is not plain (a quote, a space, a sign, an
 * exponent, more than 15 digits, an ISO date, an error type, an empty cell, a short row, a
 * lone `\r`) hands the row back, untouched, to the general tokenizer in `_csv.ts`, which gives
 * it the full checks and messages: so a row read here gives exactly what the general path
 * would, and an error is always reported by the general path, with its file and line.
 */
import { FLAG_CACHE_HIT, FLAG_CACHE_MISS, FLAG_FALLBACK, FLAG_SUCCESS } from '../metrics/index.js';
import { MAX_EPOCH_SECONDS, type Column, type PlainBatch, type ReadState } from './_state.js';

/** Bytes both CSV paths look for (the general tokenizer in `_csv.ts` imports them). */
export const COMMA = 44;
export const LF = 10;
export const CR = 13;
const DOT = 46;
const ZERO = 48;
const ONE = 49;
const NINE = 57;

/** 10^k for k ≤ 22: each exact, so `digits / 10^k` is the correctly rounded decimal. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** Returned by `plainDecimal` for a cell it leaves to the general path. */
export const NOT_PLAIN = -1;

/**
 * An unsigned decimal (`12`, `12.5`, `.5`, `12.`) of at most 15 digits, from its bytes; else
 * NOT_PLAIN. Exactly `Number(text)`: the digits form an integer below 2^53 and 10^k is exact,
 * so one IEEE division rounds the true quotient correctly — as Number() does (Clinger's
 * fast path). Longer digit strings are read by Number(), as are exponents and signs.
 */
export function plainDecimal(bytes: Uint8Array, start: number, end: number): number {
  let digits = 0;
  let value = 0;
  let fraction = -1;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO);
      digits++;
    } else if (c === DOT && fraction < 0) {
      fraction = i;
    } else {
      return NOT_PLAIN;
    }
  }
  if (digits === 0 || digits > 15) return NOT_PLAIN;
  return fraction < 0 ? value : value / POWERS_OF_TEN[end - fraction - 1]!;
}

/** What the fast path does with each field of a row. */
const LATENCY = 0;
const TIMESTAMP = 1;
const SUCCESS = 2;
const CACHE_HIT = 3;
const FALLBACK = 4;
/** error_type: only an empty cell is plain (a named error goes through the general path). */
const ERROR_TYPE = 5;

const KIND_OF: Record<Column, number> = {
  latency_ms: LATENCY,
  timestamp: TIMESTAMP,
  success: SUCCESS,
  cache_hit: CACHE_HIT,
  fallback_used: FALLBACK,
  error_type: ERROR_TYPE,
};

/** The fast path's plan for a header: each field's kind, in order. */
export function plainKinds(columns: readonly Column[]): Uint8Array {
  return Uint8Array.from(columns, (column) => KIND_OF[column]);
}

/**
 * Reads and records the plain rows of `bytes` from `from` (a row's start) on; returns where
 * the first row it leaves to the general path starts. Only rows ended by a `\n` at or before
 * `lastLineEnd` (the last `\n` in `bytes`, which the caller finds once per chunk) are read:
 * it bounds every scan (no cell runs past it, so no byte is checked against the end of the
 * chunk), and a row cut by the end of `bytes` is left to the general path, which knows
 * whether more bytes will come.
 */
export function plainRows(
  bytes: Uint8Array,
  from: number,
  lastLineEnd: number,
  kinds: Uint8Array,
  state: ReadState,
): number {
  // Every sample has a timestamp or none has, as the first sample decided; a file whose
  // timestamp cells are empty goes the general way.
  if (state.timed !== kinds.includes(TIMESTAMP)) return from;
  const batch = state.plain;
  let p = from;
  for (;;) {
    const before = batch.length;
    const end = readPlainRows(bytes, p, lastLineEnd, kinds, batch);
    state.line += batch.length - before;
    p = end;
    // Recorded when full, and before the general path records the next row: the samples
    // stay in file order.
    const full = batch.length === batch.flags.length;
    state.flushPlain();
    if (!full) return p;
  }
}

/**
 * The loop of `plainRows`: reads rows into `batch` until it is full or a row is not plain.
 * Nothing else happens per row — no call, no object — so the loop is small and quickly
 * optimised: a `report` reads each file once, and its first rows run before V8 has
 * compiled this.
 */
function readPlainRows(
  bytes: Uint8Array,
  from: number,
  lastLineEnd: number,
  kinds: Uint8Array,
  batch: PlainBatch,
): number {
  const { latencyMs: latencies, timestampMs: timestamps, flags: flagsOf } = batch;
  const room = flagsOf.length;
  const fields = kinds.length;
  const last = fields - 1;
  let row = batch.length;
  let p = from;
  // A row not plain stops the loop (`break rows`) with p at its start.
  rows: while (p < lastLineEnd && row < room) {
    let q = p;
    let latencyMs = 0;
    // 0 when untimed (no timestamp column), as the recorder takes it.
    let timestampMs = 0;
    // success is true, fallback_used false when the column is absent.
    let flags = FLAG_SUCCESS;
    for (let field = 0; field < fields; field++) {
      const kind = kinds[field]!;
      // Every read below stops at lastLineEnd at the latest: \n is not a digit, a dot, a
      // letter of true/false or a comma.
      let c = bytes[q]!;
      if (kind <= TIMESTAMP) {
        let value = 0;
        const start = q;
        let dot = -1;
        for (;;) {
          const digit = c - ZERO;
          if (digit >= 0 && digit <= 9) value = value * 10 + digit;
          else if (c === DOT && dot < 0) dot = q;
          else break;
          c = bytes[++q]!;
        }
        const digits = dot < 0 ? q - start : q - start - 1;
        if (digits === 0 || digits > 15) break rows;
        if (dot >= 0) value /= POWERS_OF_TEN[q - dot - 1]!;
        if (kind === LATENCY) latencyMs = value;
        // Above MAX_EPOCH_SECONDS, most likely milliseconds: the general path says so.
        else if (value > MAX_EPOCH_SECONDS) break rows;
        else timestampMs = value * 1000;
      } else if (kind !== ERROR_TYPE) {
        // true, false, 1, 0 exactly; TRUE, "true", ' 1' and the rest go the general way.
        let yes: boolean;
        if (c === ONE || c === ZERO) {
          yes = c === ONE;
          q++;
        } else if (
          c === 116 &&
          bytes[q + 1] === 114 &&
          bytes[q + 2] === 117 &&
          bytes[q + 3] === 101
        ) {
          yes = true;
          q += 4;
        } else if (
          c === 102 &&
          bytes[q + 1] === 97 &&
          bytes[q + 2] === 108 &&
          bytes[q + 3] === 115 &&
          bytes[q + 4] === 101
        ) {
          yes = false;
          q += 5;
        } else {
          break rows;
        }
        if (kind === SUCCESS) {
          if (!yes) flags &= ~FLAG_SUCCESS;
        } else if (kind === CACHE_HIT) {
          flags |= yes ? FLAG_CACHE_HIT : FLAG_CACHE_MISS;
        } else if (yes) {
          flags |= FLAG_FALLBACK;
        }
      }
      // The cell ends here: a comma between fields, \n or \r\n after the last.
      c = bytes[q]!;
      if (field < last) {
        if (c !== COMMA) break rows;
        q++;
      } else if (c === LF) {
        q++;
      } else if (c === CR && bytes[q + 1] === LF) {
        q += 2;
      } else {
        break rows;
      }
    }
    latencies[row] = latencyMs;
    timestamps[row] = timestampMs;
    flagsOf[row] = flags;
    row++;
    p = q;
  }
  batch.length = row;
  return p;
}
