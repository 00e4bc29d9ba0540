import { createHash } from 'node:crypto';
import { errorTypeOf } from '../../load/index.js';
import type { ExtractedFeatures } from './extracted.js';
import { statisticalFeatures } from './_fallback.js';
import { IsolatedModel, TIMED_OUT } from './_isolated.js';
import {
  describeValue,
  forwardFeatures,
  isLayersModel,
  isSeedModel,
  type FeatureModel,
} from './_seed-model.js';
import { FEATURES, TIMESTEPS, modelArtifacts, predictFeatures } from './model.js';

/**
 * The seed's FeatureExtractionConfig, with TypeScript names: `new FeatureExtractionConfig({
 * fusedFeatureDim: 256, enableCaching: true })` as the seed constructs it, or a plain object
 * of the same fields where `createExtractor` takes one.
 */
export class FeatureExtractionConfig {
  /**
   * Size of `fused_features`' last dimension. A TensorFlow.js model whose output differs is
   * refused at `createExtractor`; a seed-style model's answer of another size is a model
   * error (the fallback answers); the fallback answers this size. Default 256.
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

/** Bad input: wrong shape or non-finite values. Never answered by the fallback. */
export class FeatureInputError extends Error {
  override name = 'FeatureInputError';
  readonly code = 'invalid_input';
}

/** What `extractFeatures` takes: `[60][15]` rows, `[batch][60][15]`, or a flat Float32Array. */
export type FeatureInput = Float32Array | number[][] | number[][][];

export interface FeatureExtractor {
  readonly config: FeatureExtractionConfig;
  extractFeatures(input: FeatureInput, batch?: number): Promise<ExtractedFeatures>;
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

class ModelFeatureExtractor implements FeatureExtractor {
  readonly stats = { hits: 0, misses: 0, fallbacks: 0, size: 0 };
  private readonly cache = new Map<
    string,
    Omit<ExtractedFeatures, 'cacheHit' | 'fallbackUsed' | 'inferenceMs' | 'errorType'>
  >();

  private readonly isolated: IsolatedModel | undefined;

  constructor(
    private readonly model: FeatureModel,
    readonly config: FeatureExtractionConfig,
    private readonly beforeInference?: InferenceHook,
  ) {
    this.isolated =
      config.isolate && isLayersModel(model)
        ? new IsolatedModel(modelArtifacts(model), config.backend)
        : undefined;
  }

  /**
   * Features of one series or a batch. tfjs runs its kernels synchronously on the calling
   * thread, so in-process a slow inference cannot be interrupted: when it took longer than
   * `timeoutMs`, its late answer is replaced by the fallback's and flagged
   * (`errorType: 'timeout'`). With `isolate`, the model runs in a worker thread and every
   * call is answered within `timeoutMs` of being made — by the model, else by the fallback —
   * and an overrunning inference is stopped (its worker terminated and replaced).
   */
  async extractFeatures(input: FeatureInput, batchHint?: number): Promise<ExtractedFeatures> {
    const { values, batch } = validate(input, batchHint);
    const key = this.config.enableCaching ? cacheKey(values) : undefined;
    if (key !== undefined) {
      const cached = this.cache.get(key);
      if (cached) {
        // LRU: a hit moves the entry to the young end of the Map's insertion order.
        this.cache.delete(key);
        this.cache.set(key, cached);
        this.stats.hits++;
        return { ...cached, cacheHit: true, fallbackUsed: false, inferenceMs: 0 };
      }
      this.stats.misses++;
    }
    const started = performance.now();
    let result: ExtractedFeatures;
    try {
      this.beforeInference?.();
      const answer = this.isolated
        ? await this.isolated.infer(values, batch, this.config.timeoutMs)
        : isLayersModel(this.model)
          ? await predictFeatures(this.model, values, batch)
          : await forwardFeatures(this.model, values, batch, this.config.fusedFeatureDim);
      const inferenceMs = performance.now() - started;
      if (answer === TIMED_OUT && !this.config.enableFallback) {
        throw new ModelTimeoutError(`model answer not ready after ${this.config.timeoutMs} ms`);
      }
      if (
        answer === TIMED_OUT ||
        (this.config.enableFallback && inferenceMs > this.config.timeoutMs)
      ) {
        result = this.fallback(values, batch, 'timeout', inferenceMs);
      } else {
        result = { ...answer, cacheHit: false, fallbackUsed: false, inferenceMs };
        if (key !== undefined) this.remember(key, answer);
      }
    } catch (error) {
      if (!this.config.enableFallback) throw error;
      result = this.fallback(values, batch, errorTypeOf(error), performance.now() - started);
    }
    return result;
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

  private fallback(
    values: Float32Array,
    batch: number,
    errorType: string,
    inferenceMs: number,
  ): ExtractedFeatures {
    this.stats.fallbacks++;
    return {
      ...statisticalFeatures(values, batch, this.config.fusedFeatureDim),
      cacheHit: false,
      fallbackUsed: true,
      errorType,
      inferenceMs,
    };
  }

  private remember(
    key: string,
    answer: Omit<ExtractedFeatures, 'cacheHit' | 'fallbackUsed' | 'inferenceMs' | 'errorType'>,
  ): void {
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

/** The seed's factory. */
export const FeatureExtractorFactory = {
  /**
   * An extractor over `model`: a TensorFlow.js layers model, or a seed-style model (an
   * object with `forward(input)`, see `SeedModel`). Anything else is refused here, not
   * answered by the fallback on every call; so is a `fusedFeatureDim` the model does not
   * produce, and `isolate` for a model that cannot be sent to a worker thread.
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
    if (isLayersModel(model)) {
      const produced = model.outputs[0]?.shape.at(-1);
      if (produced !== dim) {
        throw new FeatureExtractorError(
          `fusedFeatureDim ${dim} given, but the model's fused_features have ${String(produced)}`,
        );
      }
    } else if (isSeedModel(model)) {
      if (full.isolate) {
        throw new FeatureExtractorError(
          'isolate needs a TensorFlow.js model (a forward() model cannot be sent to a worker thread)',
        );
      }
    } else {
      throw new FeatureExtractorError(
        `createExtractor expects a TensorFlow.js LayersModel or an object with the seed's forward(input) method, got ${describeValue(model)}`,
      );
    }
    return new ModelFeatureExtractor(model, full, beforeInference);
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

function cacheKey(values: Float32Array): string {
  return createHash('sha1')
    .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    .digest('base64');
}

const PER_SERIES = TIMESTEPS * FEATURES;

function validate(
  input: FeatureInput,
  batchHint?: number,
): { values: Float32Array; batch: number } {
  let values: Float32Array;
  if (input instanceof Float32Array) {
    values = input;
  } else if (Array.isArray(input)) {
    const series = (
      Array.isArray(input[0]) && Array.isArray((input[0] as unknown[])[0]) ? input : [input]
    ) as number[][][];
    values = new Float32Array(series.length * PER_SERIES);
    series.forEach((rows, b) => {
      if (!Array.isArray(rows) || rows.length !== TIMESTEPS) {
        throw new FeatureInputError(
          `series ${b}: expected ${TIMESTEPS} timesteps, got ${Array.isArray(rows) ? rows.length : typeof rows}`,
        );
      }
      rows.forEach((row, t) => {
        if (!Array.isArray(row) || row.length !== FEATURES) {
          throw new FeatureInputError(
            `series ${b}, timestep ${t}: expected ${FEATURES} features, got ${Array.isArray(row) ? row.length : typeof row}`,
          );
        }
        row.forEach((v, f) => (values[b * PER_SERIES + t * FEATURES + f] = v));
      });
    });
  } else {
    throw new FeatureInputError(
      'expected a Float32Array or nested arrays of shape [batch, 60, 15]',
    );
  }
  if (values.length === 0 || values.length % PER_SERIES !== 0) {
    throw new FeatureInputError(
      `expected [batch, ${TIMESTEPS}, ${FEATURES}] values (a multiple of ${PER_SERIES}), got ${values.length}`,
    );
  }
  const batch = values.length / PER_SERIES;
  if (batchHint !== undefined && batchHint !== batch) {
    throw new FeatureInputError(`batch ${batchHint} given, but the input holds ${batch} series`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const b = Math.floor(i / PER_SERIES);
      const t = Math.floor((i % PER_SERIES) / FEATURES);
      throw new FeatureInputError(
        `non-finite value ${values[i]} at series ${b}, timestep ${t}, feature ${i % FEATURES}`,
      );
    }
  }
  return { values, batch };
}
