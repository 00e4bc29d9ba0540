/**
 * What perfsight's harness costs an ONNX model: the p50 perfsight measures (`run`'s
 * feature-extraction workload on the model file: input check, cache lookup, runner, recorder)
 * against a bare `session.run` loop over the same inputs in the same process. Goal ≤ 1.2×.
 * Two models: the built-in CNN+LSTM (~0.5 ms) and a small dense encoder (tens of µs), where
 * the harness's fixed cost shows most.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { runWorkload } from '../src/load/index.js';
import { MetricsCollector } from '../src/metrics/index.js';
import { writeOnnxModel } from '../src/workloads/feature-extraction/_onnx-writer.js';
import { BUILT_IN_ONNX_URL } from '../src/workloads/feature-extraction/built-in-onnx.js';
import {
  SeriesStream,
  featureExtractionWorkload,
  loadOnnxModel,
} from '../src/workloads/feature-extraction/index.js';
import { ort } from '../src/workloads/feature-extraction/onnx.js';
import { fileURLToPath } from 'node:url';
import { median, round } from './_stats.js';

const CALLS = 2000;
const REPETITIONS = 5;

function smallModel(dir: string): string {
  const w = Float32Array.from({ length: 192 * 16 }, (_, i) => Math.sin(i) * 0.1);
  const path = join(dir, 'small.onnx');
  writeFileSync(
    path,
    writeOnnxModel({
      name: 'small',
      inputs: [{ name: 'window', shape: ['batch', 32, 6] }],
      outputs: [{ name: 'embedding', shape: ['batch', 16] }],
      nodes: [
        { op: 'Flatten', inputs: ['window'], outputs: ['flat'], attributes: { axis: 1 } },
        { op: 'MatMul', inputs: ['flat', 'w'], outputs: ['projected'] },
        { op: 'Relu', inputs: ['projected'], outputs: ['embedding'] },
      ],
      initializers: [{ name: 'w', dims: [192, 16], values: w }],
    }),
  );
  return path;
}

/** `np.save` of float32 windows. */
function npyOf(windows: Float32Array[], shape: number[]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const prefix = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, 0, 0]);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([
    prefix,
    Buffer.from(header, 'latin1'),
    ...windows.map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength)),
  ]);
}

async function compare(path: string, itemDims: number[], dir: string) {
  const { Tensor } = await ort();
  const runner = await loadOnnxModel(path, { threads: 1 });
  const inputName = runner.signature.input.name;
  const inputs = Array.from({ length: CALLS }, (_, i) =>
    new SeriesStream(500 + i, 0, 1, itemDims).next(),
  );
  const bare = async () => {
    const times = new Float64Array(CALLS);
    for (let i = 0; i < CALLS; i++) {
      const start = performance.now();
      await runner.session.run({
        [inputName]: new Tensor('float32', inputs[i]!, [1, ...itemDims]),
      });
      times[i] = performance.now() - start;
    }
    return median(Array.from(times));
  };
  // The workload reads the very same windows (`--inputs`), in the same order.
  const npy = join(dir, `${basename(path)}.inputs.npy`);
  writeFileSync(npy, npyOf(inputs, [CALLS, ...itemDims]));
  const workload = featureExtractionWorkload({
    model: path,
    inputs: npy,
    threads: 1,
    repeatRatio: 0,
    modelTimeoutMs: 60_000,
    // Every call reaches the model: no window is a cache hit when the cycle wraps.
    cacheSize: 1,
  });
  await workload.setup!();
  const measured = async () => {
    const collector = new MetricsCollector();
    await runWorkload(workload, collector, { iterations: CALLS, warmup: 0 });
    return collector.getCurrentMetrics().latency_p50;
  };
  await bare();
  await measured();
  const ratios: number[] = [];
  const bareP50: number[] = [];
  const measuredP50: number[] = [];
  for (let r = 0; r < REPETITIONS; r++) {
    const b = await bare();
    const m = await measured();
    bareP50.push(b);
    measuredP50.push(m);
    ratios.push(m / b);
  }
  await workload.teardown!();
  await runner.dispose();
  return {
    bare_session_run_p50_us: round(median(bareP50) * 1000),
    perfsight_measured_p50_us: round(median(measuredP50) * 1000),
    ratio: round(median(ratios), 3),
  };
}

export default async function onnxHarnessBench(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'perfsight-bench-onnx-'));
  return {
    how: `${CALLS} calls of distinct inputs, batch 1, 1 intra-op thread; ${REPETITIONS} repetitions of bare then measured, median of the per-repetition p50 ratios; the workload reads the same windows with --inputs, repeat ratio 0 and a 1-entry cache, so every call reaches the model; measured = input check, cache lookup, ONNX runner, runner + recorder`,
    built_in_cnn_lstm: await compare(fileURLToPath(BUILT_IN_ONNX_URL), [60, 15], dir),
    small_dense_encoder: await compare(smallModel(dir), [32, 6], dir),
    goal: 'ratio ≤ 1.2',
  };
}
