import { createHash } from 'node:crypto';
import { errorTypeOf } from '../../load/index.js';
import { statisticalFeatures } from './_fallback.js';
import { IsolatedModel, TIMED_OUT } from './_isolated.js';
import type { tf } from './model.js';
import { FEATURES, TIMESTEPS, modelArtifacts, predictFeatures } from './model.js';

/** The seed's FeatureExtractionConfig, with TypeScript names. */
export interface FeatureExtractionConfig {
  /** Size of `fused_features`' last dimension (the model's; informative). Default 256. */
  fusedFeatureDim: number;
  enableCaching: boolean;
  /** Entries kept by the LRU cache. Default 1000. */
  cacheSize: number;
  /** Answer from the statistical extractor when the model throws or is too slow. */
  enableFallback: boolean;
  /** A model answer slower than this is replaced by the fallback (see `extractFeatures`). */
  timeoutMs: number;
  backend: 'wasm' | 'cpu';
  /**
   * Run the model in a worker thread, so that every call is answered within `timeoutMs` (by
   * the fallback, or a `timeout` error, when the model is late) and an overrunning inference
   * is interrupted. Costs a message round trip per call and a model load after each
   * interruption. Default false: the model runs on the calling thread.
   */
  isolate: boolean;
}

export const DEFAULT_FEATURE_EXTRACTION_CONFIG: Readonly<FeatureExtractionConfig> = {
  fusedFeatureDim: 256,
  enableCaching: true,
  cacheSize: 1000,
  enableFallback: true,
  timeoutMs: 100,
  backend: 'wasm',
  isolate: false,
};

export interface ExtractedFeatures {
  batch: number;
  /** `[batch, 10, 256]`, row-major. */
  fusedFeatures: Float32Array;
  /** `[batch, 3]`, each row sums to 1. */
  classificationProbs: Float32Array;
  /** `[batch, 1]`, positive. */
  regressionUncertainty: Float32Array;
  /** Answered from the cache: reported by the extractor, never guessed from latency. */
  cacheHit: boolean;
  fallbackUsed: boolean;
  /** Why the fallback answered (`timeout`, or the model error's class name). */
  errorType?: string;
  /** Time spent in the model, ms (0 for cache hits). */
  inferenceMs: number;
}

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
    private readonly model: tf.LayersModel,
    readonly config: FeatureExtractionConfig,
    private readonly beforeInference?: InferenceHook,
  ) {
    this.isolated = config.isolate
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
        : await predictFeatures(this.model, values, batch);
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
      ...statisticalFeatures(values, batch),
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

/** The seed's factory. */
export const FeatureExtractorFactory = {
  createExtractor(
    model: tf.LayersModel,
    config: Partial<FeatureExtractionConfig> = {},
    beforeInference?: InferenceHook,
  ): FeatureExtractor {
    return new ModelFeatureExtractor(
      model,
      { ...DEFAULT_FEATURE_EXTRACTION_CONFIG, ...config },
      beforeInference,
    );
  },
};

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
