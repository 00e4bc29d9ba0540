export { MetricsCollector, sampleFlags, recordedRunOf, DEFAULT_EXACT_CAP } from './collector.js';
export type { CollectorOptions, RecordedRun, CurrentMetrics } from './collector.js';
export type { Recorder, RecordBatch } from './recorder.js';
export type {
  AggregatedMetrics,
  LatencyPercentiles,
  PercentileMethod,
  SampleInput,
} from './types.js';
export { percentileLinear, meanAndStd, withinObserved } from './percentiles.js';
export { LogLinearCounts, MAX_TRACKABLE_US } from './_log-linear.js';
export { encodeHdrBase64, decodeHdrBase64 } from './_hdr-codec.js';
export {
  SampleLog,
  FLAG_SUCCESS,
  FLAG_CACHE_HIT,
  FLAG_CACHE_MISS,
  FLAG_FALLBACK,
} from './_sample-log.js';
export type { SampleColumns } from './_sample-log.js';
export { ResourceSampler, summarizeResources } from './resources.js';
export type { ResourcePoint, ResourceSummary } from './resources.js';
export type { ThroughputPoint } from './_timeline.js';
export { SEED_BINS } from './_latency-stats.js';
export { ANSWER_SOURCES, sourceOf } from './_answer-sources.js';
export type { AnswerSource, LatencyBySource, SourceLatency } from './types.js';
export { histogramRecordedRun, unionSeconds } from './merge.js';
export type { HistogramPart, Span } from './merge.js';
