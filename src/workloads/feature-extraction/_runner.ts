/**
 * What every model perfsight measures looks like to the extractor, whatever runs it (ONNX
 * Runtime, TensorFlow.js layers or graph, a seed-style `forward()`): one float input, named
 * float outputs, shapes read from the model. The extractor adds cache, timeout and fallback
 * on top; a worker thread rebuilds the same runner from its `recipe`.
 */
import type { tf } from './model.js';

/** A dimension as the model declares it: a size, or a symbolic name / unknown (`null`). */
export type Dimension = number | string | null;

export interface TensorSpec {
  name: string;
  /** As declared by the model; the first dimension is the batch. */
  shape: readonly Dimension[];
}

export interface ModelSignature {
  input: TensorSpec;
  outputs: readonly TensorSpec[];
}

/** How a worker thread rebuilds a runner (`--isolate`): plain data, cloneable. */
export type RunnerRecipe =
  | { kind: 'onnx'; model: Uint8Array; threads?: number; provider: ExecutionProvider }
  | { kind: 'tfjs'; artifacts: tf.io.ModelArtifacts; backend: 'wasm' | 'cpu' };

export type ExecutionProvider = 'cpu' | 'cuda';

export interface ModelRunner {
  /** `onnx` or `tfjs`: which runtime answers. */
  readonly runtime: 'onnx' | 'tfjs' | 'forward';
  /** ONNX Runtime's execution provider (`cpu`, `cuda`) or TensorFlow.js's backend. */
  readonly provider: string;
  /** ONNX Runtime's intra-op threads as asked; undefined: its own choice. */
  readonly threads?: number;
  readonly signature: ModelSignature;
  readonly parameters?: number;
  /** One inference on `batch` items, row-major; the outputs in `signature.outputs` order. */
  run(values: Float32Array, batch: number): Promise<Float32Array[]>;
  /** Rebuilds this runner in a worker thread; undefined when it cannot be sent there. */
  recipe?(): Promise<RunnerRecipe>;
  dispose?(): Promise<void>;
}

/** A dimension a number, ≥ 1: fixed by the model. */
export function isFixed(dimension: Dimension): dimension is number {
  return typeof dimension === 'number' && Number.isInteger(dimension) && dimension >= 1;
}

/**
 * The dimensions of one item (after the batch), or the name of the first one the model
 * leaves open: generated inputs and fallback answers need every one of them.
 */
export function itemShape(spec: TensorSpec): number[] | { open: string } {
  const dims: number[] = [];
  for (const [i, d] of spec.shape.slice(1).entries()) {
    if (!isFixed(d)) return { open: d === null ? `dimension ${i + 1}` : `${JSON.stringify(d)}` };
    dims.push(d);
  }
  return dims;
}

export function product(dims: readonly number[]): number {
  return dims.reduce((a, d) => a * d, 1);
}

/** `[N, 60, 15]`: a shape as a user reads it. */
export function describeShape(shape: readonly Dimension[]): string {
  return `[${shape.map((d) => (d === null || d === -1 ? '?' : String(d))).join(', ')}]`;
}
