/**
 * The default workload of `perfsight run`: a real CNN+LSTM feature extractor (TensorFlow.js,
 * WASM backend) with its LRU cache and statistical fallback, fed a seeded stream of
 * multivariate series. Answers the seed's question: does extraction meet P95 < 100 ms?
 */
import type { Workload } from '../../load/index.js';
import { seededRandom } from '../../random/index.js';
import { SeriesStream } from './_inputs.js';
import { FeatureExtractorFactory, fallbackReason, type FeatureExtractor } from './extractor.js';
import { profileLayers } from './_profile.js';
import {
  FEATURES,
  TIMESTEPS,
  buildFeatureModel,
  loadModel,
  tf,
  useBackend,
  type Backend,
} from './model.js';

export {
  FeatureExtractorFactory,
  FeatureExtractionConfig,
  FeatureExtractorError,
  FeatureInputError,
  fallbackReason,
  ModelTimeoutError,
  DEFAULT_FEATURE_EXTRACTION_CONFIG,
} from './extractor.js';
export type {
  FeatureExtractor,
  FeatureInput,
  FeatureModel,
  SeedModel,
  SeedModelOutput,
} from './extractor.js';
export type { ExtractedFeatures } from './extracted.js';
export { ModelOutputError } from './_seed-model.js';
export {
  buildFeatureModel,
  saveModel,
  loadModel,
  useBackend,
  TIMESTEPS,
  FEATURES,
  FUSED_STEPS,
  FUSED_DIM,
} from './model.js';
export type { Backend } from './model.js';
export { SeriesStream } from './_inputs.js';

export interface FeatureExtractionOptions {
  /** A model directory in the tfjs layers format; the built-in seeded model otherwise. */
  model?: string;
  backend?: Backend;
  /** Series per call. Default 1. */
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

/** An injected model failure (`--fault-rate`): what a crashed or corrupt model would do. */
class InjectedModelFault extends Error {
  override name = 'InjectedModelFault';
}

export async function featureExtractionWorkload(
  options: FeatureExtractionOptions = {},
): Promise<Workload> {
  const seed = options.seed ?? 42;
  const batch = options.batch ?? 1;
  const repeatRatio = options.repeatRatio ?? 0.2;
  const faultRate = options.faultRate ?? 0;
  let extractor: FeatureExtractor | undefined;
  let model: tf.LayersModel | undefined;
  let backend: Backend | undefined;
  let info: Record<string, unknown> = {};
  const stream = new SeriesStream(seed, repeatRatio, batch);
  const faults = seededRandom(seed + 7);
  return {
    name: 'feature-extraction',
    description: 'CNN+LSTM feature extraction (TensorFlow.js), P95 < 100 ms requirement',
    async setup() {
      const started = performance.now();
      backend = await useBackend(options.backend ?? 'wasm');
      model = options.model ? await loadModel(options.model) : buildFeatureModel(seed);
      extractor = FeatureExtractorFactory.createExtractor(
        model,
        {
          backend,
          cacheSize: options.cacheSize ?? 1000,
          timeoutMs: options.modelTimeoutMs ?? 100,
          isolate: options.isolate ?? false,
        },
        faultRate > 0
          ? () => {
              if (faults() < faultRate) throw new InjectedModelFault('injected model fault');
            }
          : undefined,
      );
      await extractor.ready();
      // One call outside the measurement: kernels compiled, weights uploaded.
      await extractor.extractFeatures(new SeriesStream(seed + 99, 0, batch).next());
      extractor.clearCache();
      info = {
        kind: 'feature-extraction',
        model: options.model ?? 'built-in CNN+LSTM (seeded)',
        backend,
        parameters: model.countParams(),
        input_shape: [batch, 60, 15],
        fused_features_shape: [batch, 10, 256],
        cache_size: options.cacheSize ?? 1000,
        repeat_ratio: repeatRatio,
        // Every repeat is of a recent input the cache still holds: the hit rate to expect.
        expected_cache_hit_rate: repeatRatio,
        fault_rate: faultRate,
        model_timeout_ms: options.modelTimeoutMs ?? 100,
        isolated_in_worker: options.isolate ?? false,
        load_seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
      };
    },
    async call() {
      const result = await extractor!.extractFeatures(stream.next(), batch);
      return {
        cacheHit: result.cacheHit,
        fallbackUsed: result.fallbackUsed,
        // Why the model did not answer, kept with the sample (it is still a success).
        errorType: result.fallbackUsed ? fallbackReason(result.errorType) : result.errorType,
      };
    },
    async teardown() {
      await extractor?.close();
    },
    // The model alone, on inputs of the measured shape: no cache, fallback or fault injection.
    async profile(calls) {
      if (!model || !backend) return undefined;
      const inputs = new SeriesStream(seed + 123, 0, batch);
      return profileLayers(
        model,
        () => tf.tensor3d(inputs.next(), [batch, TIMESTEPS, FEATURES]),
        calls,
        backend,
      );
    },
    info: () => info,
  };
}
