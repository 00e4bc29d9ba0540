/**
 * `samples.arrow`: every sample of a run as Apache Arrow IPC (the file format, also known as
 * Feather v2), so `compare` — and pandas, polars, DuckDB or R — read the columns without
 * parsing text. One record batch per 65,536 samples, written from the recorder's own typed
 * arrays: the figures are the very doubles perfsight holds, not their decimal text.
 * `samples.csv.gz` stays beside it for people and for `perfsight report`.
 *
 * Columns (the names of the raw-sample format, in the units perfsight records):
 * `timestamp_ms` float64 (epoch ms the call ended; null when the run is untimed),
 * `latency_ms` float64, `success` bool, `cache_hit` bool (null: unknown), `fallback_used`
 * bool, `error_type` dictionary<int16, utf8> (null: none). Schema metadata:
 * `perfsight.samples_version` = "1", `perfsight.timed` = "true" | "false".
 */
import {
  Bool,
  Dictionary,
  Field,
  Float64,
  Int16,
  RecordBatch,
  RecordBatchFileWriter,
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
  type RecordedRun,
  type SampleColumns,
} from '../metrics/index.js';

/** The Arrow IPC file of a run's samples; undefined when the run kept none. */
export function renderSamplesArrow(recorded: RecordedRun): Uint8Array | undefined {
  return samplesArrowBytes(
    recorded.samples?.chunkColumns() ?? [],
    recorded.errorTypes,
    recorded.metrics.requestsPerSecond !== null,
  );
}

/** The Arrow IPC file from the recorder's columns (what the samples worker is given). */
export function samplesArrowBytes(
  chunks: readonly SampleColumns[],
  errorTypes: readonly string[],
  timed: boolean,
): Uint8Array | undefined {
  const table = samplesTable(chunks, errorTypes, timed);
  return table && tableToIPC(table, 'file');
}

/**
 * `samplesArrowBytes` as the pieces the IPC writer makes (most of them views of the columns
 * themselves), not joined: joining is a copy of the whole file (19 MB for 1 M samples).
 * Written one after the other they are the same bytes.
 */
export async function samplesArrowParts(
  chunks: readonly SampleColumns[],
  errorTypes: readonly string[],
  timed: boolean,
): Promise<Uint8Array[] | undefined> {
  const table = samplesTable(chunks, errorTypes, timed);
  if (!table) return undefined;
  const parts: Uint8Array[] = [];
  for await (const part of RecordBatchFileWriter.writeAll(table)) parts.push(part);
  return parts;
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
