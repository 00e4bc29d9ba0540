/**
 * The worker thread of an isolated extractor: its own tfjs, backend and copy of the model.
 * Messages in: `{ id, values, batch }`; out: `{ id, answer }` or `{ id, error }`, and once
 * `{ ready: true }` (or `{ failed }`) when the model is loaded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FEATURES, TIMESTEPS, predictFeatures, tf, useBackend, type Backend } from './model.js';

interface Setup {
  artifacts: tf.io.ModelArtifacts;
  backend: Backend;
}

const WARMUP_CALLS = 20;
const port = parentPort!;
const { artifacts, backend } = workerData as Setup;

const model = (async () => {
  await useBackend(backend);
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  // A fresh thread's first inferences are many times slower than the rest (kernels set up,
  // JIT tiers up over ~15 calls: 16 ms down to 3 ms measured). Done here, before `ready`, or
  // a fresh worker's first call would overrun the timeout and be killed in turn.
  const zeros = new Float32Array(TIMESTEPS * FEATURES);
  for (let i = 0; i < WARMUP_CALLS; i++) await predictFeatures(loaded, zeros, 1);
  return loaded;
})();

model.then(
  () => port.postMessage({ ready: true }),
  (error: unknown) => port.postMessage({ failed: String(error) }),
);

port.on('message', async (request: { id: number; values: Float32Array; batch: number }) => {
  try {
    const answer = await predictFeatures(await model, request.values, request.batch);
    port.postMessage({ id: request.id, answer });
  } catch (error) {
    const e = error as { name?: unknown; code?: unknown; message?: unknown };
    port.postMessage({
      id: request.id,
      error: { name: String(e?.name ?? 'Error'), code: e?.code, message: String(e?.message) },
    });
  }
});
