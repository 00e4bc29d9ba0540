/**
 * samples.csv.gz and samples.arrow without holding up the rest of the report: for a large
 * run both are encoded on a worker thread started as soon as the run's files are listed, so
 * the text, the gzip and the Arrow batches are made while the main thread analyses the run
 * and renders the other files; the folder then only waits for what is not done yet. A small
 * run (or perfsight run from its TypeScript sources, which have no built worker) encodes
 * them here, when the files are written.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RecordedRun } from '../metrics/index.js';
import type { EncodedSamples, SamplesToEncode } from './_samples-encode.js';

const WORKER = new URL('./_samples-worker.js', import.meta.url);
/** From this many samples a worker pays for its start (~50 ms) many times over. */
const WORKER_FROM = 50_000;

/** A worker started before the samples were read (see `prepareSamplesWorker`), not yet given a job. */
let spare: Worker | undefined;

/**
 * Starts a samples worker now, for a run whose samples are about to be read: loading its
 * modules (a few hundred ms on a busy machine) then overlaps the reading instead of
 * following it. The next large `encodeSamples` uses it; `releaseSamplesWorker` ends it if
 * nothing did.
 */
export function prepareSamplesWorker(): void {
  if (spare || !existsSync(fileURLToPath(WORKER))) return;
  spare = new Worker(WORKER);
  // Never the reason the process stays up, nor a crash if it fails before it is used.
  spare.unref();
  spare.on('error', () => undefined);
  const started = spare;
  // One that stopped before it was used is not used: it could never answer.
  started.once('exit', () => {
    if (spare === started) spare = undefined;
  });
}

/** Ends the worker `prepareSamplesWorker` started, if no run took it. */
export function releaseSamplesWorker(): void {
  void spare?.terminate();
  spare = undefined;
}

/** Starts encoding a run's samples (on a worker when large); the result, when asked. */
export function encodeSamples(recorded: RecordedRun): () => Promise<EncodedSamples> {
  const log = recorded.samples;
  const job: SamplesToEncode = {
    columns: log?.chunkColumns() ?? [],
    errorTypes: [...recorded.errorTypes],
    timed: recorded.metrics.requestsPerSecond !== null,
  };
  if ((log?.length ?? 0) >= WORKER_FROM && existsSync(fileURLToPath(WORKER))) {
    const started = inWorker(job);
    // Reported when the files are written; a run whose folder is never written ignores it.
    started.catch(() => undefined);
    return () => started;
  }
  let here: Promise<EncodedSamples> | undefined;
  return () =>
    (here ??= import('./_samples-encode.js').then(async (module) => module.encodeSamplesHere(job)));
}

function inWorker(job: SamplesToEncode): Promise<EncodedSamples> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    if (spare) {
      worker = spare;
      spare = undefined;
      worker.postMessage(job);
    } else {
      worker = new Worker(WORKER, { workerData: job });
    }
    // Never the reason the process stays up: the folder write awaits the result itself.
    worker.unref();
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      reject(new Error(`the samples worker stopped (exit code ${code}) before it finished`));
    });
  });
}
