/**
 * The default workload of `perfsight run`: a real CNN+LSTM feature extractor (TensorFlow.js,
 * WASM backend) with its LRU cache and statistical fallback, fed a seeded stream of
 * multivariate series. Answers the seed's question: does extraction meet P95 < 100 ms?
 */
import type { Workload } from '../../load/index.js';
import { seededRandom } from '../../random/index.js';
import { SeriesStream } from './_inputs.js';
import { FeatureExtractorFactory, fallbackReason, type FeatureExtractor } from './extractor.js';
import { loadMeasuredModel, measuredInputs, type LoadedModel } from './_measured-model.js';
import { profileRunner } from './_runner-profile.js';
import type { Backend } from './model.js';
import type { FeatureExtractionOptions } from './options.js';

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
export { SeriesStream, WindowCycle, type InputSource } from './_inputs.js';
export {
  loadOnnxModel,
  onnxModelFromBytes,
  OnnxRunner,
  EXECUTION_PROVIDERS,
  type OnnxOptions,
} from './onnx.js';
export { loadTfjsModel, LayersRunner, GraphRunner } from './_tfjs-runner.js';
export { parseNpy, parseJsonLines } from './_input-files.js';
export type {
  ModelRunner,
  ModelSignature,
  TensorSpec,
  Dimension,
  ExecutionProvider,
} from './_runner.js';

export type { Runtime, FeatureExtractionOptions } from './options.js';

/** An injected model failure (`--fault-rate`): what a crashed or corrupt model would do. */
class InjectedModelFault extends Error {
  override name = 'InjectedModelFault';
}

export function featureExtractionWorkload(options: FeatureExtractionOptions = {}): Workload {
  const seed = options.seed ?? 42;
  const repeatRatio = options.repeatRatio ?? 0.2;
  const faultRate = options.faultRate ?? 0;
  const timeoutMs = options.modelTimeoutMs ?? 100;
  const cacheSize = options.cacheSize ?? 1000;
  let extractor: FeatureExtractor | undefined;
  let loaded: LoadedModel | undefined;
  let info: Record<string, unknown> = {};
  let next: (() => Float32Array) | undefined;
  const faults = seededRandom(seed + 7);
  return {
    name: 'feature-extraction',
    description: 'CNN+LSTM feature extraction, P95 < 100 ms requirement',
    async setup() {
      const started = performance.now();
      loaded = await loadMeasuredModel(options, seed);
      const { runner, batch, itemDims } = loaded;
      extractor = FeatureExtractorFactory.createExtractor(
        runner,
        {
          backend: runner.runtime === 'tfjs' ? (runner.provider as Backend) : 'wasm',
          cacheSize,
          timeoutMs,
          isolate: options.isolate ?? false,
        },
        faultRate > 0
          ? () => {
              if (faults() < faultRate) throw new InjectedModelFault('injected model fault');
            }
          : undefined,
      );
      const inputs = await measuredInputs(options.inputs, itemDims, batch, repeatRatio, seed);
      next = () => {
        const input = inputs.next();
        // The windows start over: the cache must not answer them from the last cycle.
        if (inputs.wrapped) extractor!.clearCache();
        return input;
      };
      await extractor.ready();
      // One call outside the measurement: kernels compiled, weights uploaded.
      await extractor.extractFeatures(
        new SeriesStream(seed + 99, 0, batch, itemDims).next(),
        batch,
      );
      extractor.clearCache();
      const { signature } = runner;
      info = {
        kind: 'feature-extraction',
        model: loaded.description,
        runtime: runner.runtime,
        ...(runner.runtime === 'tfjs'
          ? { backend: runner.provider }
          : { execution_provider: runner.provider, threads: runner.threads ?? null }),
        parameters: runner.parameters ?? null,
        input_name: signature.input.name,
        input_shape: [batch, ...itemDims],
        outputs: Object.fromEntries(signature.outputs.map((o) => [o.name, o.shape])),
        ...(loaded.builtIn ? { fused_features_shape: [batch, 10, 256] } : {}),
        inputs: options.inputs ?? 'generated (seeded series)',
        cache_size: cacheSize,
        repeat_ratio: repeatRatio,
        // Every repeat is of a recent input the cache still holds: the hit rate to expect
        // (windows from a file that wrap around are not hits: the cache starts afresh).
        expected_cache_hit_rate: repeatRatio,
        fault_rate: faultRate,
        model_timeout_ms: timeoutMs,
        fallback: extractor.fallbackUnavailable ? `off: ${extractor.fallbackUnavailable}` : 'on',
        isolated_in_worker: options.isolate ?? false,
        load_seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
      };
    },
    async call() {
      const result = await extractor!.extractFeatures(next!(), loaded!.batch);
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
      if (!loaded) return undefined;
      const inputs = new SeriesStream(seed + 123, 0, loaded.batch, loaded.itemDims);
      return profileRunner(loaded.runner, () => inputs.next(), loaded.batch, calls);
    },
    info: () => info,
  };
}
