import { beforeAll, describe, expect, it } from 'vitest';
import {
  FEATURES,
  SeriesStream,
  TIMESTEPS,
  buildFeatureModel,
  featureExtractionWorkload,
  useBackend,
} from '../../src/workloads/feature-extraction/index.js';
import { profileKernels, profileLayers } from '../../src/workloads/feature-extraction/_profile.js';
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
    // The typical inference: the layers' medians and the runtime's, shares adding up to 1.
    const medians = profile.operators.reduce((sum, o) => sum + o.median_ms!, 0);
    expect(medians + profile.runtime_ms!).toBeCloseTo(profile.inference_ms, 9);
    expect(shares.reduce((a, b) => a + b, profile.runtime_ms! / profile.inference_ms)).toBeCloseTo(
      1,
      9,
    );
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

describe('the TensorFlow.js breakdown, kernel by kernel (a model without layers)', () => {
  it('times each kernel with tf.profile, by kernel name, against an unprofiled inference', async () => {
    expect(await useBackend('wasm')).toBe('wasm');
    const model = buildFeatureModel(42);
    const stream = new SeriesStream(9, 0, 1);
    const tensors = tf.memory().numTensors;
    const profile = await profileKernels(
      (x) => model.predict(x) as tf.Tensor[],
      () => tf.tensor3d(stream.next(), [1, TIMESTEPS, FEATURES]),
      3,
      'wasm',
    );
    expect(profile).toMatchObject({ runtime: 'tfjs', provider: 'wasm', calls: 3 });
    const types = profile.operators.map((o) => o.op_type);
    // The LSTM's matrix products and gates, the convolutions: kernels, not layers.
    expect(types.some((t) => /MatMul/.test(t))).toBe(true);
    expect(types.some((t) => /Conv/.test(t))).toBe(true);
    for (const o of profile.operators) {
      expect(o.name).toBe(o.op_type);
      // A kernel runs several times an inference (the LSTM steps): a multiple of the calls.
      expect(o.calls % 3).toBe(0);
    }
    // An op's scope (`fusedMatMul__op`) is not counted beside the kernels it ran.
    expect(types.filter((t) => t.endsWith('__op'))).toEqual([]);
    expect(profile.operators.reduce((sum, o) => sum + o.share, 0)).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
  });
});
