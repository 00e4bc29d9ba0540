import { beforeAll, describe, expect, it } from 'vitest';
import {
  FEATURES,
  SeriesStream,
  TIMESTEPS,
  buildFeatureModel,
  featureExtractionWorkload,
  useBackend,
} from '../../src/workloads/feature-extraction/index.js';
import { profileLayers } from '../../src/workloads/feature-extraction/_profile.js';
import { tf } from '../../src/workloads/feature-extraction/model.js';

describe('the TensorFlow.js breakdown, layer by layer (WASM backend)', () => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    expect(await useBackend('wasm')).toBe('wasm');
    model = buildFeatureModel(42);
  });

  const input = (batch: number) => {
    const stream = new SeriesStream(7, 0, batch);
    return () => tf.tensor3d(stream.next(), [batch, TIMESTEPS, FEATURES]);
  };

  it('times every layer of each profiled inference, by layer name and class', async () => {
    const profile = await profileLayers(model, input(2), 3, 'wasm');
    expect(profile).toMatchObject({ runtime: 'tfjs', provider: 'wasm', calls: 3 });
    const applied = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    expect(profile.operators.map((o) => o.name).sort()).toEqual(applied.map((l) => l.name).sort());
    for (const o of profile.operators) {
      expect(o.calls).toBe(3);
      expect(o.op_type).toBe(model.getLayer(o.name).getClassName());
      expect(o.mean_us).toBeCloseTo((o.total_ms / o.calls) * 1000, 6);
    }
    expect(profile.operators.map((o) => o.op_type)).toEqual(
      expect.arrayContaining(['LSTM', 'Conv1D', 'Dense']),
    );
    const shares = profile.operators.map((o) => o.share);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    // Layers run inside the inference: together they take at most all of it.
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
    expect(profile.inference_ms).toBeGreaterThan(0);
  });

  it('profiles a copy: the measured model is left as it was, and answers the same', async () => {
    const x = input(1)();
    const before = await (model.predict(x) as tf.Tensor[])[0]!.data();
    const tensors = tf.memory().numTensors;
    await profileLayers(model, input(1), 2, 'wasm');
    for (const layer of model.layers) expect(Object.hasOwn(layer, 'apply')).toBe(false);
    expect(await (model.predict(x) as tf.Tensor[])[0]!.data()).toEqual(before);
    // The copy, its inputs and outputs are disposed.
    expect(tf.memory().numTensors).toBeLessThanOrEqual(tensors + 3);
  });

  it('the workload profiles the model alone, past its extractor: injected model faults never reach it', async () => {
    const workload = await featureExtractionWorkload({ batch: 1, faultRate: 1 });
    await workload.setup!();
    const profile = await workload.profile!(4);
    expect(profile?.calls).toBe(4);
    // With every model call failing on purpose, a profile through the extractor would throw
    // or count fallbacks; the model alone answers.
    expect(profile?.operators.length).toBeGreaterThan(0);
    await workload.teardown!();
  });
});
