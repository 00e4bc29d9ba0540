/**
 * The built-in CNN+LSTM written as an ONNX graph from the TensorFlow.js model's own weights,
 * so both runtimes answer the same (within float rounding). Keras layouts become ONNX's:
 * series are NWC in Keras and NCW for ONNX's Conv and pooling; a conv1d kernel
 * `[k, in, out]` becomes `[out, in, k]`; the LSTM's gates, `i, f, c, o` in Keras, are
 * `i, o, f, c` in ONNX, with TensorFlow.js's default hard sigmoid (0.2 x + 0.5, clipped) as
 * the gate activation.
 */
import { FEATURES, FUSED_DIM, TIMESTEPS, type tf } from './model.js';
import { writeOnnxModel, type GraphSpec, type NodeSpec } from './_onnx-writer.js';

/** ONNX gate order (i, o, f, c) → the Keras block each comes from (i, f, c, o). */
const KERAS_GATE = [0, 3, 1, 2];

function layer(model: tf.LayersModel, className: string, index = 0): tf.layers.Layer {
  const found = model.layers.filter((l) => l.getClassName() === className)[index];
  if (!found) throw new Error(`the built-in model has no ${className} #${index + 1}`);
  return found;
}

function weights(l: tf.layers.Layer): Float32Array[] {
  return l.getWeights().map((w) => w.dataSync() as Float32Array);
}

/** `[k, in, out]` (Keras) → `[out, in, k]` (ONNX). */
function convKernel(
  kernel: Float32Array,
  k: number,
  inputs: number,
  outputs: number,
): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let o = 0; o < outputs; o++)
    for (let i = 0; i < inputs; i++)
      for (let t = 0; t < k; t++)
        out[(o * inputs + i) * k + t] = kernel[(t * inputs + i) * outputs + o]!;
  return out;
}

/** Keras `[rows, 4u]` (gate blocks i,f,c,o in columns) → ONNX `[4u, rows]` (blocks i,o,f,c). */
function gateMatrix(kernel: Float32Array, rows: number, units: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let g = 0; g < 4; g++)
    for (let j = 0; j < units; j++)
      for (let r = 0; r < rows; r++) {
        out[(g * units + j) * rows + r] = kernel[r * 4 * units + KERAS_GATE[g]! * units + j]!;
      }
  return out;
}

/** The ONNX bytes of `model` (a `buildFeatureModel` model). */
export function builtInOnnxBytes(model: tf.LayersModel): Uint8Array {
  const [k1, b1] = weights(layer(model, 'Conv1D', 0));
  const [k2, b2] = weights(layer(model, 'Conv1D', 1));
  const lstm = layer(model, 'LSTM');
  const [kernel, recurrent, bias] = weights(lstm);
  const units = (lstm.getConfig() as { units: number }).units;
  const [wf, bf] = weights(model.getLayer('fused_features'));
  const [wc, bc] = weights(model.getLayer('classification_probs'));
  const [wu, bu] = weights(model.getLayer('regression_uncertainty'));
  const f1 = b1!.length;
  const f2 = b2!.length;
  const lstmBias = new Float32Array(8 * units);
  for (let g = 0; g < 4; g++)
    for (let j = 0; j < units; j++) lstmBias[g * units + j] = bias![KERAS_GATE[g]! * units + j]!;

  const node = (
    op: string,
    inputs: string[],
    output: string,
    attributes?: NodeSpec['attributes'],
  ) => ({ op, inputs, outputs: [output], attributes, name: output }) satisfies NodeSpec;
  const spec: GraphSpec = {
    name: 'cnn_lstm_feature_extractor',
    producer: 'perfsight (scripts/build-onnx-model.ts)',
    inputs: [{ name: 'series', shape: ['batch', TIMESTEPS, FEATURES] }],
    outputs: [
      { name: 'fused_features', shape: ['batch', 10, FUSED_DIM] },
      { name: 'classification_probs', shape: ['batch', 3] },
      { name: 'regression_uncertainty', shape: ['batch', 1] },
    ],
    nodes: [
      node('Transpose', ['series'], 'series_ncw', { perm: [0, 2, 1] }),
      // Convolutional branch: 60 → 30 → 10 steps.
      node('Conv', ['series_ncw', 'conv1_w', 'conv1_b'], 'conv1', {
        kernel_shape: [3],
        pads: [1, 1],
      }),
      node('Relu', ['conv1'], 'conv1_relu'),
      node('MaxPool', ['conv1_relu'], 'pool1', { kernel_shape: [2], strides: [2] }),
      node('Conv', ['pool1', 'conv2_w', 'conv2_b'], 'conv2', { kernel_shape: [3], pads: [1, 1] }),
      node('Relu', ['conv2'], 'conv2_relu'),
      node('MaxPool', ['conv2_relu'], 'pool2', { kernel_shape: [3], strides: [3] }),
      node('Transpose', ['pool2'], 'conv_branch', { perm: [0, 2, 1] }),
      // Recurrent branch over 10 averaged steps, sequence-major as ONNX's LSTM reads it.
      node('AveragePool', ['series_ncw'], 'averaged', { kernel_shape: [6], strides: [6] }),
      node('Transpose', ['averaged'], 'steps_first', { perm: [2, 0, 1] }),
      node('LSTM', ['steps_first', 'lstm_w', 'lstm_r', 'lstm_b'], 'lstm_y', {
        hidden_size: units,
        activations: ['HardSigmoid', 'Tanh', 'Tanh'],
        activation_alpha: { float: [0.2] },
        activation_beta: { float: [0.5] },
      }),
      node('Squeeze', ['lstm_y', 'axis_1'], 'lstm_steps'),
      node('Transpose', ['lstm_steps'], 'lstm_branch', { perm: [1, 0, 2] }),
      node('Concat', ['conv_branch', 'lstm_branch'], 'merged', { axis: 2 }),
      node('MatMul', ['merged', 'fused_w'], 'fused_linear'),
      node('Add', ['fused_linear', 'fused_b'], 'fused_biased'),
      node('Tanh', ['fused_biased'], 'fused_features'),
      node('ReduceMean', ['fused_features'], 'pooled', { axes: [1], keepdims: 0 }),
      node('MatMul', ['pooled', 'classes_w'], 'classes_linear'),
      node('Add', ['classes_linear', 'classes_b'], 'logits'),
      node('Softmax', ['logits'], 'classification_probs', { axis: -1 }),
      node('MatMul', ['pooled', 'uncertainty_w'], 'uncertainty_linear'),
      node('Add', ['uncertainty_linear', 'uncertainty_b'], 'uncertainty_biased'),
      node('Softplus', ['uncertainty_biased'], 'regression_uncertainty'),
    ],
    initializers: [
      { name: 'conv1_w', dims: [f1, FEATURES, 3], values: convKernel(k1!, 3, FEATURES, f1) },
      { name: 'conv1_b', dims: [f1], values: b1! },
      { name: 'conv2_w', dims: [f2, f1, 3], values: convKernel(k2!, 3, f1, f2) },
      { name: 'conv2_b', dims: [f2], values: b2! },
      {
        name: 'lstm_w',
        dims: [1, 4 * units, FEATURES],
        values: gateMatrix(kernel!, FEATURES, units),
      },
      { name: 'lstm_r', dims: [1, 4 * units, units], values: gateMatrix(recurrent!, units, units) },
      { name: 'lstm_b', dims: [1, 8 * units], values: lstmBias },
      { name: 'axis_1', dims: [1], values: BigInt64Array.from([1n]) },
      { name: 'fused_w', dims: [f2 + units, FUSED_DIM], values: wf! },
      { name: 'fused_b', dims: [FUSED_DIM], values: bf! },
      { name: 'classes_w', dims: [FUSED_DIM, 3], values: wc! },
      { name: 'classes_b', dims: [3], values: bc! },
      { name: 'uncertainty_w', dims: [FUSED_DIM, 1], values: wu! },
      { name: 'uncertainty_b', dims: [1], values: bu! },
    ],
  };
  return writeOnnxModel(spec);
}
