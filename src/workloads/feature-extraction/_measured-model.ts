/**
 * What `perfsight run feature-extraction` measures: the model (the built-in seeded CNN+LSTM
 * in either runtime, an `.onnx` file, a TensorFlow.js model directory), checked against the
 * options given, and the inputs of its calls (generated in its shape, or `--inputs`).
 */
import { stat, readFile } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { InputError, UsageError } from '../../errors.js';
import { parseJsonLines, parseNpy } from './_input-files.js';
import { PooledSeries, WindowCycle, type InputSource } from './_inputs.js';
import { describeShape, isFixed, itemShape, type ModelRunner } from './_runner.js';
import { LayersRunner, loadTfjsModel } from './_tfjs-runner.js';
import type { FeatureExtractionOptions, Runtime } from './options.js';
import { buildFeatureModel, useBackend } from './model.js';
import { loadOnnxModel } from './onnx.js';
import { BUILT_IN_MODEL, DEFAULT_BUILT_IN_RUNTIME, loadBuiltInOnnx } from './built-in-onnx.js';

export interface LoadedModel {
  runner: ModelRunner;
  /** Items per call. */
  batch: number;
  /** One item's dimensions (after the batch). */
  itemDims: number[];
  /** What the report calls the model. */
  description: string;
  builtIn: boolean;
}

/** Which runtime answers: the built-in model's `--runtime`, else what the model file is. */
async function runtimeOf(options: FeatureExtractionOptions): Promise<Runtime> {
  if (options.model === undefined) return options.runtime ?? DEFAULT_BUILT_IN_RUNTIME;
  if (options.runtime !== undefined) {
    throw new UsageError(
      `--runtime picks the built-in model's runtime; ${options.model} runs in its own (.onnx: ONNX Runtime, a model.json directory: TensorFlow.js)`,
    );
  }
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(options.model)).isDirectory();
  } catch {
    throw new InputError(`${options.model}: cannot read the model (no such file or directory)`);
  }
  if (isDirectory || basename(options.model) === 'model.json') return 'tfjs';
  return 'onnx';
}

/** Options that belong to the other runtime change nothing: bad usage, said so. */
function checkOptionsFit(runtime: Runtime, options: FeatureExtractionOptions): void {
  const other =
    runtime === 'tfjs'
      ? [
          ['--threads', options.threads],
          ['--execution-provider', options.executionProvider],
        ]
      : [['--backend', options.backend]];
  for (const [flag, value] of other) {
    if (value !== undefined) {
      throw new UsageError(
        `${flag} does nothing for a model run by ${runtime === 'tfjs' ? 'TensorFlow.js' : 'ONNX Runtime'}${options.model === undefined ? ' (the built-in model: pick its runtime with --runtime)' : ''}`,
      );
    }
  }
}

export async function loadMeasuredModel(
  options: FeatureExtractionOptions,
  seed: number,
): Promise<LoadedModel> {
  const runtime = await runtimeOf(options);
  checkOptionsFit(runtime, options);
  let runner: ModelRunner;
  if (runtime === 'onnx') {
    const onnx = { threads: options.threads, provider: options.executionProvider };
    runner =
      options.model === undefined
        ? await loadBuiltInOnnx(seed, onnx)
        : await loadOnnxModel(options.model, onnx);
  } else {
    const backend = await useBackend(options.backend ?? 'wasm');
    runner =
      options.model === undefined
        ? new LayersRunner(buildFeatureModel(seed), backend)
        : await loadTfjsModel(
            basename(options.model) === 'model.json' ? dirname(options.model) : options.model,
            backend,
          );
  }
  const { input } = runner.signature;
  const name = options.model ?? BUILT_IN_MODEL;
  const item = itemShape(input);
  if (!Array.isArray(item)) {
    throw new InputError(
      `${name}: input ${JSON.stringify(input.name)} ${describeShape(input.shape)} leaves ${item.open} open besides the batch; perfsight generates inputs of a fixed shape`,
    );
  }
  const declared = input.shape[0] ?? null;
  let batch = options.batch ?? 1;
  if (isFixed(declared)) {
    if (options.batch !== undefined && options.batch !== declared) {
      throw new UsageError(
        `--batch ${options.batch}: the model's input ${JSON.stringify(input.name)} ${describeShape(input.shape)} takes a batch of exactly ${declared}`,
      );
    }
    batch = declared;
  }
  return {
    runner,
    batch,
    itemDims: item,
    description: name,
    builtIn: options.model === undefined,
  };
}

/** The calls' inputs: the user's windows (`--inputs`), else seeded series in the model's shape. */
export async function measuredInputs(
  file: string | undefined,
  itemDims: number[],
  batch: number,
  repeatRatio: number,
  seed: number,
): Promise<InputSource> {
  if (file === undefined) return new PooledSeries(seed, repeatRatio, batch, itemDims);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      `${file}: cannot read the inputs (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (error as Error).message})`,
    );
  }
  const ext = extname(file).toLowerCase();
  const windows =
    ext === '.npy'
      ? parseNpy(bytes, itemDims, file)
      : ext === '.jsonl' || ext === '.ndjson' || ext === '.json'
        ? parseJsonLines(bytes.toString('utf8'), itemDims, file)
        : undefined;
  if (!windows) {
    throw new InputError(`${file}: --inputs takes a .npy file or JSON Lines (.jsonl)`);
  }
  return new WindowCycle(windows.values, itemDims, batch, repeatRatio, seed + 3);
}
