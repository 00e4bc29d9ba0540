import type { ModelProfile } from '../../load/index.js';
import { buildModelProfile, type OperatorTiming } from '../profile/index.js';
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
  const timings: OperatorTiming[] = [];
  const inferencesMs: number[] = [];
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
      sink = call === 0 ? undefined : timings;
      const started = performance.now();
      const predicted = copy.predict(x);
      const outputs = Array.isArray(predicted) ? predicted : [predicted];
      await Promise.all(outputs.map((t) => t.data()));
      if (call > 0) inferencesMs.push(performance.now() - started);
      tf.dispose([x, ...outputs]);
    }
  } finally {
    copy.dispose();
  }
  return buildModelProfile('tfjs', provider, inferencesMs, timings);
}
