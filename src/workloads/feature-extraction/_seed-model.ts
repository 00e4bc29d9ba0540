import type { InferenceSession } from 'onnxruntime-node';
import type { ModelRunner } from './_runner.js';
import type { tf } from './model.js';
import { CLASSES, FEATURES, FUSED_STEPS, TIMESTEPS } from './model.js';

/** Numbers nested to any depth (`[1][10][256]`), or typed arrays: what a model may return. */
export type NestedNumbers = number | ArrayLike<number> | readonly NestedNumbers[];

/** The seed's model outputs (`return_features=True`). */
export interface SeedModelOutput {
  fused_features: NestedNumbers;
  classification_probs: NestedNumbers;
  regression_uncertainty: NestedNumbers;
}

/**
 * A model the seed's way: `forward(input, returnFeatures, useEnsemble)` on a
 * `[batch][60][15]` input, answering its three outputs (sync or as a promise). The seed's
 * example passes such an object (a mock of its PyTorch model).
 */
export interface SeedModel {
  forward(
    input: number[][][],
    returnFeatures?: boolean,
    useEnsemble?: boolean,
  ): SeedModelOutput | Promise<SeedModelOutput>;
}

/**
 * What `createExtractor` takes: a TensorFlow.js layers or graph model, an ONNX Runtime
 * `InferenceSession`, a seed-style model, or a `ModelRunner` perfsight loaded.
 */
export type FeatureModel =
  tf.LayersModel | tf.GraphModel | InferenceSession | SeedModel | ModelRunner;

/** A model answer of the wrong shape: the model failed, the fallback may answer. */
export class ModelOutputError extends Error {
  override name = 'ModelOutputError';
}

export function isSeedModel(model: unknown): model is SeedModel {
  return (
    (typeof model === 'object' || typeof model === 'function') &&
    model !== null &&
    typeof (model as Partial<SeedModel>).forward === 'function'
  );
}

/** How a value that is not a model looks in the error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name = (value as object).constructor?.name;
  const keys = Object.keys(value).slice(0, 5);
  return `${name && name !== 'Object' ? `a ${name}` : 'an object'}${keys.length ? ` with ${keys.join(', ')}` : ' with no properties'}`;
}

function flatten(value: NestedNumbers, into: number[]): void {
  if (typeof value === 'number') into.push(value);
  else
    for (let i = 0; i < value.length; i++) flatten((value as ArrayLike<NestedNumbers>)[i]!, into);
}

function output(
  answer: SeedModelOutput,
  key: keyof SeedModelOutput,
  expected: number,
): Float32Array {
  const values: number[] = [];
  const raw = answer?.[key];
  if (raw === undefined || raw === null) throw new ModelOutputError(`forward() returned no ${key}`);
  flatten(raw, values);
  if (values.length !== expected) {
    throw new ModelOutputError(`${key} holds ${values.length} values, expected ${expected}`);
  }
  return Float32Array.from(values);
}

/** A seed-style model as a runner: the seed's shapes, its three outputs by name. */
export function seedModelRunner(model: SeedModel, fusedFeatureDim: number): ModelRunner {
  return {
    runtime: 'forward',
    provider: 'forward()',
    signature: {
      input: { name: 'input', shape: [null, TIMESTEPS, FEATURES] },
      outputs: [
        { name: 'fused_features', shape: [null, FUSED_STEPS, fusedFeatureDim] },
        { name: 'classification_probs', shape: [null, CLASSES] },
        { name: 'regression_uncertainty', shape: [null, 1] },
      ],
    },
    run: (values, batch) => forwardFeatures(model, values, batch, fusedFeatureDim),
  };
}

/** One call of a seed-style model on `[batch, 60, 15]` row-major values. */
async function forwardFeatures(
  model: SeedModel,
  values: Float32Array,
  batch: number,
  fusedFeatureDim: number,
): Promise<Float32Array[]> {
  const input = Array.from({ length: batch }, (_, b) =>
    Array.from({ length: TIMESTEPS }, (_, t) =>
      Array.from(
        values.subarray((b * TIMESTEPS + t) * FEATURES, (b * TIMESTEPS + t + 1) * FEATURES),
      ),
    ),
  );
  const answer = await model.forward(input, true, true);
  return [
    output(answer, 'fused_features', batch * FUSED_STEPS * fusedFeatureDim),
    output(answer, 'classification_probs', batch * CLASSES),
    output(answer, 'regression_uncertainty', batch),
  ];
}
