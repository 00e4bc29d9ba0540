import { createWriteStream, rmSync } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { constants, createGzip } from 'node:zlib';

/**
 * What a file holds: text, chunks of text for large files, or bytes produced asynchronously
 * (binary files, whose encoder is loaded only when one is written).
 */
export type FileContent =
  string | Iterable<string> | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** Writes `content` to `path`, gzipped on request. */
export async function writeFileTo(
  path: string,
  content: FileContent,
  options: { gzip?: boolean } = {},
): Promise<void> {
  if (!options.gzip) return writeWhole(path, content);
  const chunks = typeof content === 'string' ? [content] : content;
  const source = Readable.from(chunks, { objectMode: false });
  const sink = createWriteStream(path, { flags: 'wx' });
  // The fastest level: 3× quicker than the default on samples.csv.gz for 9 % more bytes
  // (bench/data-path.bench.ts); people open it rarely, compare reads samples.arrow.
  await pipeline(source, createGzip({ level: constants.Z_BEST_SPEED }), sink);
}

/** The most chunks and bytes gathered for one `writev`. */
const MOST_CHUNKS = 4096;
const MOST_BYTES = 32 * 1024 * 1024;

/**
 * `content` written as it is: a string in one write, chunks gathered into few `writev`s.
 * A stream (a Readable, a WriteStream and a pipeline between them) cost the main thread more
 * than the writes themselves at the end of a large report (~10 ms), and samples.arrow's
 * 300-odd parts took a round trip to the thread pool each.
 */
async function writeWhole(path: string, content: FileContent): Promise<void> {
  const file = await open(path, 'wx');
  try {
    if (typeof content === 'string') {
      await file.writeFile(content);
      return;
    }
    let batch: Uint8Array[] = [];
    let bytes = 0;
    for await (const chunk of content) {
      const part = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      batch.push(part);
      bytes += part.byteLength;
      if (batch.length < MOST_CHUNKS && bytes < MOST_BYTES) continue;
      await writeAll(file, batch, bytes);
      batch = [];
      bytes = 0;
    }
    await writeAll(file, batch, bytes);
  } finally {
    await file.close();
  }
}

/**
 * Writes `chunks` in order. libuv writes every byte of a `writev` (1,024 chunks a system call,
 * again after a short write) unless the disk takes none: then it is said here.
 */
async function writeAll(
  file: FileHandle,
  chunks: readonly Uint8Array[],
  bytes: number,
): Promise<void> {
  if (chunks.length === 0) return;
  const { bytesWritten } = await file.writev(chunks);
  if (bytesWritten < bytes) throw new Error(`wrote ${bytesWritten} of ${bytes} bytes`);
}

/**
 * Writes `content` to `path` through a temp file in the same folder and a rename, so a
 * crash or Ctrl-C never leaves a half-written file behind (the temp file is removed on exit).
 */
export async function writeFileAtomic(
  path: string,
  content: FileContent,
  options: { gzip?: boolean } = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const cleanUp = () => rmSync(temp, { force: true });
  process.on('exit', cleanUp);
  try {
    await writeFileTo(temp, content, options);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    process.off('exit', cleanUp);
  }
}
