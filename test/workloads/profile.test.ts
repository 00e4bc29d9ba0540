import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  buildModelProfile,
  parseOnnxTrace,
  profileOnnx,
} from '../../src/workloads/profile/index.js';
import { tinyOnnxModel } from './_tiny-onnx.js';

const feeds = () => ({
  x: new ort.Tensor(
    'float32',
    new Float32Array(4 * 8).map((_, i) => i / 10),
    [4, 8],
  ),
});

/** A real trace: ONNX Runtime's profiler over `runs` runs of the tiny model. */
async function realTrace(runs: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'perfsight-trace-test-'));
  const session = await ort.InferenceSession.create(tinyOnnxModel(), {
    enableProfiling: true,
    profileFilePrefix: join(dir, 'trace'),
  });
  for (let i = 0; i < runs; i++) await session.run(feeds());
  session.endProfiling();
  await session.release();
  const [file] = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const text = readFileSync(join(dir, file!), 'utf8');
  rmSync(dir, { recursive: true });
  return text;
}

describe('the ONNX Runtime trace', () => {
  it('gives each inference and each node run, by node name and ONNX operator type', async () => {
    const trace = parseOnnxTrace(await realTrace(4));
    expect(trace.inferences).toHaveLength(4);
    const timings = trace.inferences.flatMap((i) => i.operators);
    const byName: Record<string, typeof timings> = {};
    for (const t of timings) (byName[t.name] ??= []).push(t);
    expect(Object.keys(byName).sort()).toEqual(['act', 'proj', 'squash']);
    expect(byName.proj!.map((t) => t.op_type)).toEqual(['MatMul', 'MatMul', 'MatMul', 'MatMul']);
    expect(byName.act![0]!.op_type).toBe('Relu');
    expect(byName.squash![0]!.op_type).toBe('Tanh');
    for (const t of timings) expect(t.ms).toBeGreaterThanOrEqual(0);
    // Every node run lies inside its inference: the nodes of one take no more than it did.
    for (const inference of trace.inferences) {
      expect(inference.operators.map((t) => t.name).sort()).toEqual(['act', 'proj', 'squash']);
      const nodes = inference.operators.reduce((sum, t) => sum + t.ms, 0);
      expect(nodes).toBeLessThanOrEqual(inference.ms);
    }
  });

  it('leaves out the warm-up runs and the node runs inside them', async () => {
    const text = await realTrace(5);
    const all = parseOnnxTrace(text);
    const after = parseOnnxTrace(text, 2);
    expect(after.inferences).toEqual(all.inferences.slice(2));
    expect(after.inferences.flatMap((i) => i.operators)).toHaveLength(3 * 3);
  });

  it('refuses what is not a trace', () => {
    expect(() => parseOnnxTrace('{"not": "a list"}')).toThrow(/not a list of events/);
    expect(() => parseOnnxTrace('nope')).toThrow(/not JSON/);
  });
});

describe('profileOnnx', () => {
  it('profiles a separate session, and deletes its trace file', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('perfsight-profile-'));
    const cwdBefore = readdirSync(process.cwd());
    const profile = await profileOnnx({
      model: tinyOnnxModel(),
      feeds,
      calls: 6,
      provider: 'cpu',
    });
    expect(profile).toMatchObject({ runtime: 'onnx', provider: 'cpu', calls: 6 });
    expect(profile.operators.map((o) => o.op_type).sort()).toEqual(['MatMul', 'Relu', 'Tanh']);
    for (const o of profile.operators) expect(o.calls).toBe(6);
    const shares = profile.operators.map((o) => o.share);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
    // No trace left behind, in the temporary folder or where the process runs.
    const after = readdirSync(tmpdir()).filter((f) => f.startsWith('perfsight-profile-'));
    expect(after).toEqual(before);
    expect(readdirSync(process.cwd())).toEqual(cwdBefore);
  });
});

describe('buildModelProfile', () => {
  it('per operator: runs, total and mean over the calls; the median call for the share, largest first', () => {
    const profile = buildModelProfile('tfjs', 'wasm', [
      {
        ms: 10,
        operators: [
          { name: 'lstm', op_type: 'LSTM', ms: 6 },
          { name: 'dense', op_type: 'Dense', ms: 1 },
        ],
      },
      {
        ms: 10,
        operators: [
          { name: 'lstm', op_type: 'LSTM', ms: 8 },
          { name: 'dense', op_type: 'Dense', ms: 3 },
        ],
      },
    ]);
    // Medians of two: LSTM 7 ms, Dense 2 ms, the runtime (10 − 7 and 10 − 11 → 0) 1.5 ms.
    expect(profile).toEqual({
      runtime: 'tfjs',
      provider: 'wasm',
      calls: 2,
      inference_ms: 10.5,
      runtime_ms: 1.5,
      operators: [
        {
          name: 'lstm',
          op_type: 'LSTM',
          calls: 2,
          total_ms: 14,
          mean_us: 7000,
          share: 7 / 10.5,
          median_ms: 7,
          p25_ms: 6.5,
          p75_ms: 7.5,
        },
        {
          name: 'dense',
          op_type: 'Dense',
          calls: 2,
          total_ms: 4,
          mean_us: 2000,
          share: 2 / 10.5,
          median_ms: 2,
          p25_ms: 1.5,
          p75_ms: 2.5,
        },
      ],
    });
  });

  it('an operator that runs several times an inference: its runs in one inference add up', () => {
    const step = (ms: number) => ({ name: 'cell', op_type: 'LSTMCell', ms });
    const profile = buildModelProfile('onnx', 'cpu', [
      { ms: 5, operators: [step(1), step(1), step(1)] },
      { ms: 5, operators: [step(1), step(2), step(1)] },
      { ms: 5, operators: [step(1), step(1), step(1)] },
    ]);
    expect(profile.operators[0]).toMatchObject({ calls: 9, median_ms: 3, share: 3 / 5 });
    expect(profile.runtime_ms).toBe(2);
  });

  it('an operator missing from some inferences took 0 ms in them', () => {
    const profile = buildModelProfile('onnx', 'cpu', [
      { ms: 4, operators: [{ name: 'rare', op_type: 'If', ms: 3 }] },
      { ms: 1, operators: [] },
      { ms: 1, operators: [] },
    ]);
    expect(profile.operators[0]).toMatchObject({ calls: 1, total_ms: 3, median_ms: 0, share: 0 });
    expect(profile.inference_ms).toBe(1);
  });
});
