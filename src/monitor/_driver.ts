import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  CallHandle,
  TimeoutError,
  errorTypeOf,
  isThenable,
  sleep,
  withTimeout,
  type CallResult,
  type Workload,
} from '../load/index.js';
import { afterMs } from '../load/timers.js';
import { sampleFlags, type MetricsCollector } from '../metrics/index.js';

export interface DrivePlan {
  /** Calls started per second, on a fixed schedule. */
  rate: number;
  durationMs?: number;
  /** An async call slower than this fails as `timeout` and is abandoned. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Calls in flight at most; past it the schedule waits (and latencies show it). Default 1000. */
  maxInFlight?: number;
}

const YIELD_EVERY_MS = 20;
const INTERRUPT_GRACE_MS = 1000;

/**
 * The monitor's open loop. Like the runner's (`--rate`: latency from each call's intended
 * start, so a stall is measured, not hidden), but for runs of unbounded length: it keeps
 * no second "uncorrected" recorder (whose exact log would grow to a million samples) and a
 * synchronous call costs no promise. A call that throws is a failure; the loop goes on.
 */
export async function driveOpenLoop(
  workload: Workload,
  collector: MetricsCollector,
  plan: DrivePlan,
): Promise<{ interrupted: boolean; abandonedCalls: number }> {
  const { signal, timeoutMs } = plan;
  const spacingMs = 1000 / plan.rate;
  const maxInFlight = plan.maxInFlight ?? 1000;
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  /** Async calls not settled yet, including those abandoned after a timeout. */
  const unsettled = new Set<CallHandle>();

  // Failure is "the call threw or rejected", whatever it threw (`undefined`, `null`, `0`…),
  // so `threw` is tracked apart from the value thrown.
  const record = (intended: number, result: CallResult, threw: boolean, failure?: unknown) => {
    if (closed) return; // abandoned at the end of the run, finished late
    const end = performance.now();
    const flags = threw
      ? sampleFlags(false, result?.cacheHit, result?.fallbackUsed)
      : sampleFlags(result?.success ?? true, result?.cacheHit, result?.fallbackUsed);
    const errorType = threw ? errorTypeOf(failure) : result?.errorType;
    collector.record(end - intended, flags, errorType, performance.timeOrigin + end);
  };

  const finish = async (pending: Promise<CallResult>, call: CallHandle, intended: number) => {
    unsettled.add(call);
    try {
      const result = await withTimeout(pending, timeoutMs, call, unsettled);
      unsettled.delete(call);
      record(intended, result, false);
    } catch (error) {
      if (!(error instanceof TimeoutError)) unsettled.delete(call);
      record(intended, undefined, true, error);
    }
  };

  collector.startCollection();
  const started = performance.now();
  const deadline = plan.durationMs === undefined ? Infinity : started + plan.durationMs;
  let lastYield = started;
  let next = 0;
  while (!signal?.aborted) {
    const intended = started + next * spacingMs;
    if (intended >= deadline) break;
    const now = performance.now();
    if (intended > now) {
      await sleep(intended - now, signal);
      continue;
    }
    if (inFlight.size >= maxInFlight) {
      await Promise.race(inFlight);
      continue;
    }
    const call = new CallHandle();
    let pending: CallResult | Promise<CallResult>;
    try {
      pending = workload.call(next++, call);
    } catch (error) {
      record(intended, undefined, true, error);
      continue;
    }
    if (isThenable(pending)) {
      const task = finish(pending, call, intended);
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    } else {
      record(intended, pending, false);
    }
    if (now - lastYield > YIELD_EVERY_MS) {
      lastYield = now;
      await yieldToEventLoop();
    }
  }
  const graceMs = signal?.aborted ? INTERRUPT_GRACE_MS : (timeoutMs ?? 10_000) + 100;
  let timer: { cancel(): void } | undefined;
  await Promise.race([
    Promise.all(inFlight),
    new Promise((resolve) => (timer = afterMs(graceMs, () => resolve(undefined)))),
  ]);
  timer?.cancel();
  closed = true;
  // Calls still running are abandoned: their signals tell the workload (an HTTP request is
  // aborted), so they do not hold the process once the monitor is done.
  for (const call of unsettled) call.abandon('the monitor stopped', 'AbortError');
  return { interrupted: signal?.aborted ?? false, abandonedCalls: unsettled.size };
}
