/**
 * The worker thread of an isolated extractor: its own runtime and copy of the model, rebuilt
 * from a `RunnerRecipe` (TensorFlow.js artifacts, or an ONNX model's bytes). Messages in:
 * `{ id, values, batch }`; out: `{ id, answer }` (the outputs in order) or `{ id, error }`,
 * and once `{ ready: true }` (or `{ failed }`) when the model is loaded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { product, type ModelRunner, type RunnerRecipe } from './_runner.js';

const WARMUP_CALLS = 20;
const port = parentPort!;
const recipe = workerData as RunnerRecipe;

async function build(): Promise<ModelRunner> {
  if (recipe.kind === 'onnx') {
    const { onnxModelFromBytes } = await import('./onnx.js');
    return onnxModelFromBytes(recipe.model, {
      threads: recipe.threads,
      provider: recipe.provider,
    });
  }
  const { useBackend } = await import('./model.js');
  const { GraphRunner, LayersRunner, modelFromArtifacts, isGraphModel } =
    await import('./_tfjs-runner.js');
  const backend = await useBackend(recipe.backend);
  const model = await modelFromArtifacts(recipe.artifacts);
  return isGraphModel(model) && recipe.artifacts.format === 'graph-model'
    ? new GraphRunner(model, backend, recipe.artifacts)
    : new LayersRunner(model as never, backend);
}

const runner = (async () => {
  const loaded = await build();
  // A fresh thread's first inferences are many times slower than the rest (kernels set up,
  // JIT tiers up over ~15 calls: 16 ms down to 3 ms measured). Done here, before `ready`, or
  // a fresh worker's first call would overrun the timeout and be killed in turn.
  const dims = loaded.signature.input.shape.slice(1) as number[];
  const zeros = new Float32Array(product(dims));
  for (let i = 0; i < WARMUP_CALLS; i++) await loaded.run(zeros, 1);
  return loaded;
})();

runner.then(
  () => port.postMessage({ ready: true }),
  (error: unknown) => port.postMessage({ failed: String(error) }),
);

port.on('message', async (request: { id: number; values: Float32Array; batch: number }) => {
  try {
    const answer = await (await runner).run(request.values, request.batch);
    port.postMessage({ id: request.id, answer });
  } catch (error) {
    const e = error as { name?: unknown; code?: unknown; message?: unknown };
    port.postMessage({
      id: request.id,
      error: { name: String(e?.name ?? 'Error'), code: e?.code, message: String(e?.message) },
    });
  }
});
