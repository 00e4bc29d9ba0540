/**
 * The samples worker: renders samples.csv.gz and samples.arrow from a copy of the recorder's
 * columns on a thread of its own (see `_samples-files.ts`), and hands both back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodeSamplesHere, type SamplesToEncode } from './_samples-encode.js';

// Given its job at the start, or (started ahead, see `prepareSamplesWorker`) in a message.
const job =
  (workerData as SamplesToEncode | undefined) ??
  (await new Promise<SamplesToEncode>((resolve) => parentPort!.once('message', resolve)));
const encoded = await encodeSamplesHere(job);
// Moved, not copied; a buffer under 4 kB may be a slice of Node's shared pool: copied.
const transfer = [encoded.csvGz, encoded.arrow]
  .filter((bytes) => bytes !== undefined && bytes.byteLength >= 4096)
  .map((bytes) => bytes!.buffer as ArrayBuffer);
parentPort!.postMessage(encoded, transfer);
