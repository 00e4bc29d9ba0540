/**
 * Driving load: the one load driver behind `perfsight run` and the monitor.
 *
 * The workload contract — anything that follows it plugs into the driver (a function, a
 * model, an HTTP endpoint):
 *
 * - A workload is `{ name, call(iteration, { signal }) }` (see `Workload`), with optional
 *   `setup`, `teardown` and `info`. `call` is one measured call: it returns (or resolves to)
 *   nothing for a plain success, or a `CallReport` (`success: false`, `errorType`,
 *   `cacheHit`, `fallbackUsed`). It failed if it threw or rejected, whatever it threw.
 * - `call` may answer synchronously or with a promise, and may mix both: a synchronous
 *   answer costs the driver no promise and no allocation (calls run back to back, with the
 *   event loop given back every 100 ms so timers, Ctrl-C and the progress bar still run).
 * - `signal` is aborted when the driver gives up on the call: it outlived the timeout, or the
 *   run was interrupted or ended with it in flight. Pass it on (`fetch(url, { signal })`) so
 *   an abandoned call frees what it holds. It is made only when read, and belongs to the call
 *   while it runs: read it during the call, not after the call has settled.
 * - `iteration` counts the measured calls from 0; warm-up calls get -1, -2, …
 */
export { driveLoad } from './driver.js';
export type { DriveOptions, DriveOutcome, RunPlan } from './driver.js';
export { runWorkload } from './runner.js';
export type { RunOutcome } from './runner.js';
export type {
  Workload,
  CallResult,
  CallReport,
  CallOptions,
  ModelProfile,
  OperatorProfile,
} from './workload.js';
export { errorTypeOf } from './workload.js';
export { parseDurationMs, formatDuration } from './duration.js';
export { afterMs, MAX_TIMER_MS } from './timers.js';
export type { LongTimer } from './timers.js';
