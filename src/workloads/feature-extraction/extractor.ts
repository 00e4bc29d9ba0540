import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { errorTypeOf } from '../../load/index.js';
import type { ExtractedFeatures } from './extracted.js';
import { shapedFallback, statisticalFeatures } from './_fallback.js';
import { IsolatedModel, TIMED_OUT } from './_isolated.js';
import { itemShape, product, type ModelRunner } from './_runner.js';
import { describeValue, isSeedModel, seedModelRunner, type FeatureModel } from './_seed-model.js';
import { GraphRunner, LayersRunner, isGraphModel, isLayersModel } from './_tfjs-runner.js';
import { FeatureInputError, validateInput, type FeatureInput } from './_validate.js';
import { CLASSES, FEATURES, FUSED_STEPS, TIMESTEPS } from './model.js';
import { OnnxRunner, isOnnxSession } from './onnx.js';

/**
 * The seed's FeatureExtractionConfig, with TypeScript names: `new FeatureExtractionConfig({
 * fusedFeatureDim: 256, enableCaching: true })` as the seed constructs it, or a plain object
 * of the same fields where `createExtractor` takes one.
 */
export class FeatureExtractionConfig {
  /**
   * Size of `fused_features`' last dimension. Given, a model of the seed's contract whose
   * output differs is refused at `createExtractor` (not given, the model's own size is
   * used); a seed-style model's answer of another size is a model error (the fallback
   * answers); the fallback answers the model's size. Default 256.
   */
  fusedFeatureDim = 256;
  enableCaching = true;
  /** Entries kept by the LRU cache. Default 1000. */
  cacheSize = 1000;
  /** Answer from the statistical extractor when the model throws or is too slow. */
  enableFallback = true;
  /** A model answer slower than this is replaced by the fallback (see `extractFeatures`). */
  timeoutMs = 100;
  backend: 'wasm' | 'cpu' = 'wasm';
  /**
   * Run the model in a worker thread, so that every call is answered within `timeoutMs` (by
   * the fallback, or a `timeout` error, when the model is late) and an overrunning inference
   * is interrupted. Costs a message round trip per call and a model load after each
   * interruption. Default false: the model runs on the calling thread.
   */
  isolate = false;

  constructor(options: Partial<FeatureExtractionConfig> = {}) {
    // Only the fields the config has: an unknown key (a typo) is not carried along.
    for (const key of Object.keys(this) as Array<keyof FeatureExtractionConfig>) {
      const value = options[key];
      if (value !== undefined) (this as Record<string, unknown>)[key] = value;
    }
  }
}

export const DEFAULT_FEATURE_EXTRACTION_CONFIG: Readonly<FeatureExtractionConfig> =
  new FeatureExtractionConfig();

export { FeatureInputError, type FeatureInput };

export interface FeatureExtractor {
  readonly config: FeatureExtractionConfig;
  extractFeatures(input: FeatureInput, batch?: number): Promise<ExtractedFeatures>;
  /** What answers: the runtime, its provider and the model's input and outputs. */
  readonly runner: ModelRunner;
  /** Why the fallback cannot answer for this model, when it cannot (else undefined). */
  readonly fallbackUnavailable: string | undefined;
  /** Cache statistics since creation. */
  readonly stats: { hits: number; misses: number; fallbacks: number; size: number };
  clearCache(): void;
  /** Resolves when the model can answer (with `isolate`: its worker has loaded and warmed up). */
  ready(): Promise<void>;
  /** Stops the model's worker thread, if `isolate` started one. */
  close(): Promise<void>;
}

/** The model overran `timeoutMs` and the fallback is off. */
export class ModelTimeoutError extends Error {
  override name = 'timeout';
}

/** Called before each inference: fault injection for tests and `--fault-rate`. */
export type InferenceHook = () => void;

/** What a model answered, by output, in the runner's order: what the cache keeps. */
type Answer = Float32Array[];

/**
 * The model's contract as the extractor uses it: the shape of one input item, and how the
 * fallback answers (undefined, with the reason, when it cannot shape an answer).
 */
interface Contract {
  itemDims: number[];
  fallback?: (values: Float32Array, batch: number) => Answer;
  fallbackUnavailable?: string;
}

class ModelFeatureExtractor implements FeatureExtractor {
  readonly stats = { hits: 0, misses: 0, fallbacks: 0, size: 0 };
  private readonly cache = new Map<string, Answer>();
  private readonly isolated: IsolatedModel | undefined;

  constructor(
    readonly runner: ModelRunner,
    readonly config: FeatureExtractionConfig,
    private readonly contract: Contract,
    private readonly beforeInference?: InferenceHook,
  ) {
    this.isolated =
      config.isolate && runner.recipe ? new IsolatedModel(runner.recipe()) : undefined;
  }

  get fallbackUnavailable(): string | undefined {
    return this.contract.fallbackUnavailable;
  }

  /**
   * Features of one series or a batch. tfjs and ONNX Runtime run on the calling thread, so
   * in-process a slow inference cannot be interrupted: when it took longer than `timeoutMs`,
   * its late answer is replaced by the fallback's and flagged (`errorType: 'timeout'`). With
   * `isolate`, the model runs in a worker thread and every call is answered within
   * `timeoutMs` of being made — by the model, else by the fallback — and an overrunning
   * inference is stopped (its worker terminated and replaced).
   */
  async extractFeatures(input: FeatureInput, batchHint?: number): Promise<ExtractedFeatures> {
    const { values, batch } = validateInput(input, this.contract.itemDims, batchHint);
    const key = this.config.enableCaching ? cacheKey(values) : undefined;
    if (key !== undefined) {
      const cached = this.cache.get(key);
      if (cached) {
        // LRU: a hit moves the entry to the young end of the Map's insertion order.
        this.cache.delete(key);
        this.cache.set(key, cached);
        this.stats.hits++;
        return this.features(cached, batch, {
          cacheHit: true,
          fallbackUsed: false,
          inferenceMs: 0,
        });
      }
      this.stats.misses++;
    }
    const fallbackOn = this.config.enableFallback && this.contract.fallback !== undefined;
    const started = performance.now();
    try {
      this.beforeInference?.();
      const answer = this.isolated
        ? await this.isolated.infer(values, batch, this.config.timeoutMs)
        : await this.runner.run(values, batch);
      const inferenceMs = performance.now() - started;
      if (answer === TIMED_OUT && !fallbackOn) {
        throw new ModelTimeoutError(`model answer not ready after ${this.config.timeoutMs} ms`);
      }
      if (answer === TIMED_OUT || (fallbackOn && inferenceMs > this.config.timeoutMs)) {
        return this.fallback(values, batch, 'timeout', inferenceMs);
      }
      if (key !== undefined) this.remember(key, answer);
      return this.features(answer, batch, { cacheHit: false, fallbackUsed: false, inferenceMs });
    } catch (error) {
      if (!fallbackOn) throw error;
      return this.fallback(values, batch, errorTypeOf(error), performance.now() - started);
    }
  }

  clearCache(): void {
    this.cache.clear();
    this.stats.size = 0;
  }

  async ready(): Promise<void> {
    await this.isolated?.start();
  }

  async close(): Promise<void> {
    await this.isolated?.close();
  }

  private features(
    answer: Answer,
    batch: number,
    how: Pick<ExtractedFeatures, 'cacheHit' | 'fallbackUsed' | 'inferenceMs' | 'errorType'>,
  ): ExtractedFeatures {
    const outputs: Record<string, Float32Array> = {};
    this.runner.signature.outputs.forEach((o, i) => (outputs[o.name] = answer[i]!));
    const empty = new Float32Array(0);
    return {
      batch,
      outputs,
      fusedFeatures: answer[0] ?? empty,
      classificationProbs: answer[1] ?? empty,
      regressionUncertainty: answer[2] ?? empty,
      ...how,
    };
  }

  private fallback(
    values: Float32Array,
    batch: number,
    errorType: string,
    inferenceMs: number,
  ): ExtractedFeatures {
    this.stats.fallbacks++;
    return this.features(this.contract.fallback!(values, batch), batch, {
      cacheHit: false,
      fallbackUsed: true,
      errorType,
      inferenceMs,
    });
  }

  private remember(key: string, answer: Answer): void {
    this.cache.set(key, answer);
    if (this.cache.size > this.config.cacheSize) {
      this.cache.delete(this.cache.keys().next().value as string);
    }
    this.stats.size = this.cache.size;
  }
}

/** A model or configuration `createExtractor` cannot work with. */
export class FeatureExtractorError extends TypeError {
  override name = 'FeatureExtractorError';
}

function isRunner(model: unknown): model is ModelRunner {
  const r = model as Partial<ModelRunner> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.run === 'function' &&
    typeof r.signature === 'object' &&
    typeof r.runtime === 'string'
  );
}

/** The seed's contract: `[*, 60, 15]` in; `[*, 10, D]`, `[*, 3]`, `[*, 1]` out. */
function seedContract(runner: ModelRunner): number | undefined {
  const { input, outputs } = runner.signature;
  const same = (a: readonly unknown[], b: readonly unknown[]) =>
    a.length === b.length && a.every((v, i) => v === b[i]);
  const item = (shape: readonly unknown[]) => shape.slice(1);
  if (!same(item(input.shape), [TIMESTEPS, FEATURES]) || outputs.length !== 3) return undefined;
  const [fused, classes, uncertainty] = outputs.map((o) => item(o.shape));
  if (!same(classes!, [CLASSES]) || !same(uncertainty!, [1])) return undefined;
  if (fused!.length !== 2 || fused![0] !== FUSED_STEPS || typeof fused![1] !== 'number') {
    return undefined;
  }
  return fused![1];
}

/**
 * The runner's contract: its input item's shape (refused if the model leaves one open), and
 * a fallback in its output shapes — the seed's statistical extractor for a model of the
 * seed's contract, a projection of the input's statistics otherwise — or why there is none.
 */
function contractOf(runner: ModelRunner, fusedFeatureDim: number): Contract {
  const item = itemShape(runner.signature.input);
  if (!Array.isArray(item)) {
    throw new FeatureExtractorError(
      `the model's input ${JSON.stringify(runner.signature.input.name)} leaves ${item.open} open besides the batch; perfsight needs every other dimension fixed`,
    );
  }
  if (seedContract(runner) !== undefined) {
    return {
      itemDims: item,
      fallback: (values, batch) => {
        const f = statisticalFeatures(values, batch, fusedFeatureDim);
        return [f.fusedFeatures, f.classificationProbs, f.regressionUncertainty];
      },
    };
  }
  const sizes: number[] = [];
  for (const output of runner.signature.outputs) {
    const dims = itemShape(output);
    if (!Array.isArray(dims) || output.shape.length === 0) {
      return {
        itemDims: item,
        fallbackUnavailable: `output ${JSON.stringify(output.name)} has ${Array.isArray(dims) ? 'no declared shape' : `${dims.open} open`}, so no fallback answer can be shaped`,
      };
    }
    sizes.push(product(dims));
  }
  return {
    itemDims: item,
    fallback: (values, batch) => shapedFallback(values, batch, item, sizes),
  };
}

/** The seed's factory. */
export const FeatureExtractorFactory = {
  /**
   * An extractor over `model`: a TensorFlow.js layers or graph model, an ONNX Runtime
   * `InferenceSession` (of one float input), a seed-style model (an object with
   * `forward(input)`, see `SeedModel`), or a runner perfsight loaded. Anything else is
   * refused here, not answered by the fallback on every call; so is a `fusedFeatureDim` a
   * model of the seed's contract does not produce, and `isolate` for a model that cannot be
   * sent to a worker thread (a `forward()` model, a session created elsewhere).
   */
  createExtractor(
    model: FeatureModel,
    config: Partial<FeatureExtractionConfig> = {},
    beforeInference?: InferenceHook,
  ): FeatureExtractor {
    const full = new FeatureExtractionConfig(config);
    const dim = full.fusedFeatureDim;
    if (!Number.isInteger(dim) || dim < 1) {
      throw new FeatureExtractorError(
        `fusedFeatureDim must be a whole number ≥ 1, got ${String(dim)}`,
      );
    }
    let runner: ModelRunner;
    if (isRunner(model)) runner = model;
    else if (isLayersModel(model)) runner = new LayersRunner(model, full.backend);
    else if (isGraphModel(model)) runner = new GraphRunner(model, full.backend, undefined);
    else if (isOnnxSession(model)) runner = new OnnxRunner(model, {}, undefined);
    else if (isSeedModel(model)) runner = seedModelRunner(model, dim);
    else {
      throw new FeatureExtractorError(
        `createExtractor expects a TensorFlow.js LayersModel or GraphModel, an ONNX Runtime InferenceSession, or an object with the seed's forward(input) method, got ${describeValue(model)}`,
      );
    }
    const produced = seedContract(runner);
    if (produced !== undefined && produced !== dim && config.fusedFeatureDim !== undefined) {
      throw new FeatureExtractorError(
        `fusedFeatureDim ${dim} given, but the model's fused_features have ${String(produced)}`,
      );
    }
    if (full.isolate && !runner.recipe) {
      throw new FeatureExtractorError(
        'isolate needs a TensorFlow.js model or an ONNX model loaded from its file (a forward() model or a session made elsewhere cannot be sent to a worker thread)',
      );
    }
    return new ModelFeatureExtractor(
      runner,
      full,
      contractOf(runner, produced ?? dim),
      beforeInference,
    );
  },
};

/**
 * Why the fallback answered, as a sample's `error_type`: `model_timeout`, or
 * `model_error:<the model error's name>`. The call still counts as a success (answered by
 * the fallback); the reason lands in samples.csv.gz and `error_analysis.fallback_reasons`.
 */
export function fallbackReason(errorType: string | undefined): string | undefined {
  if (errorType === undefined) return undefined;
  return errorType === 'timeout' ? 'model_timeout' : `model_error:${errorType}`;
}

export type { SeedModel, SeedModelOutput, FeatureModel } from './_seed-model.js';

/** Node ≥ 20.12's one-shot hash: no Hash object per call (createHash before). */
const oneShotHash = (
  crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'base64') => string }
).hash;

function cacheKey(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return oneShotHash
    ? oneShotHash('sha1', bytes, 'base64')
    : createHash('sha1').update(bytes).digest('base64');
}
