/**
 * samples.arrow written by hand: the Arrow IPC file format for perfsight's one fixed schema
 * (see `arrow.ts`), without apache-arrow. Loading apache-arrow costs 135–160 ms of CPU, three
 * times what writing the 1 M-sample file takes, and on `perfsight report` it was the samples
 * worker's longest step while the main thread waited for it. Without it, a 1 M-row `report`
 * takes 0.87–0.92× the time (whole processes, medians of 9 alternating runs; README).
 *
 * The bytes are exactly apache-arrow's `tableToIPC(table, 'file')` for the same table — the
 * flatbuffers below are laid out as its `flatbuffers` Builder lays them out (built back to
 * front, vtables shared, fields added in apache-arrow's order, default values left out) —
 * and test/report/arrow-ipc.test.ts pins them to apache-arrow's output.
 *
 * File: magic, padding; the error-type dictionary batch; one record batch per chunk; an
 * end-of-stream marker, the footer (schema and the blocks that locate every batch), its
 * length, magic. Every message is a continuation marker, its length, a flatbuffer padded to
 * 8 bytes, then its body: the buffers, each padded to 8.
 */
// The flags from their own module (see csv.ts): the samples worker loads this file.
import { FLAG_CACHE_HIT, FLAG_CACHE_MISS, FLAG_FALLBACK, FLAG_SUCCESS } from '../metrics/flags.js';
import type { SampleColumns } from '../metrics/index.js';
import { FlatBuilder } from './_flatbuffers.js';

const MAGIC = new TextEncoder().encode('ARROW1');
const METADATA_V5 = 4;
const HEADER_DICTIONARY_BATCH = 2;
const HEADER_RECORD_BATCH = 3;
const TYPE_FLOAT = 3;
const TYPE_UTF8 = 5;
const TYPE_BOOL = 6;
const PRECISION_DOUBLE = 2;

/** Where a message sits in the file, for the footer. */
interface Block {
  offset: number;
  metaDataLength: number;
  bodyLength: number;
}

/** A buffer's length and null count in a batch. */
interface FieldNode {
  length: number;
  nullCount: number;
}

/** The Arrow IPC file of these chunks, as pieces written one after the other. */
export function samplesIpcParts(
  chunks: readonly SampleColumns[],
  errorTypes: readonly string[],
  timed: boolean,
): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let position = 0;
  const write = (bytes: Uint8Array) => {
    if (bytes.byteLength === 0) return;
    parts.push(bytes);
    position += bytes.byteLength;
  };
  const dictionaries: Block[] = [];
  const recordBatches: Block[] = [];
  const writeMessage = (
    blocks: Block[],
    header: Uint8Array,
    body: readonly Uint8Array[],
    bodyLength: number,
  ) => {
    const alignedSize = (header.byteLength + 8 + 7) & ~7;
    blocks.push({ offset: position, metaDataLength: alignedSize, bodyLength });
    write(int32s(-1, alignedSize - 8));
    write(header);
    write(new Uint8Array(alignedSize - 8 - header.byteLength));
    for (const buffer of body) {
      write(buffer);
      write(new Uint8Array(padding(buffer.byteLength)));
    }
  };

  write(MAGIC);
  write(new Uint8Array(2));
  const dictionary = dictionaryBody(errorTypes);
  writeMessage(
    dictionaries,
    dictionaryMessage(errorTypes.length, dictionary.nodes, dictionary.buffers),
    dictionary.buffers,
    bodyLength(dictionary.buffers),
  );
  for (const columns of chunks) {
    const batch = batchBody(columns, timed);
    const length = bodyLength(batch.buffers);
    writeMessage(
      recordBatches,
      recordBatchMessage(columns.length, batch.nodes, batch.buffers, length),
      batch.buffers,
      length,
    );
  }
  write(int32s(-1, 0));
  const footer = footerBytes(timed, recordBatches, dictionaries);
  write(footer);
  write(int32s(footer.byteLength));
  write(MAGIC);
  return parts;
}

const int32s = (...values: number[]) => new Uint8Array(Int32Array.from(values).buffer);
const padding = (n: number) => ((n + 7) & ~7) - n;
const bodyLength = (buffers: readonly Uint8Array[]) =>
  buffers.reduce((sum, buffer) => sum + buffer.byteLength + padding(buffer.byteLength), 0);
const bytesOf = (array: Float64Array | Uint16Array, n: number) =>
  new Uint8Array(array.buffer, array.byteOffset, n * array.BYTES_PER_ELEMENT);
const EMPTY = new Uint8Array(0);

/** The error-type names: a utf8 column (no validity, offsets, bytes). */
function dictionaryBody(errorTypes: readonly string[]) {
  const encoder = new TextEncoder();
  const encoded = errorTypes.map((name) => encoder.encode(name));
  const offsets = new Int32Array(encoded.length + 1);
  const bytes = new Uint8Array(encoded.reduce((sum, name) => sum + name.byteLength, 0));
  let end = 0;
  encoded.forEach((name, i) => {
    bytes.set(name, end);
    end += name.byteLength;
    offsets[i + 1] = end;
  });
  const nodes: FieldNode[] = [{ length: encoded.length, nullCount: 0 }];
  return { nodes, buffers: [EMPTY, new Uint8Array(offsets.buffer), bytes] };
}

/** A chunk's six columns: their nodes and buffers (validity, values) in schema order. */
function batchBody(columns: SampleColumns, timed: boolean) {
  const n = columns.length;
  const nodes: FieldNode[] = [];
  const buffers: Uint8Array[] = [];
  const column = (nullCount: number, validity: Uint8Array, values: Uint8Array) => {
    nodes.push({ length: n, nullCount });
    buffers.push(nullCount > 0 ? validity : EMPTY, values);
  };
  const bitmaps = flagBitmaps(columns);
  if (timed) column(0, EMPTY, bytesOf(columns.timestampMs, n));
  else column(n, new Uint8Array(bitmapBytes(n)), new Uint8Array(n * 8));
  column(0, EMPTY, bytesOf(columns.latencyMs, n));
  column(0, EMPTY, bitmaps.success);
  const cacheNulls = n - bitmaps.cacheKnownCount;
  column(
    cacheNulls,
    bitmaps.cacheKnown,
    cacheNulls >= n ? new Uint8Array(bitmapBytes(n)) : bitmaps.cacheHit,
  );
  column(0, EMPTY, bitmaps.fallback);
  column(n - bitmaps.errorCount, bitmaps.error, bytesOf(columns.errorCode, n));
  return { nodes, buffers };
}

const bitmapBytes = (n: number) => Math.ceil(n / 64) * 8;

/**
 * The bits a sample's flags set in the success, cache-known, cache-hit and fallback bitmaps,
 * by flags value: bit 0, 8, 16 and 24 — so eight samples' bits, each shifted by its place,
 * or together into one word holding a byte of each bitmap.
 */
const FLAG_BITS = Int32Array.from({ length: 16 }, (_, flag) => {
  const known = (flag & (FLAG_CACHE_HIT | FLAG_CACHE_MISS)) !== 0;
  return (
    (flag & FLAG_SUCCESS ? 1 : 0) |
    (known ? 1 << 8 : 0) |
    (flag & FLAG_CACHE_HIT ? 1 << 16 : 0) |
    (flag & FLAG_FALLBACK ? 1 << 24 : 0)
  );
});

/** How many bits each byte has set. */
const ONES = Uint8Array.from({ length: 256 }, (_, byte) => {
  let n = 0;
  for (let b = byte; b !== 0; b &= b - 1) n++;
  return n;
});

/**
 * The chunk's bitmaps (Arrow's LSB order, zero-padded to 8 bytes) — success, cache answer
 * known, cache hit, fallback (from the flags) and error (a non-zero error code) — and how many
 * samples have a known cache answer and an error, in one pass over the chunk, eight samples
 * (a byte of each bitmap) at a time. A bitmap a pass, each bit or-ed into its byte apart, and
 * a count of the bits after, took five passes over every 65,536 samples.
 */
function flagBitmaps(columns: SampleColumns) {
  const n = columns.length;
  const flags = columns.flags;
  const codes = columns.errorCode;
  const bytes = bitmapBytes(n);
  const success = new Uint8Array(bytes);
  const cacheKnown = new Uint8Array(bytes);
  const cacheHit = new Uint8Array(bytes);
  const fallback = new Uint8Array(bytes);
  const error = new Uint8Array(bytes);
  let cacheKnownCount = 0;
  let errorCount = 0;
  for (let at = 0; at < n; at += 8) {
    const end = Math.min(n, at + 8);
    let word = 0;
    let errors = 0;
    for (let i = at; i < end; i++) {
      word |= FLAG_BITS[flags[i]! & 15]! << (i - at);
      errors |= (codes[i] !== 0 ? 1 : 0) << (i - at);
    }
    const byte = at >> 3;
    success[byte] = word;
    cacheKnown[byte] = word >>> 8;
    cacheHit[byte] = word >>> 16;
    fallback[byte] = word >>> 24;
    error[byte] = errors;
    cacheKnownCount += ONES[(word >>> 8) & 0xff]!;
    errorCount += ONES[errors]!;
  }
  return { success, cacheKnown, cacheHit, fallback, error, cacheKnownCount, errorCount };
}

// ---- Flatbuffers, as apache-arrow's ipc/metadata encoders build them ----

function recordBatchTable(
  b: FlatBuilder,
  length: number,
  nodes: readonly FieldNode[],
  buffers: readonly Uint8Array[],
): number {
  b.startVector(16, nodes.length, 8);
  for (let i = nodes.length - 1; i >= 0; i--) {
    b.prep(8, 16);
    b.writeInt64(nodes[i]!.nullCount);
    b.writeInt64(nodes[i]!.length);
  }
  const nodesVector = b.endVector();
  const regions: { offset: number; length: number }[] = [];
  let offset = 0;
  for (const buffer of buffers) {
    const rounded = buffer.byteLength + padding(buffer.byteLength);
    regions.push({ offset, length: rounded });
    offset += rounded;
  }
  b.startVector(16, regions.length, 8);
  for (let i = regions.length - 1; i >= 0; i--) {
    b.prep(8, 16);
    b.writeInt64(regions[i]!.length);
    b.writeInt64(regions[i]!.offset);
  }
  const buffersVector = b.endVector();
  b.startObject(5);
  b.addFieldInt64(0, length);
  b.addFieldOffset(1, nodesVector);
  b.addFieldOffset(2, buffersVector);
  return b.endObject();
}

function message(b: FlatBuilder, headerType: number, header: number, bodyLength: number) {
  b.startObject(5);
  b.addFieldInt16(0, METADATA_V5);
  b.addFieldOffset(2, header);
  b.addFieldInt8(1, headerType);
  b.addFieldInt64(3, bodyLength);
  b.finish(b.endObject());
  return b.bytes();
}

function dictionaryMessage(
  length: number,
  nodes: readonly FieldNode[],
  buffers: readonly Uint8Array[],
): Uint8Array {
  const b = new FlatBuilder();
  const data = recordBatchTable(b, length, nodes, buffers);
  b.startObject(3);
  b.addFieldInt64(0, 0); // id 0: the schema's one dictionary
  b.addFieldInt8(2, 0); // not a delta
  b.addFieldOffset(1, data);
  return message(b, HEADER_DICTIONARY_BATCH, b.endObject(), bodyLength(buffers));
}

function recordBatchMessage(
  length: number,
  nodes: readonly FieldNode[],
  buffers: readonly Uint8Array[],
  bodyBytes: number,
): Uint8Array {
  const b = new FlatBuilder();
  return message(b, HEADER_RECORD_BATCH, recordBatchTable(b, length, nodes, buffers), bodyBytes);
}

function footerBytes(
  timed: boolean,
  recordBatches: readonly Block[],
  dictionaries: readonly Block[],
): Uint8Array {
  const b = new FlatBuilder();
  const schema = schemaTable(b, timed);
  const blocks = (list: readonly Block[]) => {
    b.startVector(24, list.length, 8);
    for (let i = list.length - 1; i >= 0; i--) {
      const block = list[i]!;
      b.prep(8, 24);
      b.writeInt64(block.bodyLength);
      b.pad(4);
      b.writeInt32(block.metaDataLength);
      b.writeInt64(block.offset);
    }
    return b.endVector();
  };
  const recordBatchesVector = blocks(recordBatches);
  const dictionariesVector = blocks(dictionaries);
  b.startObject(5);
  b.addFieldOffset(1, schema);
  b.addFieldInt16(0, METADATA_V5);
  b.addFieldOffset(3, recordBatchesVector);
  b.addFieldOffset(2, dictionariesVector);
  b.finish(b.endObject());
  return b.bytes();
}

type FieldType = 'float64' | 'bool' | 'dictionary';

const FIELDS: readonly [name: string, type: FieldType, nullable: boolean][] = [
  ['timestamp_ms', 'float64', true],
  ['latency_ms', 'float64', false],
  ['success', 'bool', false],
  ['cache_hit', 'bool', true],
  ['fallback_used', 'bool', false],
  ['error_type', 'dictionary', true],
];

function schemaTable(b: FlatBuilder, timed: boolean): number {
  const fields = FIELDS.map(([name, type, nullable]) => fieldTable(b, name, type, nullable));
  b.startVector(4, fields.length, 4);
  const fieldsVector = offsetVector(b, fields);
  const metadata = [
    ['perfsight.samples_version', '1'],
    ['perfsight.timed', String(timed)],
  ].map(([key, value]) => {
    const keyString = b.createString(key!);
    const valueString = b.createString(value!);
    b.startObject(2);
    b.addFieldOffset(0, keyString);
    b.addFieldOffset(1, valueString);
    return b.endObject();
  });
  const metadataVector = offsetVector(b, metadata);
  b.startObject(4);
  b.addFieldOffset(1, fieldsVector);
  b.addFieldInt16(0, 0); // little-endian, the default
  b.addFieldOffset(2, metadataVector);
  return b.endObject();
}

function offsetVector(b: FlatBuilder, offsets: readonly number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}

function fieldTable(b: FlatBuilder, name: string, type: FieldType, nullable: boolean): number {
  let typeId: number;
  let typeOffset: number;
  let dictionary = 0;
  if (type === 'float64') {
    typeId = TYPE_FLOAT;
    b.startObject(1);
    b.addFieldInt16(0, PRECISION_DOUBLE);
    typeOffset = b.endObject();
  } else if (type === 'bool') {
    typeId = TYPE_BOOL;
    b.startObject(0);
    typeOffset = b.endObject();
  } else {
    typeId = TYPE_UTF8;
    b.startObject(2);
    b.addFieldInt32(0, 16);
    b.addFieldInt8(1, 1); // signed
    const indexType = b.endObject();
    b.startObject(4);
    b.addFieldInt64(0, 0); // id
    b.addFieldInt8(2, 0); // not ordered
    b.addFieldOffset(1, indexType);
    dictionary = b.endObject();
    b.startObject(0);
    typeOffset = b.endObject();
  }
  const children = offsetVector(b, []);
  const nameString = b.createString(name);
  b.startObject(7);
  b.addFieldOffset(3, typeOffset);
  b.addFieldInt8(2, typeId);
  b.addFieldOffset(5, children);
  b.addFieldInt8(1, nullable ? 1 : 0);
  b.addFieldOffset(0, nameString);
  if (dictionary !== 0) b.addFieldOffset(4, dictionary);
  return b.endObject();
}
