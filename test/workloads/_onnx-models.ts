/**
 * ONNX models the tests build themselves (never the built-in one): shapes and names of
 * their own, as a model exported elsewhere would have.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  writeOnnxModel,
  type GraphSpec,
} from '../../src/workloads/feature-extraction/_onnx-writer.js';

export const SENSOR = { input: 'sensor_window', steps: 32, channels: 6, embedding: 16 };

function weights(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 0.37) * 0.2);
}

/**
 * `sensor_window [batch, 32, 6]` → `embedding [batch, 16]` (Flatten, MatMul, Add, Relu) and
 * `anomaly_score [batch, 1]` (the embedding's mean).
 */
export function sensorModelSpec(overrides: Partial<GraphSpec> = {}): GraphSpec {
  const { input, steps, channels, embedding } = SENSOR;
  return {
    name: 'sensor_encoder',
    inputs: [{ name: input, shape: ['batch', steps, channels] }],
    outputs: [
      { name: 'embedding', shape: ['batch', embedding] },
      { name: 'anomaly_score', shape: ['batch', 1] },
    ],
    nodes: [
      { op: 'Flatten', inputs: [input], outputs: ['flat'], attributes: { axis: 1 } },
      { op: 'MatMul', inputs: ['flat', 'w'], outputs: ['projected'] },
      { op: 'Add', inputs: ['projected', 'b'], outputs: ['biased'] },
      { op: 'Relu', inputs: ['biased'], outputs: ['embedding'] },
      {
        op: 'ReduceMean',
        inputs: ['embedding'],
        outputs: ['anomaly_score'],
        attributes: { axes: [1], keepdims: 1 },
      },
    ],
    initializers: [
      {
        name: 'w',
        dims: [steps * channels, embedding],
        values: weights(steps * channels * embedding, 1),
      },
      { name: 'b', dims: [embedding], values: weights(embedding, 2) },
    ],
    ...overrides,
  };
}

/** Writes `name` in `dir` and returns its path. */
export function writeModel(dir: string, name: string, spec: GraphSpec = sensorModelSpec()): string {
  const path = join(dir, name);
  writeFileSync(path, writeOnnxModel(spec));
  return path;
}

/** The sensor model with a second input: not one perfsight can feed. */
export function twoInputSpec(): GraphSpec {
  const spec = sensorModelSpec();
  return {
    ...spec,
    inputs: [...spec.inputs, { name: 'calibration', shape: ['batch', 16] }],
    nodes: [
      ...spec.nodes.slice(0, 2),
      { op: 'Add', inputs: ['projected', 'calibration'], outputs: ['biased'] },
      ...spec.nodes.slice(3),
    ],
  };
}

/** Token ids in (int64): an input perfsight does not generate. */
export function integerInputSpec(): GraphSpec {
  return {
    name: 'token_ids',
    inputs: [{ name: 'ids', shape: ['batch', 8], type: 'int64' }],
    outputs: [{ name: 'as_float', shape: ['batch', 8] }],
    nodes: [{ op: 'Cast', inputs: ['ids'], outputs: ['as_float'], attributes: { to: 1 } }],
    initializers: [],
  };
}

/** An output whose length depends on the values (the active units): no fallback can shape it. */
export function openOutputSpec(): GraphSpec {
  const spec = sensorModelSpec();
  return {
    ...spec,
    outputs: [...spec.outputs, { name: 'active_units', shape: [2, 'active'] }],
    nodes: [
      ...spec.nodes,
      { op: 'NonZero', inputs: ['embedding'], outputs: ['active_ids'] },
      { op: 'Cast', inputs: ['active_ids'], outputs: ['active_units'], attributes: { to: 1 } },
    ],
  };
}
