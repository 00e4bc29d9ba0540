/** What one extraction answers (shared by the extractor and its statistical fallback). */
export interface ExtractedFeatures {
  batch: number;
  /**
   * Every output of the model by its name, row-major, `[batch, …]` in the model's shapes.
   * The three fields below are the seed's outputs: for a model of another contract, its
   * first three outputs in order (empty when it has fewer).
   */
  outputs: Record<string, Float32Array>;
  /** `[batch, 10, fusedFeatureDim]`, row-major. */
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
