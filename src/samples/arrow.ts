/**
 * Reading `samples.arrow`, the columnar copy of a run's samples in its report folder (written
 * by report/arrow.ts): the successful latencies straight from the Float64 column, no text
 * parsed. A file that is not what perfsight writes — truncated, another format, a missing or
 * mistyped column, a latency that is not a finite number ≥ 0 — is an InputError naming the
 * file (and the row). Apache Arrow is loaded only when such a file is read.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';

const MAGIC = 'ARROW1';

/** The latencies (ms) of the successful samples in an Arrow samples file, ascending. */
export async function readSuccessfulLatencies(path: string): Promise<Float64Array> {
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
  const { tableFromIPC, Type } = await import('apache-arrow');
  let table;
  try {
    table = tableFromIPC(bytes);
  } catch {
    throw InputError.at(path, undefined, INVALID);
  }
  const latencyField = table.schema.fields.find((field) => field.name === 'latency_ms');
  const successField = table.schema.fields.find((field) => field.name === 'success');
  if (latencyField?.typeId !== Type.Float || latencyField.type.precision !== 2) {
    throw InputError.at(path, undefined, 'has no float64 latency_ms column');
  }
  if (successField !== undefined && successField.typeId !== Type.Bool) {
    throw InputError.at(path, undefined, 'its success column is not of booleans');
  }
  const kept: Float64Array[] = [];
  let total = 0;
  let row = 0;
  for (const batch of table.batches) {
    const latency = batch.getChild('latency_ms')!.data[0]!;
    const success = successField ? batch.getChild('success')!.data[0] : undefined;
    if (latency.nullCount > 0 || (success?.nullCount ?? 0) > 0) {
      throw InputError.at(path, undefined, 'has missing latency_ms or success values');
    }
    const values = latency.values as Float64Array;
    const bits = success?.values as Uint8Array | undefined;
    const bitOffset = success?.offset ?? 0;
    const out = new Float64Array(batch.numRows);
    let n = 0;
    for (let i = 0; i < batch.numRows; i++) {
      const value = values[latency.offset + i]!;
      if (!(value >= 0 && value < Infinity)) {
        throw InputError.at(
          path,
          undefined,
          `row ${row + i + 1}: latency_ms ${value} is not a finite number ≥ 0`,
        );
      }
      const bit = bitOffset + i;
      if (bits === undefined || (bits[bit >> 3]! & (1 << (bit & 7))) !== 0) out[n++] = value;
    }
    row += batch.numRows;
    kept.push(out.subarray(0, n));
    total += n;
  }
  const latencies = new Float64Array(total);
  let at = 0;
  for (const part of kept) {
    latencies.set(part, at);
    at += part.length;
  }
  return latencies.sort();
}

const INVALID = 'is not a valid Arrow IPC file (truncated or corrupt?)';
const NOT_A_FILE = 'is a directory, not a samples file';
