/**
 * The samples worker: renders samples.csv.gz and samples.arrow from a copy of the recorder's
 * columns on a thread of its own (see `_samples-files.ts`), and hands both back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  SamplesEncoder,
  type EncodedSamples,
  type SamplesMessage,
  type SamplesToEncode,
} from './_samples-encode.js';

function reply(encoded: EncodedSamples): void {
  // Moved, not copied; a buffer under 4 kB may be a slice of Node's shared pool: copied.
  const transfer = [encoded.csvGz, encoded.arrow]
    .filter((bytes) => bytes !== undefined && bytes.byteLength >= 4096)
    .map((bytes) => bytes!.buffer as ArrayBuffer);
  parentPort!.postMessage(encoded, transfer);
}

const encoder = new SamplesEncoder();
const job = workerData as SamplesToEncode | undefined;
if (job) {
  // Given its whole job at the start.
  reply(await encoder.end(job));
} else {
  // Started ahead (see `prepareSamplesWorker`): the parts of a run as they are read, then
  // its end, one after the other.
  let queue = Promise.resolve();
  const take = (message: SamplesMessage) => {
    queue = queue.then(async () => {
      if (message.kind === 'part') return encoder.add(message.columns, message.errorTypes);
      // Done: nothing keeps the thread up any more.
      parentPort!.off('message', take);
      reply(await encoder.end(message));
    });
  };
  parentPort!.on('message', take);
}
