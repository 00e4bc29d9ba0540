/**
 * TensorFlow.js models the tests write themselves, of shapes other than the built-in one: a
 * graph model as `tensorflowjs_converter` writes it (`model.json` with `"format":
 * "graph-model"` and a weights shard), and layers models of any single-input shape.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveModel } from '../../src/workloads/feature-extraction/index.js';
import { tf } from '../../src/workloads/feature-extraction/model.js';

export const GRAPH = { steps: 20, channels: 4, units: 8 };

/** The graph model's weights, so a test can compute its answer by hand. */
export function graphKernel(): Float32Array {
  const { steps, channels, units } = GRAPH;
  return Float32Array.from({ length: steps * channels * units }, (_, i) => Math.cos(i * 0.3) * 0.1);
}

const dims = (sizes: number[]) => ({ dim: sizes.map((size) => ({ size: String(size) })) });

/**
 * `window [-1, 20, 4]` → Reshape `[-1, 80]` → MatMul `[80, 8]` → Tanh → `Identity [-1, 8]`:
 * a frozen TensorFlow graph in the converter's JSON form.
 */
export function writeGraphModel(dir: string): string {
  const { steps, channels, units } = GRAPH;
  mkdirSync(dir, { recursive: true });
  const float = { type: 'DT_FLOAT' };
  const modelJson = {
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      node: [
        {
          name: 'window',
          op: 'Placeholder',
          attr: { dtype: float, shape: { shape: dims([-1, steps, channels]) } },
        },
        {
          name: 'flatten/shape',
          op: 'Const',
          attr: {
            value: { tensor: { dtype: 'DT_INT32', tensorShape: dims([2]) } },
            dtype: { type: 'DT_INT32' },
          },
        },
        {
          name: 'flatten/Reshape',
          op: 'Reshape',
          input: ['window', 'flatten/shape'],
          attr: { T: float, Tshape: { type: 'DT_INT32' } },
        },
        {
          name: 'dense/kernel',
          op: 'Const',
          attr: {
            value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims([steps * channels, units]) } },
            dtype: float,
          },
        },
        {
          name: 'dense/MatMul',
          op: 'MatMul',
          input: ['flatten/Reshape', 'dense/kernel'],
          attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } },
        },
        { name: 'dense/Tanh', op: 'Tanh', input: ['dense/MatMul'], attr: { T: float } },
        { name: 'Identity', op: 'Identity', input: ['dense/Tanh'], attr: { T: float } },
      ],
      library: {},
      versions: { producer: 1645 },
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'flatten/shape', shape: [2], dtype: 'int32' },
          { name: 'dense/kernel', shape: [steps * channels, units], dtype: 'float32' },
        ],
      },
    ],
    signature: {
      inputs: {
        'window:0': {
          name: 'window:0',
          dtype: 'DT_FLOAT',
          tensorShape: dims([-1, steps, channels]),
        },
      },
      outputs: {
        'Identity:0': { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, units]) },
      },
    },
  };
  const shape = new Int32Array([-1, steps * channels]);
  const kernel = graphKernel();
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
  writeFileSync(
    join(dir, 'group1-shard1of1.bin'),
    Buffer.concat([Buffer.from(shape.buffer), Buffer.from(kernel.buffer)]),
  );
  return dir;
}

/**
 * A layers model of one input `readings` of `inputShape` (not the built-in contract): an LSTM
 * for a sequence, then Dense `health` (4 units, relu), saved in `dir`. Seeded weights.
 */
export async function saveLayersModel(dir: string, inputShape: number[]): Promise<string> {
  const input = tf.input({ shape: inputShape, name: 'readings' });
  let x: tf.SymbolicTensor = input;
  if (inputShape.length === 2) {
    x = tf.layers
      .lstm({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })
      .apply(x) as tf.SymbolicTensor;
  }
  const out = tf.layers
    .dense({
      units: 4,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      name: 'health',
    })
    .apply(x) as tf.SymbolicTensor;
  await saveModel(tf.model({ inputs: input, outputs: out }), dir);
  return dir;
}

/** A layers model of two inputs `a` and `b` (`[4]` each, added): not one perfsight can feed. */
export async function saveTwoInputModel(dir: string): Promise<string> {
  const a = tf.input({ shape: [4], name: 'a' });
  const b = tf.input({ shape: [4], name: 'b' });
  const sum = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
  await saveModel(tf.model({ inputs: [a, b], outputs: sum }), dir);
  return dir;
}
