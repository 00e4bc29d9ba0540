/**
 * The samples worker: renders samples.csv.gz and samples.arrow from a copy of the recorder's
 * columns on a thread of its own (see `_samples-files.ts`), and hands both back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodeSamplesHere, type SamplesToEncode } from './_samples-encode.js';

const encoded = await encodeSamplesHere(workerData as SamplesToEncode);
// Moved, not copied; a buffer under 4 kB may be a slice of Node's shared pool: copied.
const transfer = [encoded.csvGz, encoded.arrow]
  .filter((bytes) => bytes !== undefined && bytes.byteLength >= 4096)
  .map((bytes) => bytes!.buffer as ArrayBuffer);
parentPort!.postMessage(encoded, transfer);
