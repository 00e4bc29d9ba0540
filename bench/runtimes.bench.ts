/**
 * The built-in CNN+LSTM in its two runtimes: TensorFlow.js (WASM backend) against ONNX
 * Runtime (CPU provider; its default threads, and one thread), batch 1 and 8, cold calls
 * (distinct inputs, no cache, no fallback) after a warm-up. The faster is `run`'s default
 * (`DEFAULT_BUILT_IN_RUNTIME`). Rounds alternate the runtimes, so a busy spell of the shared
 * machine hits both alike.
 */
import { quantileSorted } from '../src/analysis/compare/bootstrap.js';
import {
  LayersRunner,
  SeriesStream,
  buildFeatureModel,
  useBackend,
  type ModelRunner,
} from '../src/workloads/feature-extraction/index.js';
import { loadBuiltInOnnx } from '../src/workloads/feature-extraction/built-in-onnx.js';
import { round } from './_stats.js';

const ROUNDS = 5;

function percentiles(times: number[]) {
  const sorted = Float64Array.from(times).sort();
  return {
    p50_ms: round(quantileSorted(sorted, 0.5)),
    p95_ms: round(quantileSorted(sorted, 0.95)),
    p99_ms: round(quantileSorted(sorted, 0.99)),
    calls: times.length,
  };
}

export default async function runtimesBench(): Promise<Record<string, unknown>> {
  await useBackend('wasm');
  const runners: Record<string, ModelRunner> = {
    tfjs_wasm: new LayersRunner(buildFeatureModel(42), 'wasm'),
    onnx_cpu_default_threads: await loadBuiltInOnnx(42, {}),
    onnx_cpu_1_thread: await loadBuiltInOnnx(42, { threads: 1 }),
  };
  const results: Record<string, Record<string, unknown>> = {};
  for (const batch of [1, 8]) {
    const perRound = batch === 1 ? 100 : 25;
    const inputs = Array.from({ length: perRound }, (_, i) =>
      new SeriesStream(1000 + i, 0, batch).next(),
    );
    const times: Record<string, number[]> = {};
    for (const [name, runner] of Object.entries(runners)) {
      times[name] = [];
      for (let i = 0; i < 20; i++) await runner.run(inputs[i % perRound]!, batch); // warm-up
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, runner] of Object.entries(runners)) {
        for (const input of inputs) {
          const start = performance.now();
          await runner.run(input, batch);
          times[name]!.push(performance.now() - start);
        }
      }
    }
    for (const [name, list] of Object.entries(times)) {
      (results[name] ??= {})[`batch_${batch}`] = percentiles(list);
    }
  }
  for (const runner of Object.values(runners)) await runner.dispose?.();
  const p50 = (name: string) => (results[name]!.batch_1 as { p50_ms: number }).p50_ms;
  return {
    how: `built-in model, seed 42; per batch size ${ROUNDS} rounds alternating the runtimes over the same distinct inputs (100 calls per round at batch 1, 25 at batch 8) after 20 warm-up calls each; runner.run alone (no cache, no fallback)`,
    ...results,
    faster_at_batch_1: p50('onnx_cpu_default_threads') < p50('tfjs_wasm') ? 'onnx' : 'tfjs',
    tfjs_over_onnx_p50_batch_1: round(p50('tfjs_wasm') / p50('onnx_cpu_default_threads'), 3),
  };
}
