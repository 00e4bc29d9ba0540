/**
 * The samples worker: renders samples.csv.gz and samples.arrow from a copy of the recorder's
 * columns on a thread of its own (see `_samples-files.ts`), and hands each back as soon as
 * it is made.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  SamplesEncoder,
  type FinishingSamples,
  type SamplesMessage,
  type SamplesReply,
  type SamplesToEncode,
} from './_samples-encode.js';

/** samples.arrow at once, samples.csv.gz once its last member is compressed. */
async function reply(finishing: FinishingSamples): Promise<void> {
  send({ file: 'arrow', bytes: finishing.arrow });
  send({ file: 'csvGz', bytes: await finishing.csvGz });
}

function send(reply: SamplesReply): void {
  // The large buffers moved, not copied: zlib's and the columns the Arrow pieces are views
  // of (this thread is done with them). Small ones are copied: one may be a slice of Node's
  // shared pool, which cannot move. Shared ones (the columns of a run sent as it was read)
  // are not copied anyway, and cannot be in a transfer list.
  const buffers = (reply.bytes ?? []).map((bytes) => bytes.buffer);
  const transfer = [...new Set(buffers)].filter(
    (buffer) => buffer instanceof ArrayBuffer && buffer.byteLength >= 1 << 16,
  );
  parentPort!.postMessage(reply, transfer as ArrayBuffer[]);
}

const encoder = new SamplesEncoder();
const job = workerData as SamplesToEncode | undefined;
if (job) {
  // Given its whole job at the start.
  await reply(await encoder.finish(job));
} else {
  // Started ahead (see `prepareSamplesWorker`): the parts of a run as they are read, then
  // its end, one after the other.
  let queue = Promise.resolve();
  const take = (message: SamplesMessage) => {
    queue = queue.then(async () => {
      if (message.kind === 'part') {
        await encoder.add(message.columns, message.errorTypes);
        return;
      }
      // Done: nothing keeps the thread up any more.
      parentPort!.off('message', take);
      await reply(await encoder.finish(message));
    });
  };
  parentPort!.on('message', take);
}
