import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { ROOT, runCli, tempDir } from '../_helpers.js';
import { markdownText } from '../../src/neutralise/index.js';
import { writeModel } from '../workloads/_onnx-models.js';
import { tinyOnnxModel } from '../workloads/_tiny-onnx.js';

const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
formats.default(ajv);
const validate = ajv.compile(schema);
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const sampleRows = (out: string) =>
  gunzipSync(readFileSync(join(out, 'samples.csv.gz')))
    .toString()
    .trim()
    .split('\n')
    .slice(1);

describe('perfsight run: where the time goes', () => {
  it('breaks the built-in model down per layer, on calls the measurement never sees', async () => {
    const out = join(tempDir(), 'run');
    const result = await runCli(
      // TensorFlow.js: per layer (the default runtime, ONNX Runtime, is test/workloads/built-in-onnx.test.ts's).
      [
        'run',
        '--runtime',
        'tfjs',
        '-n',
        '15',
        '--warmup',
        '2',
        '--profile-calls',
        '3',
        '--no-history',
        '-o',
        out,
      ],
      { timeoutMs: 180_000 },
    );
    expect([0, 1], result.stderr).toContain(result.code);
    const detailed = readJson(join(out, 'detailed.json'));
    expect(validate(detailed), JSON.stringify(validate.errors)).toBe(true);
    // The measured calls are the 15 asked for: the 3 profiled inferences are not among them.
    expect(detailed.performance_summary.total_requests).toBe(15);
    expect(sampleRows(out)).toHaveLength(15);
    const profile = detailed.model_profile;
    expect(profile).toMatchObject({ runtime: 'tfjs', provider: 'wasm', calls: 3 });
    expect(profile.operators.map((o: { op_type: string }) => o.op_type)).toContain('LSTM');
    for (const o of profile.operators) expect(o.calls).toBe(3);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Where the time goes');
    // The terminal summary names the largest, as detailed.json has them.
    const top = profile.operators
      .slice(0, 3)
      .map(
        (o: { op_type: string; share: number }) => `${o.op_type} ${(o.share * 100).toFixed(2)}%`,
      );
    expect(result.stdout).toContain(
      `Where the time goes: ${top.join(' · ')} of an inference (median of 3 profiled calls; report.html)`,
    );
    // Each operator's median per inference, and its share of the typical inference they make.
    for (const o of profile.operators) {
      expect(o.p25_ms).toBeLessThanOrEqual(o.median_ms);
      expect(o.median_ms).toBeLessThanOrEqual(o.p75_ms);
      expect(o.share).toBeCloseTo(o.median_ms / profile.inference_ms, 9);
    }
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(
      /\*\*Where the time goes\*\*[\s\S]*\| lstm\\_LSTM1 \| LSTM \|/,
    );
  }, 180_000);

  it('--no-profile leaves it out', async () => {
    const out = join(tempDir(), 'run');
    const result = await runCli(['run', '-n', '5', '--no-profile', '--no-history', '-o', out], {
      timeoutMs: 180_000,
    });
    expect([0, 1], result.stderr).toContain(result.code);
    expect(readJson(join(out, 'detailed.json')).model_profile).toBeNull();
    expect(readFileSync(join(out, 'report.html'), 'utf8')).not.toContain('Where the time goes');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).not.toContain('Where the time goes');
  }, 180_000);

  it('profiles after every measured call, and the recorder sees none of its calls', async () => {
    const dir = tempDir();
    const module = join(dir, 'model.mjs');
    // A workload whose profile() calls the workload itself: had those calls been recorded,
    // the run would count more than -n. It reports how many calls it found made before it.
    writeFileSync(
      module,
      `let made = 0;
export default {
  name: 'counted',
  async call() { made++; await new Promise((r) => setTimeout(r, 2)); },
  async profile(calls) {
    const before = made;
    for (let i = 0; i < calls; i++) await this.call();
    return { runtime: 'test', provider: 'cpu', calls, inference_ms: 2, operators: [
      { name: 'calls before profiling: ' + before, op_type: 'Sleep', calls, total_ms: 2 * calls, mean_us: 2000, share: 1 },
    ] };
  },
};
`,
    );
    const out = join(dir, 'run');
    const result = await runCli([
      'run',
      module,
      '-n',
      '20',
      '--warmup',
      '4',
      '--profile-calls',
      '5',
      '--no-history',
      '-o',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const detailed = readJson(join(out, 'detailed.json'));
    expect(detailed.performance_summary.total_requests).toBe(20);
    expect(sampleRows(out)).toHaveLength(20);
    // Warm-up and measured calls were all done before the breakdown began.
    expect(detailed.model_profile.operators[0].name).toBe('calls before profiling: 24');
    expect(detailed.model_profile.calls).toBe(5);
  });

  it('an ONNX model of its own names and shapes: ONNX Runtime’s breakdown in every report', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tiny.onnx'), tinyOnnxModel());
    const ort = pathToFileURL(
      createRequire(join(ROOT, 'package.json')).resolve('onnxruntime-node'),
    );
    const perfsight = pathToFileURL(join(ROOT, 'dist', 'index.js'));
    const module = join(dir, 'onnx-model.mjs');
    // A user's workload: its own session measured, profileOnnx for the breakdown.
    writeFileSync(
      module,
      `import * as ort from ${JSON.stringify(ort.href)};
import { profileOnnx } from ${JSON.stringify(perfsight.href)};
const model = ${JSON.stringify(join(dir, 'tiny.onnx'))};
const feeds = () => ({ x: new ort.Tensor('float32', new Float32Array(16).fill(0.5), [2, 8]) });
let session;
export default {
  name: 'tiny-onnx',
  async setup() { session = await ort.InferenceSession.create(model); },
  async call() { await session.run(feeds()); },
  profile: (calls) => profileOnnx({ model, feeds, calls, provider: 'cpu' }),
  async teardown() { await session.release(); },
};
`,
    );
    const out = join(dir, 'run');
    const result = await runCli(['run', module, '-n', '30', '--no-history', '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    const detailed = readJson(join(out, 'detailed.json'));
    expect(validate(detailed), JSON.stringify(validate.errors)).toBe(true);
    expect(detailed.performance_summary.total_requests).toBe(30);
    // The default --profile-calls.
    expect(detailed.model_profile).toMatchObject({ runtime: 'onnx', provider: 'cpu', calls: 20 });
    const operators = detailed.model_profile.operators as Array<{ name: string; op_type: string }>;
    expect(operators.map((o) => `${o.name}:${o.op_type}`).sort()).toEqual([
      'act:Relu',
      'proj:MatMul',
      'squash:Tanh',
    ]);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="chart-model-profile"');
    expect(html).toMatch(/<th scope="row">proj<\/th><td>MatMul<\/td>/);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/\| proj \| MatMul \|/);
    // ONNX Runtime's trace was deleted: the run's folder and the working folder hold none.
    expect(readdirSync(result.cwd!)).toEqual([]);
  });

  it('perfsight run --model file.onnx: its own nodes in every report, the top one named when latency fails', async () => {
    const dir = tempDir();
    const model = writeModel(dir, 'sensor_encoder.onnx');
    const out = join(dir, 'run');
    const result = await runCli([
      'run',
      '--model',
      model,
      '-n',
      '40',
      '--profile-calls',
      '4',
      '--slo',
      'p95<0.001ms',
      '--no-progress',
      '--no-history',
      '-o',
      out,
    ]);
    expect(result.code, result.stderr).toBe(1);
    const detailed = readJson(join(out, 'detailed.json'));
    expect(validate(detailed), JSON.stringify(validate.errors)).toBe(true);
    expect(detailed.performance_summary.total_requests).toBe(40);
    expect(sampleRows(out)).toHaveLength(40);
    const profile = detailed.model_profile;
    expect(profile).toMatchObject({ runtime: 'onnx', provider: 'cpu', calls: 4 });
    // ONNX Runtime's own operator types (it fuses MatMul and Add into one kernel).
    const types = profile.operators.map((o: { op_type: string }) => o.op_type);
    expect(types).toEqual(expect.arrayContaining(['Flatten', 'ReduceMean']));
    expect(types.some((t: string) => /MatMul|Gemm/.test(t))).toBe(true);
    const top = profile.operators[0] as { name: string; op_type: string; share: number };
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="chart-model-profile"');
    expect(html).toContain(`<td>${top.op_type}</td>`);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('**Where the time goes**');
    expect(md).toContain(`| ${top.op_type} |`);
    // The p95 objective fails: the analysis names the operator taking the most.
    const analysis = readJson(join(out, 'analysis.json'));
    const advice = `${top.op_type} (${top.name}) takes ${Math.round(top.share * 100)} % of an inference`;
    expect(
      analysis.bottlenecks.find((b: { category: string }) => b.category === 'latency')
        .recommendation,
    ).toContain(advice);
    expect(md).toContain(markdownText(advice));
    // ONNX Runtime's trace file is gone: nothing left where perfsight ran.
    expect(readdirSync(result.cwd!)).toEqual([]);
  });

  it('a breakdown that fails costs the run nothing but the breakdown', async () => {
    const dir = tempDir();
    const module = join(dir, 'broken.mjs');
    writeFileSync(
      module,
      `export default { name: 'broken', call() {}, async profile() { throw new Error('no profiler here'); } };\n`,
    );
    const out = join(dir, 'run');
    const result = await runCli(['run', module, '-n', '10', '--no-history', '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /perfsight: the model breakdown failed \(.*no profiler here\); the reports leave it out/,
    );
    expect(readJson(join(out, 'detailed.json')).model_profile).toBeNull();
  });

  it('Ctrl-C during the breakdown writes the reports without it', async () => {
    const dir = tempDir();
    const module = join(dir, 'hangs.mjs');
    writeFileSync(
      module,
      `export default { name: 'hangs', call() {}, profile() { process.stderr.write('profiling now\\n'); return new Promise(() => {}); } };\n`,
    );
    const out = join(dir, 'run');
    const result = await runCli(['run', module, '-n', '10', '--no-history', '-o', out], {
      onSpawn: (child) => {
        let sent = false;
        child.stderr?.on('data', (chunk: Buffer) => {
          if (!sent && chunk.toString().includes('profiling now')) {
            sent = true;
            child.kill('SIGINT');
          }
        });
      },
    });
    expect(result.code, result.stderr).toBe(130);
    const detailed = readJson(join(out, 'detailed.json'));
    expect(detailed.performance_summary.total_requests).toBe(10);
    expect(detailed.model_profile).toBeNull();
  });

  it.each([
    [['--no-profile', '--profile-calls', '3'], /--profile-calls does nothing with --no-profile/],
    [
      ['synthetic', '--profile-calls', '3'],
      /--profile-calls does nothing for the synthetic workload \(it has no model to break down\)/,
    ],
    [['--profile-calls', '0'], /--profile-calls/],
  ])('refuses %j: one perfsight: line, exit 2, nothing written', async (args, message) => {
    const out = join(tempDir(), 'run');
    const result = await runCli(['run', ...args, '-n', '3', '--no-history', '-o', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^perfsight: /);
    expect(existsSync(out)).toBe(false);
  });
});
