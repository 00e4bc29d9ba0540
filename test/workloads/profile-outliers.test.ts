/**
 * Where the time goes, on a busy machine: one profiled call that the scheduler stalls inside
 * one operator must not crown that operator. The breakdown takes each operator's median over
 * the profiled calls, so the typical calls decide.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { topOperator, topOperatorAdvice } from '../../src/analysis/index.js';
import { writeOnnxModel } from '../../src/workloads/feature-extraction/_onnx-writer.js';
import {
  buildModelProfile,
  parseOnnxTrace,
  profileOnnx,
  type OperatorTiming,
} from '../../src/workloads/profile/index.js';

/** Node → (ONNX operator type, µs) of one inference; the runtime's own time is `RUNTIME_US`. */
type Call = Record<string, [string, number]>;
const RUNTIME_US = 5;

/**
 * A trace as ONNX Runtime's profiler writes it (Chrome-trace events: a `model_run` per
 * inference, a `<node>_kernel_time` per node run inside it, times in µs) for these calls.
 */
function fabricatedTrace(calls: Call[]): string {
  const events: object[] = [];
  let ts = 1000;
  for (const call of calls) {
    const start = ts;
    ts += 2;
    Object.entries(call).forEach(([node, [opName, us]], index) => {
      events.push({
        cat: 'Node',
        pid: 1,
        tid: 1,
        ph: 'X',
        name: `${node}_kernel_time`,
        ts,
        dur: us,
        args: { op_name: opName, node_index: String(index), provider: 'CPUExecutionProvider' },
      });
      ts += us;
    });
    ts += RUNTIME_US - 2;
    events.push({
      cat: 'Session',
      pid: 1,
      tid: 1,
      ph: 'X',
      name: 'model_run',
      ts: start,
      dur: ts - start,
      args: {},
    });
    ts += 50; // between calls: outside every inference
  }
  return JSON.stringify(events);
}

const typical: Call = {
  lstm: ['LSTM', 60],
  proj: ['MatMul', 20],
  squash: ['Tanh', 15],
};

describe('one slow call does not decide where the time goes', () => {
  it('ONNX Runtime: one of 10 calls 50× slower in Tanh leaves LSTM on top, shares of the typical call', () => {
    const stalled: Call = { ...typical, squash: ['Tanh', 15 * 50] };
    // A warm-up (left out), then 10 profiled calls, the 7th stalled in Tanh.
    const calls = [typical, ...Array.from({ length: 10 }, (_, i) => (i === 6 ? stalled : typical))];
    const { inferences } = parseOnnxTrace(fabricatedTrace(calls), 1);
    expect(inferences).toHaveLength(10);
    const profile = buildModelProfile('onnx', 'cpu', inferences);
    // The typical call: 60 + 20 + 15 µs in the operators, 5 µs the runtime's, 100 µs in all.
    expect(profile.inference_ms).toBeCloseTo(0.1, 9);
    expect(profile.runtime_ms).toBeCloseTo(0.005, 9);
    expect(profile.operators.map((o) => [o.op_type, round(o.share)])).toEqual([
      ['LSTM', 0.6],
      ['MatMul', 0.2],
      ['Tanh', 0.15],
    ]);
    expect(topOperator(profile)).toMatchObject({ op_type: 'LSTM', share: expect.closeTo(0.6, 9) });
    // What the analysis says when latency fails.
    expect(topOperatorAdvice(profile)).toMatch(/^LSTM \(lstm\) takes 60 % of an inference/);
    // The stall is not hidden: Tanh's total holds it, and its spread says it was one call.
    const tanh = profile.operators.find((o) => o.op_type === 'Tanh')!;
    expect(tanh.total_ms).toBeCloseTo((9 * 15 + 750) / 1000, 9);
    expect(tanh.median_ms).toBeCloseTo(0.015, 9);
    expect(tanh.p75_ms).toBeCloseTo(0.015, 9);
  });

  it('TensorFlow.js layers: one inference 50× slower in a Dense layer leaves the LSTM on top', () => {
    const layer = (name: string, op_type: string, ms: number): OperatorTiming => ({
      name,
      op_type,
      ms,
    });
    const inferences = Array.from({ length: 10 }, (_, i) => {
      const dense = i === 3 ? 0.8 * 50 : 0.8;
      return {
        ms: 3 + dense + 0.2 + 1,
        operators: [
          layer('lstm', 'LSTM', 3),
          layer('dense', 'Dense', dense),
          layer('conv', 'Conv1D', 0.2),
        ],
      };
    });
    const profile = buildModelProfile('tfjs', 'wasm', inferences);
    expect(profile.operators.map((o) => [o.op_type, round(o.share)])).toEqual([
      ['LSTM', 0.6],
      ['Dense', 0.16],
      ['Conv1D', 0.04],
    ]);
    expect(profile.inference_ms).toBeCloseTo(5, 9);
  });
});

function round(share: number): number {
  return Math.round(share * 1e6) / 1e6;
}

/**
 * x [batch, 512] → MatMul by a 512×2048 matrix (`dominant`) → Relu → ReduceMean: the MatMul
 * is some 1,000 times the work of the rest.
 */
function dominantMatMulModel(): Uint8Array {
  const inner = 512;
  const outer = 2048;
  return writeOnnxModel({
    name: 'dominant_matmul',
    inputs: [{ name: 'x', shape: ['batch', inner] }],
    outputs: [{ name: 'y', shape: ['batch', 1] }],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w'], outputs: ['h'], name: 'dominant' },
      { op: 'Relu', inputs: ['h'], outputs: ['r'], name: 'act' },
      {
        op: 'ReduceMean',
        inputs: ['r'],
        outputs: ['y'],
        attributes: { axes: [1], keepdims: 1 },
        name: 'pool',
      },
    ],
    initializers: [
      {
        name: 'w',
        dims: [inner, outer],
        values: Float32Array.from({ length: inner * outer }, (_, i) => Math.sin(i * 0.37) * 0.1),
      },
    ],
  });
}

describe('a real model, profiled twice', () => {
  it('names the same top operator, its share within 0.2 of the other profiling', async () => {
    const model = dominantMatMulModel();
    const batch = 8;
    const x = Float32Array.from({ length: batch * 512 }, (_, i) => Math.cos(i));
    const feeds = () => ({ x: new ort.Tensor('float32', x, [batch, 512]) });
    // One intra-op thread: a busy machine cannot leave a second one waiting for a core.
    const profile = () =>
      profileOnnx({
        model,
        feeds,
        calls: 10,
        provider: 'cpu',
        sessionOptions: { intraOpNumThreads: 1 },
      });
    const first = await profile();
    const second = await profile();
    const shares: number[] = [];
    for (const p of [first, second]) {
      // To change the top, at least 5 of the 10 calls would have to stall in one small node
      // (a stall lands mostly in the MatMul, where the time is, which only widens its lead).
      expect(topOperator(p)?.op_type).toBe('MatMul');
      expect(p.operators[0]!.name).toBe('dominant');
      expect(p.operators[0]!.share).toBeGreaterThan(0.5);
      shares.push(p.operators[0]!.share);
      // Shares and the runtime's part make up the typical inference.
      const runtimeShare = p.runtime_ms! / p.inference_ms;
      expect(p.operators.reduce((sum, o) => sum + o.share, runtimeShare)).toBeCloseTo(1, 9);
    }
    expect(Math.abs(shares[0]! - shares[1]!)).toBeLessThan(0.2);
  });
});
