import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FeatureExtractionConfig,
  FeatureExtractorFactory,
  FeatureInputError,
  SeriesStream,
  buildFeatureModel,
  loadModel,
  saveModel,
  useBackend,
} from '../../src/workloads/feature-extraction/index.js';
import { tf } from '../../src/workloads/feature-extraction/model.js';
import { runCli, tempDir } from '../_helpers.js';

const series = (seed: number, batch = 1) => new SeriesStream(seed, 0, batch).next();

describe('the CNN+LSTM feature extractor (TensorFlow.js, WASM backend)', () => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    expect(await useBackend('wasm')).toBe('wasm');
    model = buildFeatureModel(42);
  });

  it('has the seed’s shapes: fused [b,10,256], probabilities [b,3] summing to 1, uncertainty [b,1] > 0', async () => {
    const extractor = FeatureExtractorFactory.createExtractor(model);
    for (const batch of [1, 3]) {
      const out = await extractor.extractFeatures(series(batch, batch), batch);
      expect(out.fusedFeatures).toHaveLength(batch * 10 * 256);
      expect(out.classificationProbs).toHaveLength(batch * 3);
      expect(out.regressionUncertainty).toHaveLength(batch);
      for (let b = 0; b < batch; b++) {
        const row = out.classificationProbs.slice(b * 3, b * 3 + 3);
        expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
        expect(out.regressionUncertainty[b]).toBeGreaterThan(0);
      }
      expect(out.fusedFeatures.every((v) => Math.abs(v) <= 1)).toBe(true); // tanh
    }
    expect(model.outputs.map((o) => o.shape)).toEqual([
      [null, 10, 256],
      [null, 3],
      [null, 1],
    ]);
  });

  it('is deterministic: the same seed gives the same outputs, another seed others', async () => {
    const input = series(7);
    // The model's own answers: no fallback, which a loaded machine's slow first inference
    // would otherwise call in.
    const answer = (seed: number) =>
      FeatureExtractorFactory.createExtractor(buildFeatureModel(seed), {
        enableFallback: false,
      }).extractFeatures(input);
    const [a, b, c] = [await answer(42), await answer(42), await answer(43)];
    expect(Array.from(a.fusedFeatures)).toEqual(Array.from(b.fusedFeatures));
    expect(Array.from(a.classificationProbs)).toEqual(Array.from(b.classificationProbs));
    expect(Array.from(a.fusedFeatures)).not.toEqual(Array.from(c.fusedFeatures));
  });

  it('reports cache hits and misses itself, and evicts the least recently used entry', async () => {
    // No fallback: on a loaded machine a slow inference would be answered by the fallback,
    // which is not cached, and the eviction order under test would change.
    const extractor = FeatureExtractorFactory.createExtractor(model, {
      cacheSize: 2,
      enableFallback: false,
    });
    const [x, y, z] = [series(1), series(2), series(3)];
    const first = await extractor.extractFeatures(x);
    const again = await extractor.extractFeatures(Float32Array.from(x)); // same bytes, new array
    expect([first.cacheHit, again.cacheHit]).toEqual([false, true]);
    expect(Array.from(again.fusedFeatures)).toEqual(Array.from(first.fusedFeatures));
    await extractor.extractFeatures(y); // cache: x, y
    await extractor.extractFeatures(x); // x is now the most recent
    await extractor.extractFeatures(z); // evicts y
    expect((await extractor.extractFeatures(x)).cacheHit).toBe(true);
    expect((await extractor.extractFeatures(y)).cacheHit).toBe(false);
    expect(extractor.stats).toMatchObject({ hits: 3, misses: 4, size: 2 });
  });

  it('falls back to the statistical extractor when the model throws, with the error type', async () => {
    let calls = 0;
    const extractor = FeatureExtractorFactory.createExtractor(
      model,
      { enableCaching: false },
      () => {
        if (++calls % 2 === 0)
          throw Object.assign(new Error('model crashed'), { name: 'ModelCrash' });
      },
    );
    const ok = await extractor.extractFeatures(series(4));
    const failed = await extractor.extractFeatures(series(4));
    expect(ok.fallbackUsed).toBe(false);
    expect(failed).toMatchObject({ fallbackUsed: true, errorType: 'ModelCrash', cacheHit: false });
    expect(failed.fusedFeatures).toHaveLength(10 * 256);
    expect(failed.classificationProbs.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
    expect(failed.regressionUncertainty[0]).toBeGreaterThan(0);
    const strict = FeatureExtractorFactory.createExtractor(model, { enableFallback: false }, () => {
      throw new Error('model crashed');
    });
    await expect(strict.extractFeatures(series(5))).rejects.toThrow('model crashed');
  });

  it('replaces an answer slower than timeoutMs by the fallback’s, flagged as a timeout', async () => {
    const extractor = FeatureExtractorFactory.createExtractor(model, { timeoutMs: 0 });
    const out = await extractor.extractFeatures(series(6));
    expect(out).toMatchObject({ fallbackUsed: true, errorType: 'timeout' });
    expect(out.inferenceMs).toBeGreaterThan(0);
    // A late answer is not cached: the next call asks the model again.
    expect((await extractor.extractFeatures(series(6))).cacheHit).toBe(false);
  });

  it('rejects bad input with a typed, precise error', async () => {
    const extractor = FeatureExtractorFactory.createExtractor(model);
    await expect(extractor.extractFeatures(new Float32Array(100))).rejects.toThrow(
      FeatureInputError,
    );
    await expect(extractor.extractFeatures(new Float32Array(100))).rejects.toThrow(
      /\[batch, 60, 15\].*got 100/,
    );
    const withNaN = series(8);
    withNaN[61 * 1] = NaN;
    await expect(extractor.extractFeatures(withNaN)).rejects.toThrow(
      /non-finite value NaN at series 0, timestep 4, feature 1/,
    );
    const rows = Array.from({ length: 60 }, () => Array(14).fill(0) as number[]);
    await expect(extractor.extractFeatures(rows)).rejects.toThrow(
      /timestep 0: expected 15 features, got 14/,
    );
    await expect(extractor.extractFeatures(series(8), 2)).rejects.toThrow(/batch 2 given/);
  });

  it('saves and loads back in the tfjs layers format, with the same answers', async () => {
    const dir = join(tempDir('perfsight-model-'), 'model');
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const input = series(9);
    // A generous model timeout: on a busy machine a 100 ms default could let the fallback
    // answer one side, and the comparison would no longer be model against model.
    const patient = { timeoutMs: 60_000 };
    const a = await FeatureExtractorFactory.createExtractor(model, patient).extractFeatures(input);
    const b = await FeatureExtractorFactory.createExtractor(loaded, patient).extractFeatures(input);
    expect([a.fallbackUsed, b.fallbackUsed]).toEqual([false, false]);
    expect(Array.from(b.fusedFeatures)).toEqual(Array.from(a.fusedFeatures));
    expect(loaded.countParams()).toBe(model.countParams());
    await expect(loadModel(join(dir, 'nope'))).rejects.toThrow(/cannot read the model/);
  });

  it('loads a model.json saved with a byte-order mark', async () => {
    const dir = join(tempDir('perfsight-model-'), 'model');
    await saveModel(model, dir);
    const file = join(dir, 'model.json');
    writeFileSync(file, '\uFEFF' + readFileSync(file, 'utf8'));
    expect((await loadModel(dir)).countParams()).toBe(model.countParams());
  });

  it('disposes its tensors: memory stays flat over many calls', async () => {
    const extractor = FeatureExtractorFactory.createExtractor(model, { enableCaching: false });
    const stream = new SeriesStream(11, 0);
    await extractor.extractFeatures(stream.next());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 300; i++) await extractor.extractFeatures(stream.next());
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('createExtractor the seed’s way: a model with forward(), fusedFeatureDim honoured', () => {
  /** The seed's mock model: forward(input) answering its three outputs as nested arrays. */
  const seedModel = (dim: number, calls: number[][][][] = []) => ({
    to() {
      return this;
    },
    eval: () => undefined,
    forward(input: number[][][]) {
      calls.push(input);
      const b = input.length;
      return {
        fused_features: Array.from({ length: b }, () =>
          Array.from({ length: 10 }, (_, t) => Array.from({ length: dim }, (_, d) => t + d / dim)),
        ),
        classification_probs: Array.from({ length: b }, () => [0.2, 0.3, 0.5]),
        regression_uncertainty: Array.from({ length: b }, () => [0.7]),
      };
    },
  });

  it('answers from forward(): the model’s own figures, in the seed’s input shape', async () => {
    const calls: number[][][][] = [];
    const extractor = FeatureExtractorFactory.createExtractor(seedModel(256, calls));
    const input = series(3);
    const out = await extractor.extractFeatures(input);
    expect(out).toMatchObject({ fallbackUsed: false, cacheHit: false });
    expect(out.errorType).toBeUndefined();
    expect(Array.from(out.classificationProbs)).toEqual([0.2, 0.3, 0.5].map(Math.fround));
    expect(out.fusedFeatures).toHaveLength(10 * 256);
    expect(out.fusedFeatures[256]).toBe(1); // t = 1, d = 0
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(1);
    expect(calls[0]![0]).toHaveLength(60);
    expect(calls[0]![0]![59]).toEqual(Array.from(input.slice(59 * 15, 60 * 15)));
    expect((await extractor.extractFeatures(input)).cacheHit).toBe(true);
  });

  it('fusedFeatureDim is honoured: the model’s answers and the fallback’s have that size', async () => {
    // The seed constructs its config: FeatureExtractionConfig(fused_feature_dim=128, …).
    const config = new FeatureExtractionConfig({ fusedFeatureDim: 128, cacheSize: 10 });
    expect(config).toMatchObject({ fusedFeatureDim: 128, cacheSize: 10, enableCaching: true });
    const extractor = FeatureExtractorFactory.createExtractor(seedModel(128), config);
    expect(extractor.config).toMatchObject({ fusedFeatureDim: 128, timeoutMs: 100 });
    expect((await extractor.extractFeatures(series(1))).fusedFeatures).toHaveLength(10 * 128);
    const failing = FeatureExtractorFactory.createExtractor(
      seedModel(128),
      { fusedFeatureDim: 128, enableCaching: false },
      () => {
        throw new Error('down');
      },
    );
    const fallback = await failing.extractFeatures(series(1));
    expect(fallback).toMatchObject({ fallbackUsed: true, errorType: 'Error' });
    expect(fallback.fusedFeatures).toHaveLength(10 * 128);
  });

  it('an answer of another size than fusedFeatureDim is a model error the fallback answers', async () => {
    const extractor = FeatureExtractorFactory.createExtractor(seedModel(64)); // 256 expected
    const out = await extractor.extractFeatures(series(2));
    expect(out).toMatchObject({ fallbackUsed: true, errorType: 'ModelOutputError' });
    expect(out.fusedFeatures).toHaveLength(10 * 256);
    const strict = FeatureExtractorFactory.createExtractor(seedModel(64), {
      enableFallback: false,
    });
    await expect(strict.extractFeatures(series(2))).rejects.toThrow(
      'fused_features holds 640 values, expected 2560',
    );
  });

  it('a TensorFlow.js model whose output is not fusedFeatureDim wide is refused at once', async () => {
    await useBackend('wasm');
    expect(() =>
      FeatureExtractorFactory.createExtractor(buildFeatureModel(42), { fusedFeatureDim: 128 }),
    ).toThrow("fusedFeatureDim 128 given, but the model's fused_features have 256");
    expect(() =>
      FeatureExtractorFactory.createExtractor(buildFeatureModel(42), { fusedFeatureDim: 0 }),
    ).toThrow('fusedFeatureDim must be a whole number ≥ 1, got 0');
  });

  it('what is not a model is refused at createExtractor, not answered by the fallback forever', () => {
    for (const notAModel of [{}, { predict: 1 }, null, 'model.json', { forward: 'x' }]) {
      expect(() => FeatureExtractorFactory.createExtractor(notAModel as never)).toThrow(
        /^createExtractor expects a TensorFlow\.js LayersModel or GraphModel, an ONNX Runtime InferenceSession, or an object with the seed's forward\(input\) method, got /,
      );
    }
    expect(() => FeatureExtractorFactory.createExtractor({ a: 1, b: 2 } as never)).toThrow(
      /got an object with a, b$/,
    );
    expect(() =>
      FeatureExtractorFactory.createExtractor(seedModel(256), { isolate: true }),
    ).toThrow(/isolate needs a TensorFlow\.js model/);
  });
});

describe('isolate: the model in a worker thread, so a timeout interrupts it', () => {
  let model: tf.LayersModel;
  beforeAll(async () => {
    await useBackend('wasm');
    model = buildFeatureModel(42);
  });

  it('answers as the in-process model does', async () => {
    const isolated = FeatureExtractorFactory.createExtractor(model, { isolate: true });
    try {
      await isolated.ready();
      const input = series(21, 2);
      const here = await FeatureExtractorFactory.createExtractor(model).extractFeatures(input, 2);
      const there = await isolated.extractFeatures(input, 2);
      expect(there.fallbackUsed).toBe(false);
      expect(Array.from(there.fusedFeatures)).toEqual(Array.from(here.fusedFeatures));
      expect(Array.from(there.classificationProbs)).toEqual(Array.from(here.classificationProbs));
    } finally {
      await isolated.close();
    }
  });

  it('answers a slow inference by the fallback at the timeout, stops it, and carries on', async () => {
    // A genuinely slow inference: 64 series on the CPU backend.
    const big = series(22, 64);
    const patient = FeatureExtractorFactory.createExtractor(model, {
      isolate: true,
      backend: 'cpu',
      enableCaching: false,
      timeoutMs: 60_000,
    });
    const hurried = FeatureExtractorFactory.createExtractor(model, {
      isolate: true,
      backend: 'cpu',
      enableCaching: false,
      timeoutMs: 50,
    });
    try {
      await Promise.all([patient.ready(), hurried.ready()]);
      let t = performance.now();
      const full = await patient.extractFeatures(big, 64);
      const fullMs = performance.now() - t;
      expect(full.fallbackUsed).toBe(false);

      t = performance.now();
      const cut = await hurried.extractFeatures(big, 64);
      const cutMs = performance.now() - t;
      expect(cut).toMatchObject({ fallbackUsed: true, errorType: 'timeout' });
      // The model's part ends at the timeout, not when the inference would have.
      expect(cut.inferenceMs).toBeGreaterThanOrEqual(45); // timers may round down a millisecond
      expect(cut.inferenceMs).toBeLessThan(fullMs / 2);
      console.info(
        `64 series on cpu: ${fullMs.toFixed(0)} ms in full, ${cutMs.toFixed(0)} ms with a 50 ms timeout`,
      );

      // The overrunning worker was replaced: once the new one is up, the model answers again.
      // A fresh worker's first inferences can overrun 50 ms on a busy machine (each overrun
      // replaces the worker again), so the model gets a few calls to show it answers.
      await hurried.ready();
      let answeredByModel = false;
      for (let i = 0; i < 10 && !answeredByModel; i++) {
        const next = await hurried.extractFeatures(series(23 + i));
        if (next.fallbackUsed) expect(next.errorType).toBe('timeout');
        answeredByModel = !next.fallbackUsed;
        await hurried.ready();
      }
      expect(answeredByModel).toBe(true);
    } finally {
      await Promise.all([patient.close(), hurried.close()]);
    }
  });

  it('without the fallback, a late model is a timeout error', async () => {
    const strict = FeatureExtractorFactory.createExtractor(model, {
      isolate: true,
      backend: 'cpu',
      enableFallback: false,
      enableCaching: false,
      timeoutMs: 20,
    });
    try {
      await strict.ready();
      await expect(strict.extractFeatures(series(24, 64), 64)).rejects.toMatchObject({
        name: 'timeout',
      });
    } finally {
      await strict.close();
    }
  });
});

describe('perfsight run feature-extraction', () => {
  const dir = tempDir('perfsight-fe-cli-');

  it('is the default workload: measures the real model, states it, reports cache and fallback', async () => {
    const out = join(dir, 'default');
    const result = await runCli([
      'run',
      '-n',
      '150',
      '--no-progress',
      '--no-history',
      '--fault-rate',
      '0.1',
      '--repeat-ratio',
      '0.3',
      '-o',
      out,
    ]);
    // A tenth of the answers were the fallback's, not the model's: the verdict fails, and
    // says why (the default objectives include fallback<1%).
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(
      /❌ FAIL {2}fallback<1% +the fallback answered [\d.]+ % of calls/,
    );
    expect(result.stdout).toMatch(/PERFORMANCE SUMMARY: feature-extraction/);
    expect(result.stdout).toMatch(
      /Model: built-in CNN\+LSTM \(seeded\) · ONNX Runtime, cpu provider, its default threads · 168,196 parameters/,
    );
    const { readFileSync } = await import('node:fs');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.workload).toMatchObject({
      kind: 'feature-extraction',
      // The built-in model's default runtime: ONNX Runtime, the faster here (npm run bench).
      runtime: 'onnx',
      execution_provider: 'cpu',
      threads: null,
      input_shape: [1, 60, 15],
    });
    expect(summary.workload.parameters).toBeGreaterThan(100_000);
    const o = summary.optimization_metrics;
    expect(o.cache_hits).toBeGreaterThan(10);
    expect(o.cache_hits + o.cache_misses).toBe(150);
    expect(o.fallback_uses).toBeGreaterThan(3);
    expect(o.fallback_uses).toBeLessThan(40);
    const bySource = summary.latency_by_source;
    expect(bySource.fallback.count).toBe(o.fallback_uses);
    expect(bySource.cache.count).toBe(o.cache_hits);
    expect(bySource.model.count + bySource.cache.count + bySource.fallback.count).toBe(150);
    // Why the model did not answer is kept: per sample, and counted apart from the errors.
    const reasons: Record<string, number> = summary.error_analysis.fallback_reasons;
    expect(Object.values(reasons).reduce((a, n) => a + n, 0)).toBe(o.fallback_uses);
    expect(reasons['model_error:InjectedModelFault']).toBeGreaterThan(0);
    for (const reason of Object.keys(reasons)) {
      expect(reason).toMatch(/^model_(timeout|error:InjectedModelFault)$/);
    }
    expect(summary.error_analysis.error_counts).toEqual({});
    const { gunzipSync } = await import('node:zlib');
    const rows = gunzipSync(readFileSync(join(out, 'samples.csv.gz')))
      .toString()
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    const fallbackRows = rows.filter((r) => r[4] === 'true');
    expect(fallbackRows).toHaveLength(o.fallback_uses);
    for (const r of fallbackRows) expect(r[2]).toBe('true');
    for (const r of fallbackRows)
      expect(r[5]).toMatch(/^model_(timeout|error:InjectedModelFault)$/);
    for (const r of rows.filter((r) => r[4] !== 'true')) expect(r[5]).toBe('');
  }, 120_000);

  it('--isolate runs the model in a worker thread: --model-timeout then cuts it short', async () => {
    const out = join(dir, 'isolated');
    const result = await runCli([
      'run',
      '-n',
      '40',
      '--no-progress',
      '--no-history',
      '--repeat-ratio',
      '0',
      // TensorFlow.js: no inference of this model takes under 1 ms there.
      '--runtime',
      'tfjs',
      '--isolate',
      '--model-timeout',
      '1ms',
      '-o',
      out,
    ]);
    // The fallback, not the model, answered: such a run cannot pass.
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).not.toContain('✅ P95 Latency requirement met');
    expect(result.stdout).toMatch(/❌ FAIL {2}fallback<1% +the fallback answered/);
    expect(result.stdout).toMatch(/TensorFlow\.js, backend wasm in a worker thread/);
    const { readFileSync } = await import('node:fs');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    // The model's deadline has its own name end to end: not the call timeout (`--timeout`,
    // the run plan's `timeout_ms`), which this run does not set.
    expect(summary.workload).toMatchObject({ isolated_in_worker: true, model_timeout_ms: 1 });
    expect(summary.workload).not.toHaveProperty('timeout_ms');
    expect(summary.configuration.workload_options).toEqual({
      repeatRatio: 0,
      runtime: 'tfjs',
      modelTimeoutMs: 1,
      isolate: true,
    });
    expect(summary.configuration.timeout_ms).toBeNull();
    // No inference of this model takes under 1 ms: the fallback answered (nearly) every call.
    expect(summary.optimization_metrics.fallback_uses).toBeGreaterThanOrEqual(38);
  }, 120_000);

  it('--model measures a model loaded from a directory', async () => {
    await useBackend('wasm');
    const modelDir = join(dir, 'saved');
    await saveModel(buildFeatureModel(5), modelDir);
    const out = join(dir, 'loaded');
    const result = await runCli([
      'run',
      'feature-extraction',
      '--model',
      modelDir,
      '-n',
      '30',
      // On a busy machine one slow inference past the default 100 ms would be the fallback's
      // and fail the run (fallback<1%); this test is about loading the model.
      '--model-timeout',
      '60s',
      '--no-progress',
      '--no-history',
      '-o',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Model: ${modelDir}`);
    const bad = await runCli([
      'run',
      '--model',
      join(dir, 'missing'),
      '-n',
      '5',
      '--no-progress',
      '--no-history',
      '-o',
      join(dir, 'x'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^perfsight: .*missing: cannot read the model \(no such file or directory\)$/m,
    );
  }, 120_000);
});
