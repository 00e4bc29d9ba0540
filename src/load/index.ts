export { runWorkload } from './runner.js';
export type { RunPlan, RunOutcome } from './runner.js';
export type { Workload, CallResult, CallReport } from './workload.js';
export { errorTypeOf } from './workload.js';
export { parseDurationMs, formatDuration } from './duration.js';
