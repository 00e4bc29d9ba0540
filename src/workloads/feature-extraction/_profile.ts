import type { ModelProfile } from '../../load/index.js';
import {
  buildModelProfile,
  type OperatorTiming,
  type ProfiledInference,
} from '../profile/index.js';
import { modelArtifacts, tf } from './model.js';

/**
 * A TensorFlow.js layers model's breakdown, layer by layer: `calls` predictions (after one
 * warm-up) on a copy of the model whose layers are each timed as they apply. On the WASM and
 * CPU backends a layer's kernels run synchronously inside its `apply`, so the time around it
 * is the layer's own work, not its dispatch; each inference is timed from `predict` to its
 * outputs read back, and a layer's share is of that. The copy keeps the measured model
 * untouched (its layers are never wrapped) and is disposed afterwards.
 */
export async function profileLayers(
  model: tf.LayersModel,
  input: (call: number) => tf.Tensor,
  calls: number,
  provider: string,
): Promise<ModelProfile> {
  const copy = await tf.loadLayersModel(tf.io.fromMemory(await modelArtifacts(model)));
  const inferences: ProfiledInference[] = [];
  // Undefined during the warm-up: its first-call costs (kernel set-up) are not the model's.
  let sink: OperatorTiming[] | undefined;
  try {
    for (const layer of copy.layers) {
      const apply = layer.apply.bind(layer);
      const opType = layer.getClassName();
      layer.apply = (inputs, kwargs) => {
        const started = performance.now();
        const outputs = apply(inputs, kwargs);
        sink?.push({ name: layer.name, op_type: opType, ms: performance.now() - started });
        return outputs;
      };
    }
    for (let call = 0; call <= calls; call++) {
      const x = input(call);
      const operators: OperatorTiming[] = [];
      sink = call === 0 ? undefined : operators;
      const started = performance.now();
      const predicted = copy.predict(x);
      const outputs = Array.isArray(predicted) ? predicted : [predicted];
      await Promise.all(outputs.map((t) => t.data()));
      if (call > 0) inferences.push({ ms: performance.now() - started, operators });
      tf.dispose([x, ...outputs]);
    }
  } finally {
    copy.dispose();
  }
  return buildModelProfile('tfjs', provider, inferences);
}

/**
 * A TensorFlow.js model without layers (a graph model, as `tensorflowjs_converter` writes)
 * kernel by kernel: `tf.profile`'s time of each kernel, by kernel name (`op_type` and `name`
 * alike: a graph model's kernels carry no node name). Kernel times leave out TensorFlow.js's
 * per-op overhead, so the shares are of an inference timed without the profiler (the same
 * inputs, run first) and what they leave is the runtime's own time.
 */
export async function profileKernels(
  infer: (x: tf.Tensor) => tf.Tensor | tf.Tensor[] | Promise<tf.Tensor | tf.Tensor[]>,
  input: (call: number) => tf.Tensor,
  calls: number,
  provider: string,
): Promise<ModelProfile> {
  const once = async (x: tf.Tensor) => {
    const predicted = await infer(x);
    const outputs = Array.isArray(predicted) ? predicted : [predicted];
    await Promise.all(outputs.map((t) => t.data()));
    return outputs;
  };
  const inputs = Array.from({ length: calls + 1 }, (_, call) => input(call));
  const inferences: ProfiledInference[] = [];
  try {
    tf.dispose(await once(inputs[0]!)); // warm-up: kernel set-up is not the model's
    // Each input timed bare, then profiled: a burst of load hits both alike.
    for (const x of inputs.slice(1)) {
      const started = performance.now();
      tf.dispose(await once(x));
      const operators: OperatorTiming[] = [];
      inferences.push({ ms: performance.now() - started, operators });
      const info = await tf.profile(() => once(x));
      tf.dispose(info.result);
      for (const kernel of info.kernels) {
        // `fusedMatMul__op` is the scope of an op whose kernels are recorded too: counting
        // it would count them twice.
        if (kernel.name.endsWith('__op')) continue;
        const ms = typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
        operators.push({ name: kernel.name, op_type: kernel.name, ms });
      }
    }
  } finally {
    tf.dispose(inputs);
  }
  return buildModelProfile('tfjs', provider, inferences);
}
