/**
 * Reading `samples.arrow`, the columnar copy of a run's samples in its report folder (written
 * by report/arrow.ts): every column straight from its buffers, no text parsed, no object per
 * sample. `merge` replays the samples, `compare` takes the successful latencies. A file that
 * is not what perfsight writes — truncated, another format, a missing or mistyped column, a
 * latency that is not a finite number ≥ 0 — is an InputError naming the file (and the row).
 * Apache Arrow is loaded only when such a file is read.
 */
import { readFile } from 'node:fs/promises';
import type { Data, RecordBatch, Table, Type } from 'apache-arrow';
import { InputError } from '../errors.js';
import { FLAG_CACHE_HIT, FLAG_CACHE_MISS, FLAG_FALLBACK, FLAG_SUCCESS } from '../metrics/index.js';
import { emptyTable, type SampleTable } from './_table.js';

const MAGIC = 'ARROW1';

/** The latencies (ms) of the successful samples in an Arrow samples file, ascending. */
export async function readSuccessfulLatencies(path: string): Promise<Float64Array> {
  const table = await readSamplesArrow(path);
  let n = 0;
  for (let i = 0; i < table.length; i++) if ((table.flags[i]! & FLAG_SUCCESS) !== 0) n++;
  const latencies = new Float64Array(n);
  n = 0;
  for (let i = 0; i < table.length; i++) {
    if ((table.flags[i]! & FLAG_SUCCESS) !== 0) latencies[n++] = table.latencyMs[i]!;
  }
  return latencies.sort();
}

/**
 * Every sample of an Arrow samples file, as the recorder took it: the same flags, error
 * types and times as reading the run's samples.csv.gz gives (the CSV's rules: only
 * `latency_ms` is required; no `success` is success, no `fallback_used` is false; a null
 * `cache_hit` is unknown; every row has a timestamp or none has).
 */
export async function readSamplesArrow(path: string): Promise<SampleTable> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw InputError.at(path, undefined, code === 'EISDIR' ? NOT_A_FILE : 'cannot read the file');
  }
  if (
    bytes.length < 2 * MAGIC.length ||
    bytes.toString('latin1', 0, MAGIC.length) !== MAGIC ||
    bytes.toString('latin1', bytes.length - MAGIC.length) !== MAGIC
  ) {
    throw InputError.at(path, undefined, INVALID);
  }
  const arrow = await import('apache-arrow');
  try {
    // Batch by batch through the footer, each message checked to be a record batch:
    // tableFromIPC loops forever on a file whose batch message has another type.
    const reader = arrow.RecordBatchReader.from(bytes);
    if (!reader.isFile()) throw InputError.at(path, undefined, INVALID);
    reader.open();
    const batches: RecordBatch[] = [];
    let rows = 0;
    for (let i = 0; i < reader.numRecordBatches; i++) {
      const batch = reader.readRecordBatch(i);
      rows += batch?.numRows ?? 0;
      // Eight bytes of latency a row at least: a damaged row count must not allocate gigabytes.
      if (!batch || rows * 8 > bytes.length) throw InputError.at(path, undefined, INVALID);
      batches.push(batch);
    }
    return columnsOf(new arrow.Table(reader.schema, batches), path, arrow.Type);
  } catch (error) {
    // Damaged bytes can fail anywhere inside Apache Arrow (a RangeError, a TypeError…).
    if (error instanceof InputError) throw error;
    throw InputError.at(path, undefined, INVALID);
  }
}

function columnsOf(table: Table, path: string, types: typeof Type): SampleTable {
  const fail = (problem: string): never => {
    throw InputError.at(path, undefined, problem);
  };
  const fieldAt = (name: string) => table.schema.fields.findIndex((f) => f.name === name);
  const typeOf = (at: number) => table.schema.fields[at]?.type;
  const latencyAt = fieldAt('latency_ms');
  if (typeOf(latencyAt)?.typeId !== types.Float || typeOf(latencyAt).precision !== 2) {
    fail('has no float64 latency_ms column');
  }
  const timestampAt = fieldAt('timestamp_ms');
  if (
    timestampAt >= 0 &&
    (typeOf(timestampAt).typeId !== types.Float || typeOf(timestampAt).precision !== 2)
  ) {
    fail('its timestamp_ms column is not of float64');
  }
  const boolAt = (name: string) => {
    const at = fieldAt(name);
    if (at >= 0 && typeOf(at).typeId !== types.Bool) fail(`its ${name} column is not of booleans`);
    return at;
  };
  const successAt = boolAt('success');
  const cacheAt = boolAt('cache_hit');
  const fallbackAt = boolAt('fallback_used');
  const errorAt = fieldAt('error_type');
  const errorType = typeOf(errorAt);
  if (
    errorAt >= 0 &&
    !(errorType.typeId === types.Dictionary && errorType.dictionary.typeId === types.Utf8) &&
    errorType.typeId !== types.Utf8
  ) {
    fail('its error_type column is neither of strings nor a dictionary of strings');
  }

  const errorTypes = [''];
  const errorCodes = new Map<string, number>([['', 0]]);
  const codeOf = (name: string | null | undefined) => {
    if (!name) return 0;
    let code = errorCodes.get(name);
    if (code === undefined) {
      if (errorTypes.length > 0xffff) fail('has more than 65,535 error types');
      code = errorTypes.push(name) - 1;
      errorCodes.set(name, code);
    }
    return code;
  };
  let timed: boolean | undefined;
  const out = emptyTable(table.numRows, false, errorTypes);
  let row = 0;
  for (const batch of table.batches) {
    const n = batch.numRows;
    const child = (at: number): Data | undefined => (at >= 0 ? batch.data.children[at] : undefined);
    const at = (i: number) => `row ${row + i + 1}: `;

    const latency = child(latencyAt)!;
    const values = floats(latency, n, fail);
    const missing = firstNull(latency, n);
    if (missing >= 0) fail(`${at(missing)}latency_ms is missing`);
    const bad = firstNotTime(values);
    if (bad >= 0) fail(`${at(bad)}latency_ms ${values[bad]} is not a finite number ≥ 0`);
    out.latencyMs.set(values, row);

    const timestamps = child(timestampAt);
    // Every row has a timestamp or none has: the first row decides, as in the CSV.
    const untimedHere = timestamps === undefined ? n : timestamps.nullCount;
    if (n > 0) {
      const here = untimedHere === 0 ? true : untimedHere === n ? false : undefined;
      if (here === undefined || (timed !== undefined && here !== timed)) {
        const first = timed ?? !isNull(timestamps!, 0);
        let i = 0;
        while (i < n && isNull(timestamps!, i) !== first) i++;
        fail(
          `${at(i)}${first ? 'timestamp_ms is missing' : 'timestamp_ms given here but not on earlier rows'}`,
        );
      }
      timed = here;
    }
    if (timed && timestamps) {
      const times = floats(timestamps, n, fail);
      const wrong = firstNotTime(times);
      if (wrong >= 0) {
        fail(`${at(wrong)}timestamp_ms ${times[wrong]} is not a time (epoch ms, finite, ≥ 0)`);
      }
      out.timestampMs.set(times, row);
    }

    const flags = out.flags.subarray(row, row + n);
    const success = child(successAt);
    // No success column: every call succeeded; no fallback_used: none was the fallback's.
    if (success === undefined) flags.fill(FLAG_SUCCESS);
    for (const [data, name, flag] of [
      [success, 'success', FLAG_SUCCESS],
      [child(fallbackAt), 'fallback_used', FLAG_FALLBACK],
    ] as const) {
      if (data === undefined) continue;
      const missingAt = firstNull(data, n);
      if (missingAt >= 0) fail(`${at(missingAt)}${name} is missing`);
      orBits(flags, bitsOf(data, n), data.offset, flag);
    }
    const cache = child(cacheAt);
    // Known (not null): a hit or a miss; null: the workload did not say.
    if (cache && cache.nullCount < n) cacheFlags(flags, cache, bitsOf(cache, n));

    const errors = child(errorAt);
    if (errors && errors.nullCount < n) {
      const codes = out.errorCode.subarray(row, row + n);
      if (errors.dictionary) {
        const names = Int32Array.from(errors.dictionary, (name) => codeOf(name as string | null));
        const bad = dictionaryCodes(codes, errors, names);
        if (bad >= 0) fail(`${at(bad)}error_type is not in its dictionary`);
      } else {
        const vector = batch.getChildAt(errorAt)!;
        for (let i = 0; i < n; i++) codes[i] = codeOf(vector.get(i) as string | null);
      }
    }
    row += n;
  }
  out.timed = timed === true;
  return out;
}

/** A float64 column's values for this batch, checked to be all there. */
function floats(data: Data, n: number, fail: (problem: string) => never): Float64Array {
  const values = data.values as Float64Array;
  if (!(values instanceof Float64Array) || values.length - data.offset < n) fail(INVALID);
  return values.subarray(data.offset, data.offset + n);
}

/** The first value that is not a finite number ≥ 0, or -1. */
function firstNotTime(values: Float64Array): number {
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!(value >= 0 && value < Infinity)) return i;
  }
  return -1;
}

/** A boolean column's bits (Arrow's LSB order, from bit `data.offset`), checked long enough. */
function bitsOf(data: Data, n: number): Uint8Array {
  const bits = data.values as Uint8Array;
  if (!(bits instanceof Uint8Array) || bits.length * 8 < data.offset + n) {
    throw new RangeError('a boolean column shorter than its batch');
  }
  return bits;
}

function isNull(data: Data, i: number): boolean {
  const bitmap = data.nullBitmap as Uint8Array | undefined;
  if (!bitmap || bitmap.length === 0) return false;
  const bit = data.offset + i;
  return (bitmap[bit >> 3]! & (1 << (bit & 7))) === 0;
}

function firstNull(data: Data, n: number): number {
  if (data.nullCount === 0) return -1;
  for (let i = 0; i < n; i++) if (isNull(data, i)) return i;
  return -1;
}

/** ORs `flag` into the rows whose bit is set. */
function orBits(flags: Uint8Array, bits: Uint8Array, offset: number, flag: number): void {
  for (let i = 0; i < flags.length; i++) {
    const bit = offset + i;
    if ((bits[bit >> 3]! & (1 << (bit & 7))) !== 0) flags[i]! |= flag;
  }
}

/** A hit or a miss for each row whose cache_hit is not null. */
function cacheFlags(flags: Uint8Array, cache: Data, bits: Uint8Array): void {
  const offset = cache.offset;
  const valid = cache.nullBitmap as Uint8Array | undefined;
  const allValid = !valid || valid.length === 0;
  if (!allValid && valid.length * 8 < offset + flags.length) {
    throw new RangeError('a validity bitmap shorter than its batch');
  }
  for (let i = 0; i < flags.length; i++) {
    const bit = offset + i;
    const mask = 1 << (bit & 7);
    if (allValid || (valid[bit >> 3]! & mask) !== 0) {
      flags[i]! |= (bits[bit >> 3]! & mask) !== 0 ? FLAG_CACHE_HIT : FLAG_CACHE_MISS;
    }
  }
}

/**
 * Each non-null row's error code, through its dictionary index (`names`: index → code).
 * Returns the first row whose index is outside the dictionary, or -1.
 */
function dictionaryCodes(codes: Uint16Array, errors: Data, names: Int32Array): number {
  const raw = errors.values as ArrayLike<number> | BigInt64Array | BigUint64Array;
  const indices =
    raw instanceof BigInt64Array || raw instanceof BigUint64Array
      ? Float64Array.from(raw, Number)
      : raw;
  const offset = errors.offset;
  if (indices.length - offset < codes.length) throw new RangeError('short dictionary indices');
  const valid = errors.nullBitmap as Uint8Array | undefined;
  const allValid = !valid || valid.length === 0;
  for (let i = 0; i < codes.length; i++) {
    const bit = offset + i;
    if (!allValid && (valid[bit >> 3]! & (1 << (bit & 7))) === 0) continue;
    const index = indices[offset + i]!;
    if (!(index >= 0 && index < names.length)) return i;
    codes[i] = names[index]!;
  }
  return -1;
}

const INVALID = 'is not a valid Arrow IPC file (truncated or corrupt?)';
const NOT_A_FILE = 'is a directory, not a samples file';
