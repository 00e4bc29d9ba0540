/**
 * The samples CSV renderer as it was before numbers were written without `String()`
 * (src/report/csv.ts at f32902f), frozen: the tests hold the new renderer to its bytes.
 */
import {
  FLAG_CACHE_HIT,
  FLAG_CACHE_MISS,
  FLAG_FALLBACK,
  FLAG_SUCCESS,
  type SampleColumns,
} from '../../src/metrics/index.js';
import { csvField } from '../../src/neutralise/index.js';

const SAMPLES_HEADER = 'timestamp,latency_ms,success,cache_hit,fallback_used,error_type';

/** The samples CSV from the recorder's columns, numbers by `String()`. */
export function* formerSamplesCsvChunks(
  columns: readonly SampleColumns[],
  errorTypes: readonly string[],
  timed: boolean,
  rowsPerChunk = 10_000,
): Generator<Buffer> {
  const errorNames = errorTypes.map((name) => Buffer.from(`${csvField(name)}\n`));
  const middles = Array.from({ length: 16 }, (_, flags) => {
    const cache =
      (flags & FLAG_CACHE_HIT) !== 0 ? 'true' : (flags & FLAG_CACHE_MISS) !== 0 ? 'false' : '';
    return Buffer.from(
      `,${(flags & FLAG_SUCCESS) !== 0},${cache},${(flags & FLAG_FALLBACK) !== 0},`,
    );
  });
  // Two numbers of at most 25 characters each, the flags, the longest error name.
  const longestRow = 64 + Math.max(...errorNames.map((name) => name.length));
  const total = columns.reduce((sum, part) => sum + part.length, 0);
  const size = Math.max(1 << 16, longestRow * Math.min(rowsPerChunk, total + 1));
  let buffer = Buffer.allocUnsafe(size);
  let at = buffer.write(SAMPLES_HEADER + '\n', 'latin1');
  let rows = 0;
  const ascii = (text: string) => {
    for (let j = 0; j < text.length; j++) buffer[at++] = text.charCodeAt(j);
  };
  for (const { length, latencyMs, timestampMs, flags, errorCode } of columns) {
    for (let i = 0; i < length; i++) {
      if (rows === rowsPerChunk || at + longestRow > buffer.length) {
        yield buffer.subarray(0, at);
        buffer = Buffer.allocUnsafe(size);
        at = 0;
        rows = 0;
      }
      if (timed) ascii(String(timestampMs[i]! / 1000));
      buffer[at++] = COMMA;
      ascii(String(latencyMs[i]!));
      at += middles[flags[i]! & 15]!.copy(buffer, at);
      at += (errorNames[errorCode[i]!] ?? NEWLINE).copy(buffer, at);
      rows++;
    }
  }
  if (at > 0) yield buffer.subarray(0, at);
}

const COMMA = 44;
const NEWLINE = Buffer.from('\n');
