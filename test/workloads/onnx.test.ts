import { describe, expect, it } from 'vitest';
import {
  FeatureExtractorFactory,
  SeriesStream,
  loadOnnxModel,
} from '../../src/workloads/feature-extraction/index.js';
import { ort } from '../../src/workloads/feature-extraction/onnx.js';
import { tempDir } from '../_helpers.js';
import { SENSOR, openOutputSpec, writeModel } from './_onnx-models.js';

const window = (seed: number, batch = 1) =>
  new SeriesStream(seed, 0, batch, [SENSOR.steps, SENSOR.channels]).next();

describe('ONNX models (onnxruntime-node)', () => {
  it('reads names and shapes from the model, and answers what session.run answers', async () => {
    const path = writeModel(tempDir('perfsight-onnx-'), 'sensor.onnx');
    const runner = await loadOnnxModel(path, { threads: 1 });
    expect(runner.signature).toEqual({
      input: { name: 'sensor_window', shape: ['batch', 32, 6] },
      outputs: [
        { name: 'embedding', shape: ['batch', 16] },
        { name: 'anomaly_score', shape: ['batch', 1] },
      ],
    });
    const extractor = FeatureExtractorFactory.createExtractor(runner);
    const input = window(3, 2);
    const out = await extractor.extractFeatures(input, 2);
    const { Tensor } = await ort();
    const bare = await runner.session.run({
      sensor_window: new Tensor('float32', input, [2, 32, 6]),
    });
    expect(Object.keys(out.outputs)).toEqual(['embedding', 'anomaly_score']);
    expect(Array.from(out.outputs.embedding!)).toEqual(
      Array.from(bare.embedding!.data as Float32Array),
    );
    expect(out.outputs.anomaly_score).toHaveLength(2);
    expect(out.fallbackUsed).toBe(false);
    await runner.dispose();
  });

  it('createExtractor takes an InferenceSession made by the user, and its fallback answers in the model’s shapes', async () => {
    const path = writeModel(tempDir('perfsight-onnx-'), 'sensor.onnx');
    const { InferenceSession } = await ort();
    const session = await InferenceSession.create(path);
    const extractor = FeatureExtractorFactory.createExtractor(session, {}, () => {
      throw new Error('model crashed');
    });
    const out = await extractor.extractFeatures(window(4, 3), 3);
    expect(out).toMatchObject({ fallbackUsed: true, errorType: 'Error', batch: 3 });
    expect(out.outputs.embedding).toHaveLength(3 * 16);
    expect(out.outputs.anomaly_score).toHaveLength(3);
    expect(Array.from(out.outputs.embedding!).every((v) => Number.isFinite(v))).toBe(true);
    // Wrong shape: refused with the model's own dimensions, never the fallback's to answer.
    await expect(extractor.extractFeatures(new Float32Array(100))).rejects.toThrow(
      /\[batch, 32, 6\].*got 100/,
    );
    expect(() => FeatureExtractorFactory.createExtractor(session, { isolate: true })).toThrow(
      /isolate needs .* ONNX model loaded from its file/,
    );
    await session.release();
  });

  it('an output the model leaves open cannot be shaped by a fallback: it is off, and says why', async () => {
    const path = writeModel(tempDir('perfsight-onnx-'), 'open.onnx', openOutputSpec());
    const runner = await loadOnnxModel(path);
    const extractor = FeatureExtractorFactory.createExtractor(runner, {}, () => {
      throw new Error('model crashed');
    });
    expect(extractor.fallbackUnavailable).toMatch(/output "active_units" has .* open/);
    await expect(extractor.extractFeatures(window(5))).rejects.toThrow('model crashed');
    await runner.dispose();
  });

  it('isolate: the model in a worker thread answers the same as in-process', async () => {
    const path = writeModel(tempDir('perfsight-onnx-'), 'sensor.onnx');
    const runner = await loadOnnxModel(path, { threads: 1 });
    const input = window(6);
    const inProcess = await FeatureExtractorFactory.createExtractor(runner).extractFeatures(input);
    const isolated = FeatureExtractorFactory.createExtractor(runner, {
      isolate: true,
      timeoutMs: 30_000,
    });
    await isolated.ready();
    const answer = await isolated.extractFeatures(input);
    await isolated.close();
    expect(answer.fallbackUsed).toBe(false);
    expect(Array.from(answer.outputs.embedding!)).toEqual(Array.from(inProcess.outputs.embedding!));
    await runner.dispose();
  }, 60_000);
});
