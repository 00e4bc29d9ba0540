/**
 * samples.csv.gz and samples.arrow without holding up the rest of the report: for a large
 * run the CSV is rendered and compressed on a worker thread started as soon as the run's
 * files are listed, while the main thread analyses the run and renders the other files
 * (written first, the samples last); samples.arrow is made by whichever of the two is free
 * first. When a large file is read (`perfsight report`), the worker is started before the
 * reading and given each chunk of samples as soon as it is read: by the time the run is
 * analysed, most of the text is made and compressed. A small run (or perfsight run from its
 * TypeScript sources, which have no built worker) encodes them here, when the files are
 * written.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RecordedRun, SampleColumns } from '../metrics/index.js';
import { ARROW_BY_ASKER, claimArrow } from './_arrow-claim.js';
import type {
  FinishingSamples,
  SamplesMessage,
  SamplesReply,
  SamplesToEncode,
} from './_samples-encode.js';

const WORKER = new URL('./_samples-worker.js', import.meta.url);
/** From this many samples a worker pays for its start (~50 ms) many times over. */
const WORKER_FROM = 50_000;

/**
 * A worker started before the samples were read (see `prepareSamplesWorker`), not yet given
 * its run's end; `sent` the buffers of the chunks it was given, in order: the run whose
 * samples begin with those very chunks is the one it encodes.
 */
let spare: { worker: Worker; sent: ArrayBufferLike[] } | undefined;

/** Where the recorder hands each full chunk of samples as it is read (its `onSamples`). */
export type SamplesSink = (columns: SampleColumns, errorTypes: readonly string[]) => void;

/**
 * Starts a samples worker now, for a run whose samples are about to be read: loading its
 * modules (a few hundred ms on a busy machine) then overlaps the reading instead of
 * following it. Returns the sink to give the collector (`onSamples`): each full chunk goes
 * to the worker as soon as it is read, so the text and the gzip are made while the rest is
 * read, sorted and analysed. The next large `encodeSamples` uses the worker;
 * `releaseSamplesWorker` ends it if nothing did. Undefined without a built worker.
 */
export function prepareSamplesWorker(): SamplesSink | undefined {
  if (!spare && existsSync(fileURLToPath(WORKER))) {
    const worker = new Worker(WORKER);
    // Never the reason the process stays up, nor a crash if it fails before it is used.
    worker.unref();
    worker.on('error', () => undefined);
    const started = (spare = { worker, sent: [] });
    // One that stopped before it was used is not used: it could never answer.
    worker.once('exit', () => {
      if (spare === started) spare = undefined;
    });
  }
  const prepared = spare;
  if (!prepared) return undefined;
  return (columns, errorTypes) => {
    // Once a run took the worker (or it ended), later parts are not this run's to send.
    if (spare !== prepared) return;
    prepared.sent.push(columns.latencyMs.buffer);
    const part: SamplesMessage = { kind: 'part', columns, errorTypes };
    prepared.worker.postMessage(part);
  };
}

/** Ends the worker `prepareSamplesWorker` started, if no run took it. */
export function releaseSamplesWorker(): void {
  void spare?.worker.terminate();
  spare = undefined;
}

/** samples.csv.gz and samples.arrow, each once it is made. */
export interface SamplesFiles {
  csvGz: Promise<readonly Uint8Array[]>;
  /** undefined when the run has no samples. */
  arrow: Promise<FinishingSamples['arrow']>;
}

/** Starts encoding a run's samples (on a worker when large); the files, when asked. */
export function encodeSamples(recorded: RecordedRun): () => SamplesFiles {
  const columns = recorded.samples?.chunkColumns() ?? [];
  const job: SamplesToEncode = {
    columns,
    errorTypes: [...recorded.errorTypes],
    timed: recorded.metrics.requestsPerSecond !== null,
    arrowClaim: new Int32Array(new SharedArrayBuffer(4)),
  };
  const large = (recorded.samples?.length ?? 0) >= WORKER_FROM;
  let started: SamplesFiles | undefined;
  if (spare && startedThisRun(spare.sent, columns) && (large || spare.sent.length > 0)) {
    // The worker has this run's first chunks already: it is sent the rest.
    const { worker, sent } = spare;
    spare = undefined;
    const end: SamplesMessage = { kind: 'end', ...job, columns: columns.slice(sent.length) };
    worker.postMessage(end);
    started = settled(answer(worker));
  } else if (large && existsSync(fileURLToPath(WORKER))) {
    // A spare worker given another run's samples (or none to a small run) is of no use.
    releaseSamplesWorker();
    started = settled(answer(new Worker(WORKER, { workerData: job })));
  }
  if (started) {
    const encoding = started;
    let asked: SamplesFiles | undefined;
    // Asked when the samples files are written, after every other file: this thread has
    // only to wait for the worker then, and makes samples.arrow meanwhile unless the worker
    // began it already (on a busy machine the worker is the one behind).
    return () =>
      (asked ??= claimArrow(job.arrowClaim!, ARROW_BY_ASKER)
        ? settled({ csvGz: encoding.csvGz, arrow: arrowHere(job, columns) })
        : encoding);
  }
  let here: SamplesFiles | undefined;
  return () => {
    if (here) return here;
    const encoded = import('./_samples-encode.js').then(async (module) =>
      module.encodeSamplesHere(job),
    );
    return (here = settled({
      csvGz: encoded.then(({ csvGz }) => [csvGz]),
      arrow: encoded.then(({ arrow }) => arrow),
    }));
  };
}

/** samples.arrow made here. */
async function arrowHere(job: SamplesToEncode, columns: readonly SampleColumns[]) {
  const { samplesArrowParts } = await import('./arrow.js');
  return samplesArrowParts(columns, job.errorTypes, job.timed);
}

/**
 * `files`, each reported when it is written: a run whose folder is never written, or that
 * writes no samples.arrow (no samples), ignores it.
 */
function settled(files: SamplesFiles): SamplesFiles {
  files.csvGz.catch(() => undefined);
  files.arrow.catch(() => undefined);
  return files;
}

/** Whether the chunks a worker was sent are where this run's samples begin. */
function startedThisRun(sent: readonly ArrayBufferLike[], columns: readonly SampleColumns[]) {
  return sent.every((buffer, i) => columns[i]?.latencyMs.buffer === buffer);
}

/** The worker's files, each as it hands it back. */
function answer(worker: Worker): SamplesFiles {
  // Never the reason the process stays up: the folder write awaits the files itself.
  worker.unref();
  // The gzip's bytes are never undefined (see `SamplesReply`).
  const csvGz = fromWorker(worker, 'csvGz') as Promise<Uint8Array[]>;
  return { csvGz, arrow: fromWorker(worker, 'arrow') };
}

/** The bytes of `file`, once the worker hands them back. */
function fromWorker(worker: Worker, file: SamplesReply['file']): Promise<SamplesReply['bytes']> {
  return new Promise((resolve, reject) => {
    const take = (reply: SamplesReply) => {
      if (reply.file !== file) return;
      worker.off('message', take);
      resolve(reply.bytes);
    };
    worker.on('message', take);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      reject(new Error(`the samples worker stopped (exit code ${code}) before it finished`));
    });
  });
}
