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
    expect(trace.inferencesMs).toHaveLength(4);
    const byName: Record<string, typeof trace.timings> = {};
    for (const t of trace.timings) (byName[t.name] ??= []).push(t);
    expect(Object.keys(byName).sort()).toEqual(['act', 'proj', 'squash']);
    expect(byName.proj!.map((t) => t.op_type)).toEqual(['MatMul', 'MatMul', 'MatMul', 'MatMul']);
    expect(byName.act![0]!.op_type).toBe('Relu');
    expect(byName.squash![0]!.op_type).toBe('Tanh');
    for (const t of trace.timings) expect(t.ms).toBeGreaterThanOrEqual(0);
    // Every node run lies inside an inference: the nodes of one take no more than it did.
    const nodes = trace.timings.reduce((sum, t) => sum + t.ms, 0);
    const runs = trace.inferencesMs.reduce((sum, ms) => sum + ms, 0);
    expect(nodes).toBeLessThanOrEqual(runs);
  });

  it('leaves out the warm-up runs and the node runs inside them', async () => {
    const text = await realTrace(5);
    const all = parseOnnxTrace(text);
    const after = parseOnnxTrace(text, 2);
    expect(after.inferencesMs).toEqual(all.inferencesMs.slice(2));
    expect(after.timings).toHaveLength(3 * 3);
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
  it('sums runs per operator; shares are of the inferences, largest first', () => {
    const profile = buildModelProfile(
      'tfjs',
      'wasm',
      [10, 10],
      [
        { name: 'lstm', op_type: 'LSTM', ms: 6 },
        { name: 'dense', op_type: 'Dense', ms: 1 },
        { name: 'lstm', op_type: 'LSTM', ms: 8 },
        { name: 'dense', op_type: 'Dense', ms: 3 },
      ],
    );
    expect(profile).toEqual({
      runtime: 'tfjs',
      provider: 'wasm',
      calls: 2,
      inference_ms: 10,
      operators: [
        { name: 'lstm', op_type: 'LSTM', calls: 2, total_ms: 14, mean_us: 7000, share: 0.7 },
        { name: 'dense', op_type: 'Dense', calls: 2, total_ms: 4, mean_us: 2000, share: 0.2 },
      ],
    });
  });
});
