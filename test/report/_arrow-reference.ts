/**
 * samples.arrow as perfsight wrote it with apache-arrow before `_arrow-ipc.ts` (the code of
 * report/arrow.ts then, unchanged): the reference the hand-written writer's bytes must equal.
 */
import {
  Bool,
  Dictionary,
  Field,
  Float64,
  Int16,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  makeData,
  type Data,
  type Vector,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import {
  FLAG_CACHE_HIT,
  FLAG_CACHE_MISS,
  FLAG_FALLBACK,
  FLAG_SUCCESS,
  type SampleColumns,
} from '../../src/metrics/index.js';

/** apache-arrow's own IPC file of these columns (`tableToIPC(table, 'file')`). */
export function apacheArrowSamplesBytes(
  chunks: readonly SampleColumns[],
  errorTypes: readonly string[],
  timed: boolean,
): Uint8Array | undefined {
  const table = samplesTable(chunks, errorTypes, timed);
  return table && tableToIPC(table, 'file');
}

function samplesTable(
  chunks: readonly SampleColumns[],
  errorTypes: readonly string[],
  timed: boolean,
): Table | undefined {
  if (chunks.length === 0) return undefined;
  const errorNames: Vector<Utf8> = vectorFromArray([...errorTypes], new Utf8());
  const errorType = new Dictionary(new Utf8(), new Int16(), 0);
  const fields = [
    new Field('timestamp_ms', new Float64(), true),
    new Field('latency_ms', new Float64(), false),
    new Field('success', new Bool(), false),
    new Field('cache_hit', new Bool(), true),
    new Field('fallback_used', new Bool(), false),
    new Field('error_type', errorType, true),
  ];
  const metadata = new Map([
    ['perfsight.samples_version', '1'],
    ['perfsight.timed', String(timed)],
  ]);
  const schema = new Schema(fields, metadata);
  const batches = chunks.map((columns) => {
    const n = columns.length;
    const children = [
      timed
        ? makeData({ type: new Float64(), length: n, data: columns.timestampMs })
        : makeData({
            type: new Float64(),
            length: n,
            nullCount: n,
            nullBitmap: new Uint8Array(bitmapBytes(n)),
            data: new Float64Array(n),
          }),
      makeData({ type: new Float64(), length: n, data: columns.latencyMs }),
      makeData({ type: new Bool(), length: n, data: bits(columns, FLAG_SUCCESS) }),
      makeData({
        type: new Bool(),
        length: n,
        nullCount: n - count(columns, FLAG_CACHE_HIT | FLAG_CACHE_MISS),
        nullBitmap: bits(columns, FLAG_CACHE_HIT | FLAG_CACHE_MISS),
        data: bits(columns, FLAG_CACHE_HIT),
      }),
      makeData({ type: new Bool(), length: n, data: bits(columns, FLAG_FALLBACK) }),
      errorTypeData(columns, errorType, errorNames),
    ];
    const struct = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
    return new RecordBatch(schema, struct);
  });
  return new Table(schema, batches);
}

function errorTypeData(
  columns: SampleColumns,
  type: Dictionary<Utf8, Int16>,
  names: Vector<Utf8>,
): Data<Dictionary<Utf8, Int16>> {
  const n = columns.length;
  const codes = columns.errorCode;
  // Codes stay far below 2^15 (error types are capped), so int16 holds them as they are.
  const indices = new Int16Array(codes.buffer, codes.byteOffset, n);
  const valid = new Uint8Array(bitmapBytes(n));
  let present = 0;
  for (let i = 0; i < n; i++) {
    if (codes[i] !== 0) {
      valid[i >> 3]! |= 1 << (i & 7);
      present++;
    }
  }
  return makeData({
    type,
    length: n,
    nullCount: n - present,
    nullBitmap: valid,
    data: indices,
    dictionary: names,
  });
}

const bitmapBytes = (n: number) => Math.ceil(n / 64) * 8;

/** A bitmap (Arrow's LSB order) of the samples with any of `mask`'s flags. */
function bits(columns: SampleColumns, mask: number): Uint8Array {
  const flags = columns.flags;
  const out = new Uint8Array(bitmapBytes(columns.length));
  for (let i = 0; i < columns.length; i++) {
    if ((flags[i]! & mask) !== 0) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

function count(columns: SampleColumns, mask: number): number {
  let n = 0;
  for (let i = 0; i < columns.length; i++) if ((columns.flags[i]! & mask) !== 0) n++;
  return n;
}
