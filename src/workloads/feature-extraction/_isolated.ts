import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunnerRecipe } from './_runner.js';
import { afterMs, type LongTimer } from '../../load/timers.js';

/** What `infer` answers when the model took longer than the timeout. */
export const TIMED_OUT = Symbol('timed out');

/** A model error raised in the worker, with its name and code kept. */
class WorkerModelError extends Error {
  constructor(
    message: string,
    override readonly name: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * The worker's entry: `_worker.js` in dist. Run from the TypeScript sources (tests, benches),
 * a small bootstrap registers tsx's loader in the worker first (Node 20 does not pass
 * `--import` hooks on to workers).
 */
function findWorkerEntry(): { entry: URL | string; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) {
    return { entry: new URL('./_worker.js', import.meta.url), eval: false };
  }
  // tsx's ESM API by its package's export map (require.resolve would find the CJS build).
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const tsx = pathToFileURL(join(dirname(manifest), exports['./esm/api']!.import.default)).href;
  const entry = new URL('./_worker.ts', import.meta.url).href;
  return {
    entry: `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`,
    eval: true,
  };
}

let workerEntry: ReturnType<typeof findWorkerEntry> | undefined;

/**
 * The model in a worker thread, so a slow inference can be interrupted: tfjs runs its
 * kernels synchronously on whatever thread calls it, and only another thread can walk away.
 * Every call is answered within its timeout, counted from the call: by the model if it can,
 * else `TIMED_OUT`. One inference at a time; a call that waits (for the one before it, or for
 * a worker loading the model) spends its own budget waiting. When an inference overruns, its
 * worker is terminated — the inference really stops — and a fresh one loads the model.
 */
export class IsolatedModel {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private readonly waiting = new Map<
    number,
    { resolve: (outputs: Float32Array[]) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly recipe: Promise<RunnerRecipe>) {}

  /** Starts the worker (it loads the model and warms it up); resolves when it can answer. */
  start(): Promise<void> {
    this.ready ??= this.spawn();
    return this.ready;
  }

  infer(
    values: Float32Array,
    batch: number,
    timeoutMs: number,
  ): Promise<Float32Array[] | typeof TIMED_OUT> {
    const deadline = performance.now() + timeoutMs;
    const run = this.turn.then(() => this.inferBefore(deadline, values, batch));
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** Stops the worker; a call waiting for its answer fails (the extractor falls back). */
  async close(): Promise<void> {
    const closed = new Error('model worker closed');
    for (const waiter of this.waiting.values()) waiter.reject(closed);
    this.waiting.clear();
    await this.terminate();
  }

  private async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    await worker?.terminate();
  }

  private async inferBefore(
    deadline: number,
    values: Float32Array,
    batch: number,
  ): Promise<Float32Array[] | typeof TIMED_OUT> {
    if ((await within(this.start(), deadline)) === TIMED_OUT) return TIMED_OUT;
    const worker = this.worker!;
    const id = this.nextId++;
    const answer = new Promise<Float32Array[]>((resolve, reject) =>
      this.waiting.set(id, { resolve, reject }),
    );
    worker.ref(); // a call in flight keeps the process alive; an idle worker does not
    try {
      worker.postMessage({ id, values, batch });
      const result = await within(answer, deadline);
      if (result === TIMED_OUT) {
        this.waiting.delete(id);
        // Interrupt: the overrunning inference dies with its worker; a fresh one starts
        // loading now, so the calls that follow wait as little as possible.
        void this.terminate().then(() => this.start().catch(() => undefined));
      }
      return result;
    } finally {
      this.worker?.unref();
    }
  }

  private spawn(): Promise<void> {
    return this.recipe.then(
      (recipe) =>
        new Promise<void>((resolve, reject) => {
          workerEntry ??= findWorkerEntry();
          const { entry, eval: isCode } = workerEntry;
          const worker = new Worker(entry, {
            eval: isCode,
            workerData: recipe,
          });
          this.worker = worker;
          worker.unref();
          worker.on('message', (message: WorkerMessage) => {
            if ('ready' in message) return resolve();
            if ('failed' in message) return reject(new Error(`model worker: ${message.failed}`));
            const waiter = this.waiting.get(message.id);
            if (!waiter) return; // answered after its timeout: dropped
            this.waiting.delete(message.id);
            if ('answer' in message) waiter.resolve(message.answer);
            else
              waiter.reject(
                new WorkerModelError(message.error.message, message.error.name, message.error.code),
              );
          });
          const fail = (error: Error) => {
            reject(error);
            for (const waiter of this.waiting.values()) waiter.reject(error);
            this.waiting.clear();
            if (this.worker === worker) {
              this.worker = undefined;
              this.ready = undefined;
            }
          };
          worker.on('error', fail);
          worker.on('exit', (code) => {
            if (this.worker === worker) fail(new Error(`model worker exited (code ${code})`));
          });
        }),
    );
  }
}

type WorkerMessage =
  | { ready: true }
  | { failed: string }
  | { id: number; answer: Float32Array[] }
  | { id: number; error: { name: string; code?: string; message: string } };

/** `pending`'s value, or `TIMED_OUT` if the deadline comes first. */
async function within<T>(pending: Promise<T>, deadline: number): Promise<T | typeof TIMED_OUT> {
  let timer: LongTimer | undefined;
  const expired = new Promise<typeof TIMED_OUT>((resolve) => {
    // `--model-timeout` is the user's: afterMs chains timers for what one cannot hold.
    timer = afterMs(Math.max(0, deadline - performance.now()), () => resolve(TIMED_OUT));
  });
  try {
    return await Promise.race([pending, expired]);
  } finally {
    timer?.cancel();
  }
}
