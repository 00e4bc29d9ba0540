/** Small async helpers of the load driver (driver.ts): sleeping, call handles, timeouts. */
import { afterMs } from './timers.js';
import type { CallOptions } from './workload.js';

export function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/** Waits `ms` (a turn of the event loop below 1 ms; any length above); an abort ends the wait early. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms < 1 || signal?.aborted) return void setImmediate(resolve);
    const timer = afterMs(ms, done);
    function done() {
      timer.cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A call that outlived the timeout; counted under the error type `timeout`. */
export class TimeoutError extends Error {
  override name = 'timeout';
}

/**
 * One call's options. Its AbortSignal is made only when the workload reads it (most never
 * do, and a controller per call is not free); one read after the call was abandoned is
 * aborted already. A handle whose signal was never read, of a call that is over and was not
 * abandoned, is `reusable`: nothing can tell it from a new one, so the driver passes it to
 * the next call instead of allocating one per call.
 */
export class CallHandle implements CallOptions {
  private controller: AbortController | undefined = undefined;
  private abandonedFor: unknown = undefined;
  private abandoned = false;

  get reusable(): boolean {
    return this.controller === undefined && !this.abandoned;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abandoned) this.controller.abort(this.abandonedFor);
    }
    return this.controller.signal;
  }

  /** perfsight no longer waits for this call: tell the workload, if it listens. */
  abandon(reason: string, name: 'TimeoutError' | 'AbortError'): void {
    if (this.abandoned) return;
    this.abandoned = true;
    this.abandonedFor = new DOMException(reason, name);
    this.controller?.abort(this.abandonedFor);
  }
}

/**
 * `pending`, or a `TimeoutError` once `timeoutMs` has passed; the call is then abandoned
 * (its signal aborted) and its late answer ignored. The caller adds `call` to `unsettled`
 * while it waits and removes it when this settles — except after a timeout: the call then
 * stays in `unsettled` until it settles itself (if ever), so the end of the run can abort
 * and count it.
 */
export function withTimeout<T>(
  pending: Promise<T>,
  timeoutMs: number | undefined,
  call: CallHandle,
  unsettled: Set<CallHandle>,
): Promise<T> {
  if (timeoutMs === undefined) return pending;
  let timer: { cancel(): void } | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = afterMs(timeoutMs, () => {
      const forget = () => void unsettled.delete(call);
      Promise.resolve(pending).then(forget, forget);
      // The timeout first: a workload that settles as soon as it is aborted is still late.
      reject(new TimeoutError(`no answer after ${timeoutMs} ms`));
      call.abandon(`the call took longer than its ${timeoutMs} ms timeout`, 'TimeoutError');
    });
  });
  return Promise.race([pending, expired]).finally(() => timer?.cancel());
}
