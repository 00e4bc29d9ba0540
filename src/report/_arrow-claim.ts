/**
 * Who makes samples.arrow: the samples worker or the thread that asked it for the samples.
 * A file of its own, without the encoders, so that the module starting the worker
 * (`_samples-files.ts`) loads nothing the worker itself loads: the command line starts it
 * before it loads the rest of the report.
 */

/** `arrowClaim`'s states: nobody yet, the encoder (the worker), the thread that asked. */
export const ARROW_UNCLAIMED = 0;
export const ARROW_BY_ENCODER = 1;
export const ARROW_BY_ASKER = 2;

/**
 * Whether `by` makes samples.arrow: the first of the worker (once its CSV is rendered) and
 * the main thread (once it has nothing left but to wait for the worker) to ask gets it, so
 * the Arrow file is made by whichever thread is free first, and never by both.
 */
export function claimArrow(claim: Int32Array, by: number): boolean {
  return Atomics.compareExchange(claim, 0, ARROW_UNCLAIMED, by) === ARROW_UNCLAIMED;
}
