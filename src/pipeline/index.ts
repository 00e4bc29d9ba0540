/**
 * The run pipeline as a library call: a recorded run in, every artifact `perfsight run`
 * writes out (`runPipeline`), the folder written as a last step the caller chooses
 * (`writeReportFolder`). `run`, `report` and the monitor's final export all go through it.
 */
export { runPipeline } from './pipeline.js';
export type { PipelineOptions, RunArtifacts } from './pipeline.js';
export { comparisonFiles } from './comparison.js';
