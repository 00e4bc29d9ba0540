import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { ReportFile } from './files.js';

/**
 * Writes `content` to `path` through a temp file in the same folder and a rename, so a
 * crash or Ctrl-C never leaves a half-written file behind.
 */
export async function writeFileAtomic(
  path: string,
  content: string | Iterable<string>,
  options: { gzip?: boolean } = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const chunks = typeof content === 'string' ? [content] : content;
    const source = Readable.from(chunks, { objectMode: false });
    const sink = createWriteStream(temp);
    if (options.gzip) await pipeline(source, createGzip(), sink);
    else await pipeline(source, sink);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Writes every file of a report folder; returns their paths. */
export async function writeReportFiles(
  dir: string,
  files: readonly ReportFile[],
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const file of files) {
    const path = join(dir, file.name);
    await writeFileAtomic(path, file.render(), { gzip: file.gzip ?? false });
    written.push(path);
  }
  return written;
}
