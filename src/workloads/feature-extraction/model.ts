/**
 * The CNN+LSTM feature extractor of the seed's example, in TensorFlow.js: input
 * `[batch, 60, 15]` (60 timesteps, 15 features); a convolutional branch and an LSTM branch
 * fused into `fused_features` `[batch, 10, 256]`; heads `classification_probs` `[batch, 3]`
 * (softmax) and `regression_uncertainty` `[batch, 1]` (softplus, so positive). Weights are
 * seeded — no download — and a model saved by `saveModel` (tfjs layers format) loads back
 * with `loadModel`: the same path a user's own model takes with `--model DIR`.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { InputError } from '../../errors.js';
import { withoutBom } from '../../input.js';

export const TIMESTEPS = 60;
export const FEATURES = 15;
export const FUSED_STEPS = 10;
export const FUSED_DIM = 256;
export const CLASSES = 3;

export type Backend = 'wasm' | 'cpu';

let backendReady: Promise<Backend> | undefined;
let backendWanted: Backend | undefined;

/**
 * Selects the backend once per process. WASM ships inside the npm package (works offline);
 * if it cannot start, the CPU backend answers and the returned name says so.
 */
export async function useBackend(backend: Backend = 'wasm'): Promise<Backend> {
  if (backendReady && backendWanted === backend) return backendReady;
  backendWanted = backend;
  backendReady = (async () => {
    tf.env().set('PROD', true);
    if (backend === 'wasm') {
      const require = createRequire(import.meta.url);
      const dist =
        join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
      setWasmPaths(dist);
      if (await tf.setBackend('wasm').catch(() => false)) {
        await tf.ready();
        return 'wasm';
      }
    }
    await tf.setBackend('cpu');
    await tf.ready();
    return 'cpu';
  })();
  return backendReady;
}

/** The seeded model. The same seed always gives the same weights, hence the same outputs. */
export function buildFeatureModel(seed = 42): tf.LayersModel {
  let next = 0;
  const glorot = () => tf.initializers.glorotUniform({ seed: seed + next++ });
  const input = tf.input({ shape: [TIMESTEPS, FEATURES], name: 'series' });
  // Convolutional branch: local patterns, downsampled 60 → 10 steps.
  let conv = tf.layers
    .conv1d({
      filters: 64,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: glorot(),
    })
    .apply(input) as tf.SymbolicTensor;
  conv = tf.layers.maxPooling1d({ poolSize: 2 }).apply(conv) as tf.SymbolicTensor;
  conv = tf.layers
    .conv1d({
      filters: 128,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: glorot(),
    })
    .apply(conv) as tf.SymbolicTensor;
  conv = tf.layers.maxPooling1d({ poolSize: 3 }).apply(conv) as tf.SymbolicTensor;
  // Recurrent branch over 10 averaged steps: sequence context at a sixth of the steps.
  let recurrent = tf.layers.averagePooling1d({ poolSize: 6 }).apply(input) as tf.SymbolicTensor;
  recurrent = tf.layers
    .lstm({
      units: 128,
      returnSequences: true,
      kernelInitializer: glorot(),
      recurrentInitializer: glorot(),
    })
    .apply(recurrent) as tf.SymbolicTensor;
  const merged = tf.layers.concatenate().apply([conv, recurrent]) as tf.SymbolicTensor;
  const fused = tf.layers
    .dense({
      units: FUSED_DIM,
      activation: 'tanh',
      kernelInitializer: glorot(),
      name: 'fused_features',
    })
    .apply(merged) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling1d().apply(fused) as tf.SymbolicTensor;
  const classes = tf.layers
    .dense({
      units: CLASSES,
      activation: 'softmax',
      kernelInitializer: glorot(),
      name: 'classification_probs',
    })
    .apply(pooled) as tf.SymbolicTensor;
  const uncertainty = tf.layers
    .dense({
      units: 1,
      activation: 'softplus',
      kernelInitializer: glorot(),
      name: 'regression_uncertainty',
    })
    .apply(pooled) as tf.SymbolicTensor;
  return tf.model({
    inputs: input,
    outputs: [fused, classes, uncertainty],
    name: 'cnn_lstm_feature_extractor',
  });
}

/** The model as plain data (topology + weights), to rebuild it elsewhere (a worker thread). */
export async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return captured!;
}

/** Saves in the tfjs layers format: `model.json` + `weights.bin`, each written atomically. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData;
      if (!weights || Array.isArray(weights)) throw new Error('expected one weight buffer');
      await writeAtomic(join(dir, 'weights.bin'), Buffer.from(weights as ArrayBuffer));
      const modelJson = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: 'perfsight',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      await writeAtomic(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/** Temp file + rename: a crash never leaves half a model behind. */
async function writeAtomic(path: string, data: Buffer | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}

/** What `model.json` (a layers or graph model, as tfjs or `tensorflowjs_converter` writes it) says. */
export interface ModelJson {
  format?: string;
  modelTopology?: object;
  weightsManifest?: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  signature?: object;
  userDefinedMetadata?: Record<string, object>;
  modelInitializer?: object;
}

/** Reads `dir`'s `model.json`; unreadable or not JSON is bad input, named. */
export async function readModelJson(dir: string): Promise<ModelJson> {
  const file = join(dir, 'model.json');
  try {
    return JSON.parse(withoutBom(await readFile(file, 'utf8'))) as ModelJson;
  } catch (error) {
    throw new InputError(`${file}: cannot read the model (${(error as Error).message})`);
  }
}

/**
 * The artifacts tfjs builds a model from: what `json` says plus the weight files its manifest
 * names, read from `dir`. A missing weights file is bad input, named.
 */
export async function readModelArtifacts(
  dir: string,
  json: ModelJson,
): Promise<tf.io.ModelArtifacts> {
  const manifest = json.weightsManifest ?? [];
  const buffers: Buffer[] = [];
  for (const group of manifest) {
    for (const path of group.paths) {
      try {
        buffers.push(await readFile(join(dir, path)));
      } catch {
        throw new InputError(`${join(dir, path)}: weights file missing`);
      }
    }
  }
  const weightData = Buffer.concat(buffers);
  return {
    format: json.format,
    modelTopology: json.modelTopology,
    weightSpecs: manifest.flatMap((g) => g.weights),
    weightData: weightData.buffer.slice(
      weightData.byteOffset,
      weightData.byteOffset + weightData.byteLength,
    ) as ArrayBuffer,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    modelInitializer: json.modelInitializer,
  };
}

/** Loads a model saved in the tfjs layers format (one weights file) from `dir`. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const artifacts = await readModelArtifacts(dir, await readModelJson(dir));
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new InputError(
      `${dir}: not a tfjs layers model (${(error as Error).message.split('\n')[0]})`,
    );
  }
}

export { tf };
