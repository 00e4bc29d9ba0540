import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SeriesStream } from '../../src/workloads/feature-extraction/index.js';
import { tempDir } from '../_helpers.js';
import { expectRefused, runModel } from '../workloads/_model-runs.js';
import {
  SENSOR,
  integerInputSpec,
  openOutputSpec,
  sensorModelSpec,
  twoInputSpec,
  writeModel,
} from '../workloads/_onnx-models.js';

/** numpy's `np.save` of a float32 C-ordered array, written by hand. */
function npy(values: Float32Array | Float64Array, shape: number[], descr = '<f4'): Buffer {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(values.buffer)]);
}

const ITEM = [SENSOR.steps, SENSOR.channels];
const windows = (count: number, seed = 11) => new SeriesStream(seed, 0, count, ITEM).next();

describe('perfsight run --model file.onnx: a model exported elsewhere, measured end to end', () => {
  let dir: string;
  let model: string;
  beforeAll(() => {
    dir = tempDir('perfsight-onnx-run-');
    model = writeModel(dir, 'sensor_encoder.onnx');
  });

  it('runs with ONNX Runtime in the model’s own shapes; --batch, --threads recorded', async () => {
    const out = join(dir, 'run');
    const result = await runModel(
      ['--model', model, '--batch', '4', '--threads', '1', '-n', '60'],
      out,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `Model: ${model} · ONNX Runtime, cpu provider, 1 intra-op thread`,
    );
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.workload).toMatchObject({
      runtime: 'onnx',
      execution_provider: 'cpu',
      threads: 1,
      input_name: 'sensor_window',
      input_shape: [4, 32, 6],
      outputs: { embedding: ['batch', 16], anomaly_score: ['batch', 1] },
      fallback: 'on',
    });
    expect(summary.configuration.workload_options).toMatchObject({ threads: 1, batch: 4 });
    expect(summary.latency_by_source.model.count).toBeGreaterThan(0);
    expect(summary.performance_summary.total_requests).toBe(60);
  }, 120_000);

  it('--inputs: .npy windows and JSON Lines, cycled; --repeat-ratio still gives cache hits', async () => {
    const npyFile = join(dir, 'windows.npy');
    writeFileSync(npyFile, npy(windows(50), [50, ...ITEM]));
    const jsonl = join(dir, 'windows.jsonl');
    const three = windows(3, 12);
    const per = SENSOR.steps * SENSOR.channels;
    writeFileSync(
      jsonl,
      [0, 1, 2]
        .map((w) =>
          JSON.stringify(
            Array.from({ length: SENSOR.steps }, (_, t) =>
              Array.from(
                three.subarray(w * per + t * SENSOR.channels, w * per + (t + 1) * SENSOR.channels),
              ),
            ),
          ),
        )
        .join('\n') + '\n',
    );
    for (const [file, repeat] of [
      [npyFile, '0.5'],
      [jsonl, '0'],
    ] as const) {
      const out = join(dir, `inputs-${repeat}`);
      const result = await runModel(
        // No warm-up: its calls would take windows from the cycle too.
        ['--model', model, '--inputs', file, '--repeat-ratio', repeat, '-n', '40', '-w', '0'],
        out,
        { slo: 'p95<10s' },
      );
      expect(result.code, result.stderr).toBe(0);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      expect(summary.workload.inputs).toBe(file);
      const hits = summary.optimization_metrics.cache_hits;
      if (file === jsonl) {
        // Three windows cycled over 40 calls: a window seen in the last cycle is not a cache
        // hit (the cache starts afresh each cycle), so the model answered every call.
        expect(hits).toBe(0);
        expect(summary.latency_by_source.model.count).toBe(40);
      } else {
        expect(hits).toBeGreaterThan(5);
      }
    }
  }, 120_000);

  it('--isolate and --fault-rate work as for the built-in model: a worker thread, the fallback in the model’s shapes', async () => {
    const out = join(dir, 'isolated');
    const result = await runModel(
      ['--model', model, '--isolate', '--fault-rate', '0.3', '--repeat-ratio', '0', '-n', '40'],
      out,
    );
    // The fallback answered some calls: the verdict fails on fallback<1%, as it should.
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain(
      'ONNX Runtime, cpu provider, its default threads in a worker thread',
    );
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.workload).toMatchObject({ isolated_in_worker: true, fallback: 'on' });
    expect(summary.optimization_metrics.fallback_uses).toBeGreaterThan(3);
    expect(summary.latency_by_source.model.count).toBeGreaterThan(10);
    expect(summary.error_analysis.fallback_reasons['model_error:InjectedModelFault']).toBe(
      summary.optimization_metrics.fallback_uses,
    );
  }, 120_000);

  it('a fallback that cannot be shaped is off, and the summary says so', async () => {
    const open = writeModel(dir, 'open.onnx', openOutputSpec());
    const out = join(dir, 'open-run');
    const result = await runModel(['--model', open, '-n', '10'], out);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/fallback off: output "active_units" has .* open/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.workload.fallback).toMatch(/^off: /);
  }, 120_000);

  it('bad input: one perfsight: line, exit 2, nothing written', async () => {
    const bad = tempDir('perfsight-onnx-bad-');
    const notAModel = join(bad, 'notes.onnx');
    writeFileSync(notAModel, 'these are not the weights you are looking for\n');
    const twoInputs = writeModel(bad, 'two-inputs.onnx', twoInputSpec());
    const integers = writeModel(bad, 'ids.onnx', integerInputSpec());
    const fixedBatch = writeModel(
      bad,
      'fixed-batch.onnx',
      sensorModelSpec({
        inputs: [{ name: SENSOR.input, shape: [1, SENSOR.steps, SENSOR.channels] }],
        outputs: [
          { name: 'embedding', shape: [1, SENSOR.embedding] },
          { name: 'anomaly_score', shape: [1, 1] },
        ],
      }),
    );
    const wrongNpy = join(bad, 'wrong.npy');
    writeFileSync(wrongNpy, npy(new Float32Array(10 * 60 * 15), [10, 60, 15]));
    const float64 = join(bad, 'doubles.npy');
    writeFileSync(float64, npy(new Float64Array(2 * 192), [2, ...ITEM], '<f8'));
    const wrongJsonl = join(bad, 'wrong.jsonl');
    writeFileSync(wrongJsonl, JSON.stringify(Array(32).fill(Array(5).fill(0))) + '\n');
    const cases: Array<[string[], RegExp]> = [
      [['--model', join(bad, 'missing.onnx')], /missing\.onnx: cannot read the model/],
      [['--model', notAModel], /notes\.onnx: not an ONNX model/],
      [
        ['--model', twoInputs],
        /has 2 inputs \(sensor_window, calibration\); perfsight measures models of one float input/,
      ],
      [['--model', integers], /input "ids" is int64; perfsight measures float32/],
      [
        ['--model', fixedBatch, '--batch', '8'],
        /--batch 8: the model's input "sensor_window" \[1, 32, 6\] takes a batch of exactly 1/,
      ],
      [
        ['--model', model, '--inputs', wrongNpy],
        /wrong\.npy: windows of shape \[60, 15\].*the model takes \[32, 6\]/,
      ],
      [
        ['--model', model, '--inputs', float64],
        /doubles\.npy: holds <f8 values; perfsight reads float32/,
      ],
      [['--model', model, '--inputs', wrongJsonl], /wrong\.jsonl:1: .*expected 6 features, got 5/],
      [
        ['--model', model, '--inputs', join(bad, 'none.npy')],
        /none\.npy: cannot read the inputs \(no such file\)/,
      ],
      [
        ['--model', model, '--execution-provider', 'tpu'],
        /argument 'tpu' is invalid\. Allowed choices are cpu, cuda/,
      ],
      [['--model', model, '--execution-provider', 'cuda'], /--execution-provider cuda: .*CUDA/],
      [
        ['--model', model, '--backend', 'cpu'],
        /--backend does nothing for a model run by ONNX Runtime/,
      ],
    ];
    // No report folder, no history: the run never started.
    for (const [args, message] of cases) await expectRefused(args, message);
  }, 240_000);
});
