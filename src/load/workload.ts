/** What a workload's call may report about itself; nothing at all is a plain success. */
export type CallResult = void | undefined | CallReport;

export interface CallReport {
  /** The call was answered from a cache (reported by the code, never guessed from latency). */
  cacheHit?: boolean;
  fallbackUsed?: boolean;
  /** A call that returns `success: false` failed without throwing. */
  success?: boolean;
  errorType?: string;
}

/** What perfsight gives each call. */
export interface CallOptions {
  /**
   * Aborted when perfsight abandons the call: it outlived `--timeout`, or the run was
   * interrupted and the call did not finish within the grace period. An abandoned call is
   * no longer measured; a workload that passes this signal on (`fetch(url, { signal })`)
   * frees what the call holds instead of letting it run on.
   */
  readonly signal: AbortSignal;
}

/** Something perfsight can measure: one `call` is one sample. */
export interface Workload {
  name: string;
  description?: string;
  /**
   * Facts about the workload for the report (model, backend, parameter count…). One the
   * analysis reads: `expected_cache_hit_rate` (0–1), the share of calls the cache should
   * answer (e.g. the share of inputs the workload repeats); the cache is judged against it,
   * and not judged at all without it unless the user sets a cache threshold.
   */
  info?: () => Record<string, unknown>;
  setup?(): void | Promise<void>;
  /** One call. It failed if it threw or rejected — whatever it threw — or said `success: false`. */
  call(iteration: number, options: CallOptions): CallResult | Promise<CallResult>;
  teardown?(): void | Promise<void>;
  /**
   * Where one call's time goes, operator by operator (a model's layers or graph nodes),
   * measured on `calls` extra calls made after the measured ones, outside the recorder:
   * profiling never touches the measured latencies. Optional; undefined when the workload
   * has nothing to break down.
   */
  profile?(calls: number): Promise<ModelProfile | undefined>;
}

/** One operator (a graph node, or a layer) over the profiled calls. */
export interface OperatorProfile {
  /** The node's or layer's name in the model. */
  name: string;
  /** The ONNX operator type (`Conv`, `LSTM`, `MatMul`…) or the TensorFlow.js layer class. */
  op_type: string;
  /** Times it ran over the profiled calls. */
  calls: number;
  /** Its time summed over every profiled call, ms. */
  total_ms: number;
  /** Per run of the operator, µs. */
  mean_us: number;
  /**
   * Of a typical inference (0–1): `median_ms` over `inference_ms`. Medians, so one slow
   * (descheduled) call cannot move it; what the operators leave is the runtime's own.
   */
  share: number;
  /** Its time in one inference, ms: the median over the profiled calls. */
  median_ms?: number;
  /** The spread of its time in one inference over the profiled calls, ms: 25th percentile. */
  p25_ms?: number;
  /** … and 75th percentile. */
  p75_ms?: number;
}

/** `detailed.json`'s `model_profile`: a breakdown of one inference. */
export interface ModelProfile {
  /** `onnx` (ONNX Runtime's profiler) or `tfjs` (per layer). */
  runtime: string;
  /** The execution provider or backend that ran it (`cpu`, `wasm`…). */
  provider: string;
  /** Inferences profiled (after one unprofiled warm-up). */
  calls: number;
  /**
   * A typical inference, ms: what `share` is a share of — the sum of each operator's median
   * time and the runtime's median time outside them (`runtime_ms`).
   */
  inference_ms: number;
  /** Of a typical inference, the time outside every operator (the runtime's own), ms: a median. */
  runtime_ms?: number;
  /** By share, largest first. */
  operators: OperatorProfile[];
}

/**
 * The error type a failed call is counted under: its `code`, else its `name`, else its
 * class; for a thrown non-object, its kind (`undefined`, `null`, `number`…). Never throws,
 * whatever was thrown (a getter that throws, a revoked Proxy…).
 */
export function errorTypeOf(error: unknown): string {
  if (error === null) return 'null';
  if (typeof error === 'string') return 'Error';
  if (typeof error !== 'object' && typeof error !== 'function') return typeof error;
  const code = read(() => (error as { code?: unknown }).code);
  if (typeof code === 'string' && code) return code;
  const name = read(() => (error as { name?: unknown }).name);
  if (typeof name === 'string' && name) return name;
  const className = read(
    () =>
      (Object.getPrototypeOf(error) as { constructor?: { name?: unknown } } | null)?.constructor
        ?.name,
  );
  return typeof className === 'string' && className ? className : 'object';
}

/** A property of something a workload threw: anything, including a getter that throws. */
function read(get: () => unknown): unknown {
  try {
    return get();
  } catch {
    return undefined;
  }
}
