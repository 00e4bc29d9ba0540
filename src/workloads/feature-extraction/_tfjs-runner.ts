/**
 * TensorFlow.js models as `ModelRunner`s: layers models of any single-input shape, and graph
 * models (what `tensorflowjs_converter` writes, `"format": "graph-model"`).
 */
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import type { Dimension, ModelRunner, RunnerRecipe, TensorSpec } from './_runner.js';
import { modelArtifacts, readModelArtifacts, readModelJson, tf, type Backend } from './model.js';

export function isLayersModel(model: unknown): model is tf.LayersModel {
  const m = model as Partial<tf.LayersModel> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.predict === 'function' &&
    Array.isArray(m.outputs) &&
    typeof m.save === 'function'
  );
}

export function isGraphModel(model: unknown): model is tf.GraphModel {
  const m = model as Partial<tf.GraphModel> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.executeAsync === 'function' &&
    Array.isArray(m.inputs) &&
    Array.isArray(m.outputs)
  );
}

function dimensions(shape: readonly (number | null)[] | undefined): Dimension[] {
  return (shape ?? []).map((d) => (typeof d === 'number' && d >= 1 ? d : null));
}

function floatOnly(model: string, role: string, name: string, dtype: string | undefined): void {
  if (dtype !== undefined && dtype !== 'float32') {
    throw new InputError(
      `${model}: ${role} ${JSON.stringify(name)} is ${dtype}; perfsight measures float32 inputs and outputs`,
    );
  }
}

function oneInput(model: string, names: string[]): void {
  if (names.length !== 1) {
    throw new InputError(
      `${model}: has ${names.length} inputs (${names.join(', ')}); perfsight measures models of one float input`,
    );
  }
}

/** Outputs of one call, copied out of TensorFlow.js (its tensors disposed). */
async function read(outputs: tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  const list = Array.isArray(outputs) ? outputs : [outputs];
  try {
    return (await Promise.all(list.map((t) => t.data()))) as Float32Array[];
  } finally {
    for (const t of list) t.dispose();
  }
}

/** A layers model (`tf.model`, `tf.sequential`, `tf.loadLayersModel`) of one input. */
export class LayersRunner implements ModelRunner {
  readonly runtime = 'tfjs';
  readonly signature: { input: TensorSpec; outputs: TensorSpec[] };
  readonly parameters: number;

  constructor(
    readonly model: tf.LayersModel,
    readonly provider: Backend,
    name = 'the TensorFlow.js model',
  ) {
    oneInput(
      name,
      model.inputs.map((i) => i.name),
    );
    const input = model.inputs[0]!;
    floatOnly(name, 'input', input.name, input.dtype);
    this.signature = {
      input: { name: input.name, shape: dimensions(input.shape) },
      outputs: model.outputs.map((o) => ({
        name: o.sourceLayer?.name ?? o.name,
        shape: dimensions(o.shape),
      })),
    };
    this.parameters = model.countParams();
  }

  async run(values: Float32Array, batch: number): Promise<Float32Array[]> {
    const dims = [batch, ...(this.signature.input.shape.slice(1) as number[])];
    const outputs = tf.tidy(() => this.model.predict(tf.tensor(values, dims)) as tf.Tensor[]);
    return read(outputs);
  }

  async recipe(): Promise<RunnerRecipe> {
    return { kind: 'tfjs', artifacts: await modelArtifacts(this.model), backend: this.provider };
  }
}

/** A graph model. Output shapes a graph leaves open are taken from its first answer. */
export class GraphRunner implements ModelRunner {
  readonly runtime = 'tfjs';
  signature: { input: TensorSpec; outputs: TensorSpec[] };
  readonly parameters: number;

  constructor(
    readonly model: tf.GraphModel,
    readonly provider: Backend,
    private readonly artifacts: tf.io.ModelArtifacts | undefined,
    name = 'the TensorFlow.js graph model',
  ) {
    oneInput(
      name,
      model.inputs.map((i) => i.name),
    );
    const input = model.inputs[0]!;
    floatOnly(name, 'input', input.name, input.dtype);
    for (const o of model.outputs) floatOnly(name, 'output', o.name, o.dtype);
    this.signature = {
      input: { name: input.name, shape: dimensions(input.shape) },
      outputs: model.outputs.map((o) => ({ name: o.name, shape: dimensions(o.shape) })),
    };
    // Float weights only: a graph's int constants (shapes, axes) are not parameters.
    this.parameters = Object.values(model.weights).reduce(
      (sum, tensors) => sum + tensors.reduce((s, t) => s + (t.dtype === 'float32' ? t.size : 0), 0),
      0,
    );
  }

  /** `execute` until the graph needs `executeAsync` (control flow, dynamic shapes). */
  private asynchronous = false;

  /** One inference: `execute`, or `executeAsync` once the graph has asked for it. */
  async infer(x: tf.Tensor): Promise<tf.Tensor | tf.Tensor[]> {
    if (this.asynchronous) return this.model.executeAsync(x);
    try {
      return this.model.execute(x);
    } catch (error) {
      if (!/executeAsync/.test(String((error as Error).message))) throw error;
      this.asynchronous = true;
      return this.model.executeAsync(x);
    }
  }

  async run(values: Float32Array, batch: number): Promise<Float32Array[]> {
    const dims = [batch, ...(this.signature.input.shape.slice(1) as number[])];
    const x = tf.tensor(values, dims);
    try {
      const outputs = await this.infer(x);
      const list = Array.isArray(outputs) ? outputs : [outputs];
      // A graph often declares no output shapes: its answers say them (batch left open).
      if (
        this.signature.outputs.some((o) => o.shape.length === 0 || o.shape.slice(1).includes(null))
      ) {
        this.signature = {
          input: this.signature.input,
          outputs: this.signature.outputs.map((o, i) => ({
            name: o.name,
            shape: [null, ...(list[i]?.shape.slice(1) ?? [])],
          })),
        };
      }
      return await read(list);
    } finally {
      x.dispose();
    }
  }

  async recipe(): Promise<RunnerRecipe> {
    if (!this.artifacts)
      throw new InputError('isolate needs the graph model’s files (load it with loadTfjsModel)');
    return { kind: 'tfjs', artifacts: this.artifacts, backend: this.provider };
  }
}

/** A model from its artifacts, by format: `graph-model`, else layers. */
export async function modelFromArtifacts(
  artifacts: tf.io.ModelArtifacts,
): Promise<tf.LayersModel | tf.GraphModel> {
  return artifacts.format === 'graph-model'
    ? tf.loadGraphModel(tf.io.fromMemory(artifacts))
    : tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

/**
 * Reads a TensorFlow.js model directory (`model.json` + weight files): a layers model, or a
 * graph model as `tensorflowjs_converter` writes it.
 */
export async function loadTfjsModel(
  dir: string,
  backend: Backend,
): Promise<LayersRunner | GraphRunner> {
  const modelJson = await readModelJson(dir);
  if (typeof modelJson !== 'object' || modelJson === null || !modelJson.modelTopology) {
    throw new InputError(
      `${join(dir, 'model.json')}: not a TensorFlow.js model (no modelTopology)`,
    );
  }
  const artifacts = await readModelArtifacts(dir, modelJson);
  const graph = modelJson.format === 'graph-model';
  let model: tf.LayersModel | tf.GraphModel;
  try {
    model = await modelFromArtifacts(artifacts);
  } catch (error) {
    throw new InputError(
      `${dir}: not a TensorFlow.js ${graph ? 'graph' : 'layers'} model (${(error as Error).message.split('\n')[0]})`,
    );
  }
  if (!(isGraphModel(model) && graph))
    return new LayersRunner(model as tf.LayersModel, backend, dir);
  const runner = new GraphRunner(model, backend, artifacts, dir);
  // Output shapes a graph leaves undeclared come from one answer, before anyone relies on
  // them (the fallback's shapes); an input it leaves open is refused by the caller.
  const item = runner.signature.input.shape.slice(1);
  if (item.every((d) => typeof d === 'number')) {
    try {
      await runner.run(new Float32Array((item as number[]).reduce((a, d) => a * d, 1)), 1);
    } catch (error) {
      throw new InputError(
        `${dir}: the graph model fails on an input of its own shape (${(error as Error).message.split('\n')[0]})`,
      );
    }
  }
  return runner;
}
