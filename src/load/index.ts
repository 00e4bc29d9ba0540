export { runWorkload } from './runner.js';
export type { RunPlan, RunOutcome } from './runner.js';
export type {
  Workload,
  CallResult,
  CallReport,
  CallOptions,
  ModelProfile,
  OperatorProfile,
} from './workload.js';
export { errorTypeOf } from './workload.js';
// The monitor's open-loop driver shares the runner's call handling.
export { CallHandle, TimeoutError, isThenable, sleep, withTimeout } from './_async.js';
export { parseDurationMs, formatDuration } from './duration.js';
export { afterMs, MAX_TIMER_MS } from './timers.js';
export type { LongTimer } from './timers.js';
