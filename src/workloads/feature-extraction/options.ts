/**
 * What the feature-extraction workload takes: its own file, so the files that load the model
 * can name these types without importing the workload's face (which imports them).
 */
import type { Backend } from './model.js';
import type { ExecutionProvider } from './_runner.js';

export type Runtime = 'onnx' | 'tfjs';

export interface FeatureExtractionOptions {
  /**
   * The model to measure: an `.onnx` file (ONNX Runtime), or a TensorFlow.js model directory
   * (layers or graph model, `model.json` + weights). The built-in seeded CNN+LSTM otherwise.
   */
  model?: string;
  /** The built-in model's runtime. A `model` file says its own. */
  runtime?: Runtime;
  /** TensorFlow.js backend. Default wasm. */
  backend?: Backend;
  /** ONNX Runtime's intra-op threads. Default: ONNX Runtime's choice. */
  threads?: number;
  /** ONNX Runtime's execution provider. Default cpu. */
  executionProvider?: ExecutionProvider;
  /** A `.npy` (float32, one window per row) or JSON Lines file of inputs, cycled. */
  inputs?: string;
  /** Items per call (the model's batch dimension). Default 1, or the model's fixed batch. */
  batch?: number;
  /** Share of calls repeating a recent input (cache hits). Default 0.2. */
  repeatRatio?: number;
  /** Share of model calls that fail on purpose, to exercise the fallback. Default 0. */
  faultRate?: number;
  /**
   * Model answers slower than this are replaced by the fallback. Default 100 ms. The
   * model's own deadline inside a call (`--model-timeout`), not the run plan's `timeoutMs`
   * (`--timeout`), which fails the whole call.
   */
  modelTimeoutMs?: number;
  /** Run the model in a worker thread: a timeout then interrupts it. Default false. */
  isolate?: boolean;
  cacheSize?: number;
  seed?: number;
}
