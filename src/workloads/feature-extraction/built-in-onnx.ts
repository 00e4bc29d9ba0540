/**
 * The built-in seeded CNN+LSTM in ONNX Runtime (`--runtime onnx`): the shipped
 * `models/cnn-lstm-seed42.onnx` for the default seed (`npm run build:onnx-model` rebuilds it),
 * or, for another `--seed`, the same graph written from that seed's weights.
 */
import { readFile } from 'node:fs/promises';
import type { Runtime } from './options.js';
import { onnxModelFromBytes, type OnnxOptions, type OnnxRunner } from './onnx.js';

export const BUILT_IN_MODEL = 'built-in CNN+LSTM (seeded)';

/** The seed whose weights the shipped ONNX file holds (the default `--seed`). */
export const BUILT_IN_ONNX_SEED = 42;

/** Where the shipped file is: `models/` at the package root (from `src/` and `dist/` alike). */
export const BUILT_IN_ONNX_URL = new URL('../../../models/cnn-lstm-seed42.onnx', import.meta.url);

/** The built-in model's parameters (`buildFeatureModel().countParams()`; a test keeps it so). */
export const BUILT_IN_PARAMETERS = 168_196;

/**
 * The built-in model's runtime when `--runtime` is not given: the faster on this machine
 * class, by `npm run bench -- runtimes` (ONNX Runtime CPU against TensorFlow.js WASM).
 */
export const DEFAULT_BUILT_IN_RUNTIME: Runtime = 'onnx';

export async function loadBuiltInOnnx(seed: number, options: OnnxOptions): Promise<OnnxRunner> {
  let bytes: Uint8Array;
  if (seed === BUILT_IN_ONNX_SEED) {
    bytes = await readFile(BUILT_IN_ONNX_URL);
  } else {
    // Another seed's weights: written here as the build script writes the shipped file. The
    // weights are built by TensorFlow.js, which needs a backend first.
    const exporter = await import('./_built-in-export.js');
    const { buildFeatureModel, useBackend } = await import('./model.js');
    await useBackend('cpu');
    bytes = exporter.builtInOnnxBytes(buildFeatureModel(seed));
  }
  const runner = await onnxModelFromBytes(bytes, options, BUILT_IN_MODEL);
  runner.parameters = BUILT_IN_PARAMETERS;
  return runner;
}
