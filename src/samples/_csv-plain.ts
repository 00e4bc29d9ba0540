/**
 * The CSV reader's fast path: rows of plain cells (what perfsight and most tools write —
 * `1700000000.001,16.707,true`) read in one pass over their bytes, each cell converted as it
 * is scanned, and recorded. The first cell that is not plain (a quote, a space, a sign, an
 * exponent, more than 15 digits, an ISO date, an error type, an empty number, a short row,
 * a lone `\r`) hands the row back, untouched, to the general tokenizer in `_csv.ts`, which gives
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
  const common =
    kinds.length === 3 && kinds[0] === TIMESTAMP && kinds[1] === LATENCY && kinds[2] === SUCCESS;
  const batch = state.plain;
  let p = from;
  for (;;) {
    const before = batch.length;
    p = common
      ? readCommonRows(bytes, p, lastLineEnd, batch)
      : readPlainRows(bytes, p, lastLineEnd, kinds, batch);
    state.line += batch.length - before;
    // Recorded when full, and before the general path records the next row: the samples
    // stay in file order.
    const full = batch.length === batch.flags.length;
    state.flushPlain();
    if (!full) return p;
  }
}

/**
 * What `decimalAt` and `booleanAt` found besides their value: where they stopped (`STOP`),
 * and whether the decimal was plain (`PLAIN`, 1 or 0). A one-array side channel, not an
 * object per call; and `decimalAt` returns a double on every path: a return that is the
 * small integer NOT_PLAIN on one path and a double on the other made V8 box each decimal
 * (two objects a row, some 30 MB of garbage for 1 M rows).
 */
const scanned = new Int32Array(2);
const STOP = 0;
const PLAIN = 1;

/**
 * `plainDecimal` for the fast path: the unsigned decimal starting at `q`, plain if it has 1
 * to 15 digits (`scanned[PLAIN]`), where it stopped in `scanned[STOP]`. It reads while it
 * sees digits, so the caller must know a non-digit follows (the fast path's `\n` at
 * `lastLineEnd`). The digits before the dot and after it are each read as a whole number,
 * in loops that look for nothing but digits: `(whole · 10^k + fraction) / 10^k` is the same
 * one division of the same integer below 2^53 as in `plainDecimal`, so the same value.
 */
function decimalAt(bytes: Uint8Array, q: number): number {
  const start = q;
  let whole = 0;
  // A byte below ZERO wraps round to a large unsigned number: one test for 0–9.
  let digit = bytes[q]! - ZERO;
  while (digit >>> 0 <= 9) {
    whole = whole * 10 + digit;
    digit = bytes[++q]! - ZERO;
  }
  let digits = q - start;
  let value = whole;
  if (digit === DOT - ZERO) {
    const fractionStart = ++q;
    let fraction = 0;
    digit = bytes[q]! - ZERO;
    while (digit >>> 0 <= 9) {
      fraction = fraction * 10 + digit;
      digit = bytes[++q]! - ZERO;
    }
    const k = q - fractionStart;
    digits += k;
    if (k > 0) value = (whole * POWERS_OF_TEN[k]! + fraction) / POWERS_OF_TEN[k]!;
  }
  scanned[STOP] = q;
  scanned[PLAIN] = digits > 0 && digits <= 15 ? 1 : 0;
  return value;
}

/** `booleanAt`'s answer for an empty cell. */
const EMPTY = 2;

/**
 * `true`, `false`, `1` or `0` at `q` exactly, as 1 or 0, or an empty cell, as EMPTY: the
 * column's default, as the general path reads it (success true, cache_hit unknown,
 * fallback_used false; perfsight's own samples.csv.gz leaves cache_hit empty when the
 * workload did not say). `TRUE`, `"true"`, ` 1` and the rest go the general way: NOT_PLAIN.
 * Where it stopped in `scanned[STOP]`.
 */
function booleanAt(bytes: Uint8Array, q: number): number {
  const c = bytes[q]!;
  if (c === COMMA || c === LF || c === CR) {
    scanned[STOP] = q;
    return EMPTY;
  }
  if (c === ONE || c === ZERO) {
    scanned[STOP] = q + 1;
    return c - ZERO;
  }
  if (c === 116 && bytes[q + 1] === 114 && bytes[q + 2] === 117 && bytes[q + 3] === 101) {
    scanned[STOP] = q + 4;
    return 1;
  }
  if (
    c === 102 &&
    bytes[q + 1] === 97 &&
    bytes[q + 2] === 108 &&
    bytes[q + 3] === 115 &&
    bytes[q + 4] === 101
  ) {
    scanned[STOP] = q + 5;
    return 0;
  }
  return NOT_PLAIN;
}

/**
 * The loop of `plainRows`: reads rows into `batch` until it is full or a row is not plain.
 * Nothing else happens per row — no object, nothing recorded — so the loop is small and
 * quickly optimised: a `report` reads each file once, and its first rows run before V8 has
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
      if (kind <= TIMESTAMP) {
        const value = decimalAt(bytes, q);
        if (scanned[PLAIN] === 0) break rows;
        q = scanned[STOP]!;
        if (kind === LATENCY) latencyMs = value;
        // Above MAX_EPOCH_SECONDS, most likely milliseconds: the general path says so.
        else if (value > MAX_EPOCH_SECONDS) break rows;
        else timestampMs = value * 1000;
      } else if (kind !== ERROR_TYPE) {
        const yes = booleanAt(bytes, q);
        if (yes === NOT_PLAIN) break rows;
        q = scanned[STOP]!;
        if (kind === SUCCESS) {
          if (yes === 0) flags &= ~FLAG_SUCCESS;
        } else if (kind === CACHE_HIT) {
          if (yes !== EMPTY) flags |= yes === 1 ? FLAG_CACHE_HIT : FLAG_CACHE_MISS;
        } else if (yes === 1) {
          flags |= FLAG_FALLBACK;
        }
      }
      // The cell ends here: a comma between fields, \n or \r\n after the last.
      const c = bytes[q]!;
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
    batch.length = ++row;
    p = q;
  }
  // Nothing but the return after the loop (see readCommonRows).
  return p;
}

/**
 * `readPlainRows` for the header most files have, `timestamp,latency_ms,success` (what
 * load tools and `perfsight` users write): the same checks, in the same order, without a
 * loop over the fields and a test of each field's kind.
 */
function readCommonRows(
  bytes: Uint8Array,
  from: number,
  lastLineEnd: number,
  batch: PlainBatch,
): number {
  const { latencyMs: latencies, timestampMs: timestamps, flags: flagsOf } = batch;
  const room = flagsOf.length;
  let row = batch.length;
  let p = from;
  while (p < lastLineEnd && row < room) {
    const seconds = decimalAt(bytes, p);
    let q = scanned[STOP]!;
    if (scanned[PLAIN] === 0 || seconds > MAX_EPOCH_SECONDS || bytes[q] !== COMMA) break;
    const latencyMs = decimalAt(bytes, q + 1);
    q = scanned[STOP]!;
    if (scanned[PLAIN] === 0 || bytes[q] !== COMMA) break;
    const yes = booleanAt(bytes, q + 1);
    q = scanned[STOP]!;
    if (yes === NOT_PLAIN) break;
    const c = bytes[q]!;
    if (c === LF) q++;
    else if (c === CR && bytes[q + 1] === LF) q += 2;
    else break;
    latencies[row] = latencyMs;
    timestamps[row] = seconds * 1000;
    flagsOf[row] = yes === 0 ? 0 : FLAG_SUCCESS;
    batch.length = ++row;
    p = q;
  }
  // Nothing but the return after the loop: V8 compiles the loop while its first call runs
  // (on-stack replacement), before anything after it has run, and a property set there
  // would throw each later call out of the compiled code (up to one deopt a batch).
  return p;
}
