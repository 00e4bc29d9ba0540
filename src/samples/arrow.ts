/**
 * Reading `samples.arrow`, the columnar copy of a run's samples in its report folder (written
 * by report/arrow.ts): every column straight from its buffers, no text parsed, no object per
 * sample. `merge` replays the samples, `compare` takes the successful latencies. A file that
 * is not what perfsight writes — truncated, another format, a missing or mistyped column, a
 * latency that is not a finite number ≥ 0 — is an InputError naming the file (and the row).
 * Apache Arrow is loaded only when such a file is read.
 */
import { readFile } from 'node:fs/promises';
import type { Data, Table, Type } from 'apache-arrow';
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
    const table = arrow.tableFromIPC(bytes);
    // Eight bytes of latency a row at least: a damaged row count must not allocate gigabytes.
    if (table.numRows * 8 > bytes.length) throw InputError.at(path, undefined, INVALID);
    return columnsOf(table, path, arrow.Type);
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
    for (let i = 0; i < n; i++) {
      const value = values[i]!;
      if (!(value >= 0 && value < Infinity)) {
        fail(`${at(i)}latency_ms ${value} is not a finite number ≥ 0`);
      }
    }
    out.latencyMs.set(values, row);

    const timestamps = child(timestampAt);
    // Every row has a timestamp or none has: the first row decides, as in the CSV.
    const untimedHere = timestamps === undefined ? n : countNulls(timestamps, n);
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
      for (let i = 0; i < n; i++) {
        const time = times[i]!;
        if (!(time >= 0 && time < Infinity)) {
          fail(`${at(i)}timestamp_ms ${time} is not a time (epoch ms, finite, ≥ 0)`);
        }
      }
      out.timestampMs.set(times, row);
    }

    const flags = out.flags.subarray(row, row + n);
    const required = (data: Data | undefined, name: string, flag: number, byDefault: boolean) => {
      if (data === undefined) {
        // No column: every row has the default (success: true; fallback_used: false).
        if (byDefault) for (let i = 0; i < n; i++) flags[i]! |= flag;
        return;
      }
      const missingAt = firstNull(data, n);
      if (missingAt >= 0) fail(`${at(missingAt)}${name} is missing`);
      setFlags(flags, data, n, flag);
    };
    required(child(successAt), 'success', FLAG_SUCCESS, true);
    required(child(fallbackAt), 'fallback_used', FLAG_FALLBACK, false);
    const cache = child(cacheAt);
    if (cache) {
      // Known (not null): a hit or a miss; null: the workload did not say.
      const hits = new Uint8Array(n);
      setFlags(hits, cache, n, FLAG_CACHE_HIT);
      for (let i = 0; i < n; i++) {
        if (!isNull(cache, i)) flags[i]! |= hits[i]! === 0 ? FLAG_CACHE_MISS : FLAG_CACHE_HIT;
      }
    }

    const errors = child(errorAt);
    if (errors) {
      const codes = out.errorCode.subarray(row, row + n);
      if (errors.dictionary) {
        const names = [...errors.dictionary].map((name) => codeOf(name as string | null));
        const indices = errors.values as ArrayLike<number | bigint>;
        if (indices.length - errors.offset < n) fail(INVALID);
        for (let i = 0; i < n; i++) {
          if (isNull(errors, i)) continue;
          const index = Number(indices[errors.offset + i]!);
          codes[i] =
            names[index] ?? fail(`${at(i)}error_type index ${index} is not in its dictionary`);
        }
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

function isNull(data: Data, i: number): boolean {
  const bitmap = data.nullBitmap as Uint8Array | undefined;
  if (!bitmap || bitmap.length === 0) return false;
  const bit = data.offset + i;
  return (bitmap[bit >> 3]! & (1 << (bit & 7))) === 0;
}

function countNulls(data: Data, n: number): number {
  if (!data.nullBitmap || data.nullBitmap.length === 0) return 0;
  let nulls = 0;
  for (let i = 0; i < n; i++) if (isNull(data, i)) nulls++;
  return nulls;
}

function firstNull(data: Data, n: number): number {
  if (!data.nullBitmap || data.nullBitmap.length === 0) return -1;
  for (let i = 0; i < n; i++) if (isNull(data, i)) return i;
  return -1;
}

/** ORs `flag` into the rows whose bit is set in a boolean column. */
function setFlags(flags: Uint8Array, data: Data, n: number, flag: number): void {
  const bits = data.values as Uint8Array;
  if (bits.length * 8 < data.offset + n) throw new RangeError('short boolean column');
  for (let i = 0; i < n; i++) {
    const bit = data.offset + i;
    if ((bits[bit >> 3]! & (1 << (bit & 7))) !== 0) flags[i]! |= flag;
  }
}

const INVALID = 'is not a valid Arrow IPC file (truncated or corrupt?)';
const NOT_A_FILE = 'is a directory, not a samples file';
