import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { cut, InputError } from '../errors.js';
import type { MetricsCollector } from '../metrics/index.js';
import { CsvSamplesReader } from './_csv.js';
import { readJsonLines } from './_json-lines.js';
import { ReadState } from './_state.js';

export { SAMPLE_COLUMNS } from './_state.js';

export interface ReadSummary {
  samples: number;
  /** Whether the samples carry timestamps (throughput and timelines need them). */
  timed: boolean;
  /** Start of the earliest call (timestamp − latency) and the latest end, epoch ms. */
  startMs: number;
  endMs: number;
}

/**
 * Reads raw samples (CSV with a header row, or JSON Lines; optionally gzipped) into a
 * collector started in replay mode, streaming, so any file size fits in bounded memory.
 * Any malformed line stops the read with an `InputError` naming the file and line.
 */
export async function readSamplesFile(
  path: string,
  collector: MetricsCollector,
): Promise<ReadSummary> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch {
    throw InputError.at(path, undefined, 'cannot read the file (does it exist?)');
  }
  if (isDirectory) throw InputError.at(path, undefined, DIRECTORY);
  const gzipped = /\.gz$/i.test(path);
  const jsonLines = /\.(jsonl|ndjson|json)(\.gz)?$/i.test(path);
  const state = new ReadState(path, collector);
  collector.startCollection({ replay: true });
  try {
    if (!jsonLines && !gzipped) {
      await readCsvFile(path, state);
    } else {
      // One pipeline, not pipe(): an error of any stage (a truncated gzip, a read error)
      // rejects here instead of being emitted on a stream nobody listens to.
      // Large chunks: fewer turns of the event loop per megabyte read.
      const read = createReadStream(path, { highWaterMark: 1 << 20 });
      const decoded = gzipped ? createGunzip({ chunkSize: 1 << 18 }) : new PassThrough();
      if (jsonLines) await pipeline(read, decoded, (source) => readJsonLines(source, state));
      else await pipeline(read, decoded, (chunks) => readCsv(chunks, state));
    }
  } catch (error) {
    collector.reset();
    throw state.failure ?? (error instanceof InputError ? error : describeReadError(error, state));
  }
  if (state.samples === 0) {
    collector.reset();
    throw InputError.at(
      path,
      undefined,
      state.sawHeader ? 'has a header but no samples' : 'is empty: no samples to report',
    );
  }
  const timed = state.timed === true;
  const summary: ReadSummary = {
    samples: state.samples,
    timed,
    startMs: timed ? state.startMs : NaN,
    endMs: timed ? state.endMs : NaN,
  };
  collector.endCollection(
    timed ? { startMs: state.startMs, endMs: state.endMs } : { timed: false },
  );
  return summary;
}

async function readCsv(chunks: AsyncIterable<Buffer>, state: ReadState): Promise<void> {
  const reader = new CsvSamplesReader(state);
  for await (const chunk of chunks) reader.feed(chunk);
  reader.end();
}

/**
 * A plain CSV file, read straight into two buffers in turn, no stream: while one chunk is
 * parsed, the next is being read (the reader copies what it keeps of a chunk, so a buffer
 * can be filled again once `feedAt` returns). Each chunk is read after a free stretch of
 * its buffer, where the reader puts the row the chunk before cut short.
 */
async function readCsvFile(path: string, state: ReadState): Promise<void> {
  const reader = new CsvSamplesReader(state);
  const file = await open(path, 'r');
  const size = ROW_ROOM + CHUNK_BYTES;
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)] as const;
  let position = 0;
  const readInto = (buffer: Buffer) => file.read(buffer, ROW_ROOM, CHUNK_BYTES, position);
  let reading = readInto(buffers[0]);
  try {
    for (let turn = 1; ; turn ^= 1) {
      const { bytesRead, buffer } = await reading;
      if (bytesRead === 0) break;
      position += bytesRead;
      reading = readInto(buffers[turn]!);
      reader.feedAt(buffer, ROW_ROOM, ROW_ROOM + bytesRead);
    }
    reader.end();
  } finally {
    // A bad line stops the parse while the next chunk is being read: let that read end
    // (its outcome no longer matters) before the file is closed.
    await reading.catch(() => undefined);
    await file.close();
  }
}

/** Large reads: fewer turns of the event loop per megabyte. */
const CHUNK_BYTES = 1 << 20;
/** Room before each chunk for the row the chunk before cut short (longer ones are joined). */
const ROW_ROOM = 1 << 16;

const DIRECTORY = 'is a directory, not a samples file';

function describeReadError(error: unknown, state: ReadState): InputError {
  const code = (error as { code?: string }).code;
  const whole = (problem: string) => InputError.at(state.file, undefined, problem);
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR')
    return whole('is not valid gzip (truncated or corrupt?)');
  if (code === 'EISDIR') return whole(DIRECTORY);
  const message = error instanceof Error ? error.message : String(error);
  return InputError.at(state.file, state.line || undefined, cut(message, 200));
}
