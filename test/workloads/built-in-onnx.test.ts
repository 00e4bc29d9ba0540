import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtInOnnxBytes } from '../../src/workloads/feature-extraction/_built-in-export.js';
import {
  BUILT_IN_ONNX_URL,
  BUILT_IN_PARAMETERS,
  loadBuiltInOnnx,
} from '../../src/workloads/feature-extraction/built-in-onnx.js';
import {
  LayersRunner,
  SeriesStream,
  buildFeatureModel,
  useBackend,
} from '../../src/workloads/feature-extraction/index.js';
import { runCli, tempDir } from '../_helpers.js';
import { runModel } from './_model-runs.js';

describe('the built-in CNN+LSTM in both runtimes', () => {
  beforeAll(async () => {
    await useBackend('wasm');
  });

  it('the shipped ONNX file is what the build script writes from the seeded weights', () => {
    const shipped = readFileSync(fileURLToPath(BUILT_IN_ONNX_URL));
    const rebuilt = builtInOnnxBytes(buildFeatureModel(42));
    // Not stale: `npm run build:onnx-model` after changing the model keeps this true.
    expect(Buffer.compare(shipped, Buffer.from(rebuilt))).toBe(0);
    expect(buildFeatureModel(42).countParams()).toBe(BUILT_IN_PARAMETERS);
  });

  it('ONNX Runtime and TensorFlow.js give the same outputs for the same inputs (1e-4)', async () => {
    for (const seed of [42, 7]) {
      const onnx = await loadBuiltInOnnx(seed, { threads: 1 });
      const tfjs = new LayersRunner(buildFeatureModel(seed), 'wasm');
      expect(onnx.signature.outputs.map((o) => o.name)).toEqual([
        'fused_features',
        'classification_probs',
        'regression_uncertainty',
      ]);
      for (const batch of [1, 4]) {
        const input = new SeriesStream(seed + batch, 0, batch).next();
        const [a, b] = [await onnx.run(input, batch), await tfjs.run(input, batch)];
        expect(a.map((o) => o.length)).toEqual([batch * 10 * 256, batch * 3, batch]);
        a.forEach((output, k) => {
          let worst = 0;
          for (let i = 0; i < output.length; i++) {
            worst = Math.max(worst, Math.abs(output[i]! - b[k]![i]!));
          }
          expect(worst, `seed ${seed}, batch ${batch}, output ${k}`).toBeLessThan(1e-4);
        });
      }
      await onnx.dispose();
    }
  }, 60_000);

  it('--runtime picks the runtime; the Model line names runtime, provider and threads', async () => {
    const dir = tempDir('perfsight-runtime-');
    // About the Model line, not the latency: a busy machine must not fail it.
    const slo = 'p95<60s';
    const onnx = await runModel(
      ['--runtime', 'onnx', '--threads', '1', '-n', '20'],
      `${dir}/onnx`,
      {
        slo,
      },
    );
    expect(onnx.code, onnx.stderr).toBe(0);
    expect(onnx.stdout).toContain(
      'Model: built-in CNN+LSTM (seeded) · ONNX Runtime, cpu provider, 1 intra-op thread · 168,196 parameters',
    );
    // Where the time goes, from ONNX Runtime's profiler: the graph's own nodes.
    const detailed = JSON.parse(readFileSync(`${dir}/onnx/detailed.json`, 'utf8'));
    expect(detailed.model_profile).toMatchObject({ runtime: 'onnx', provider: 'cpu' });
    const nodes = detailed.model_profile.operators.map(
      (o: { name: string; op_type: string }) => `${o.name}:${o.op_type}`,
    );
    expect(nodes).toContain('lstm_y:LSTM');
    const tfjs = await runModel(['--runtime', 'tfjs', '-n', '20'], `${dir}/tfjs`, { slo });
    expect(tfjs.code, tfjs.stderr).toBe(0);
    expect(tfjs.stdout).toContain(
      'Model: built-in CNN+LSTM (seeded) · TensorFlow.js, backend wasm · 168,196 parameters',
    );
    // An option of the other runtime changes nothing: refused, before anything runs.
    const mixed = await runCli(['run', '--runtime', 'tfjs', '--threads', '2', '-n', '5']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr.trim()).toBe(
      'perfsight: --threads does nothing for a model run by TensorFlow.js (the built-in model: pick its runtime with --runtime)',
    );
  }, 120_000);
});
