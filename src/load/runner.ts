import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { MetricsCollector, sampleFlags } from '../metrics/index.js';
import { errorTypeOf, type CallResult, type Workload } from './workload.js';
import { isThenable, sleep } from './_async.js';

/** How long to drive a workload, and how. */
export interface RunPlan {
  /** Measured calls (after warmup). Without `durationMs`, defaults to 1000. */
  iterations?: number;
  /** Stop launching calls after this long. */
  durationMs?: number;
  /** Unmeasured calls first, one at a time (JIT, caches, connections). Default 0. */
  warmup?: number;
  /** Calls in flight at once (closed loop), or at most in flight (open loop). Default 1. */
  concurrency?: number;
  /** A call taking longer is a `timeout` failure; an async one is abandoned, not awaited. */
  timeoutMs?: number;
  /**
   * Open loop: start calls at this rate (per second) on a fixed schedule, whatever the
   * workload's speed, and measure each from its intended start (no coordinated omission).
   */
  rate?: number;
  /** Aborting stops the run; what was measured is kept. */
  signal?: AbortSignal;
}

export interface RunOutcome {
  /** Stopped by the signal before the plan was done. */
  interrupted: boolean;
  /** Open loop only: latencies measured from each call's actual start, for comparison. */
  uncorrected: MetricsCollector | null;
  /** Calls still running when the run ended (abandoned after a timeout or an interrupt). */
  abandonedCalls: number;
}

const DEFAULT_ITERATIONS = 1000;
/**
 * Synchronous workloads get the event loop back this often, so timers and signals run
 * (Ctrl-C, the progress bar, resource sampling). Each yield after a long synchronous stretch
 * costs tens of µs of deferred work: `npm run bench -- overhead` measured 0.9 % overhead on a
 * 1 ms call yielding every 20 ms, 0.6 % every 100 ms and 0.5 % every 200 ms (250-call
 * repetitions); Ctrl-C still answers within a tenth of a second.
 */
const YIELD_EVERY_MS = 100;
/** After an interrupt, calls in flight get this long to finish before they are abandoned. */
const INTERRUPT_GRACE_MS = 1000;

class TimeoutError extends Error {
  override name = 'timeout';
}

/**
 * Drives `workload` according to `plan`, recording every measured call into `collector`
 * (which it starts and ends). The only clock reads are one pair per call.
 */
export async function runWorkload(
  workload: Workload,
  collector: MetricsCollector,
  plan: RunPlan = {},
): Promise<RunOutcome> {
  const iterations =
    plan.iterations ?? (plan.durationMs === undefined ? DEFAULT_ITERATIONS : Infinity);
  const concurrency = Math.max(1, plan.concurrency ?? (plan.rate ? 10_000 : 1));
  const timeoutMs = plan.timeoutMs;
  const signal = plan.signal;

  await warmUp(workload, plan.warmup ?? 0, timeoutMs, signal);

  const uncorrected = plan.rate ? new MetricsCollector({ sampleResources: false }) : null;
  const inFlight = new Set<Promise<void>>();
  let lastYield = performance.now();
  let closed = false;

  /** Runs call `i` as if it should have started at `intendedStart`, and records it. */
  const measure = async (i: number, intendedStart?: number): Promise<void> => {
    const start = performance.now();
    let result: CallResult;
    let failure: unknown;
    try {
      const pending = workload.call(i);
      result = isThenable(pending) ? await withTimeout(pending, timeoutMs) : pending;
    } catch (error) {
      failure = error;
    }
    const end = performance.now();
    const latency = end - (intendedStart ?? start);
    if (timeoutMs !== undefined && failure === undefined && end - start > timeoutMs) {
      failure = new TimeoutError();
    }
    const flags = failure
      ? sampleFlags(false, result?.cacheHit, result?.fallbackUsed)
      : sampleFlags(result?.success ?? true, result?.cacheHit, result?.fallbackUsed);
    const errorType = failure ? errorTypeOf(failure) : result?.errorType;
    if (closed) return; // a call abandoned at the end of the run finished late
    const timestampMs = performance.timeOrigin + end;
    collector.record(latency, flags, errorType, timestampMs);
    uncorrected?.record(end - start, flags, errorType, timestampMs);
  };

  collector.startCollection();
  uncorrected?.startCollection();
  const started = performance.now();
  const deadline = plan.durationMs === undefined ? Infinity : started + plan.durationMs;
  let next = 0;
  const more = (now: number) => !signal?.aborted && next < iterations && now < deadline;

  if (plan.rate) {
    const spacingMs = 1000 / plan.rate;
    while (more(performance.now())) {
      const intended = started + next * spacingMs;
      const now = performance.now();
      if (intended >= deadline) break;
      if (intended > now) {
        await sleep(intended - now, signal);
        continue;
      }
      if (inFlight.size >= concurrency) {
        await Promise.race(inFlight);
        continue;
      }
      track(inFlight, measure(next++, intended));
      if (now - lastYield > YIELD_EVERY_MS) {
        lastYield = now;
        await yieldToEventLoop();
      }
    }
  } else {
    const worker = async () => {
      let now = performance.now();
      while (more(now)) {
        await measure(next++);
        now = performance.now();
        if (now - lastYield > YIELD_EVERY_MS) {
          lastYield = now;
          await yieldToEventLoop();
        }
      }
    };
    for (let w = 0; w < concurrency; w++) track(inFlight, worker());
  }

  const interrupted = await settle(inFlight, signal);
  closed = true;
  collector.endCollection();
  uncorrected?.endCollection();
  return { interrupted, uncorrected, abandonedCalls: interrupted ? inFlight.size : 0 };
}

async function warmUp(
  workload: Workload,
  count: number,
  timeoutMs: number | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  for (let i = 0; i < count && !signal?.aborted; i++) {
    try {
      const pending = workload.call(-1 - i);
      if (isThenable(pending)) await withTimeout(pending, timeoutMs);
    } catch {
      // Warmup failures are not measured; the measured run will show them.
    }
  }
}

/** Waits for the calls (or workers) in flight; after an interrupt, only for a grace period. */
async function settle(inFlight: Set<Promise<void>>, signal?: AbortSignal): Promise<boolean> {
  const all = Promise.all(inFlight).then(() => false);
  if (!signal) return all;
  const aborted = new Promise<boolean>((resolve) => {
    const onAbort = () => setTimeout(() => resolve(true), INTERRUPT_GRACE_MS).unref();
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  const finishedFirst = await Promise.race([all, aborted]);
  return finishedFirst || signal.aborted;
}

function track(inFlight: Set<Promise<void>>, task: Promise<void>): void {
  inFlight.add(task);
  void task.finally(() => inFlight.delete(task));
}

function withTimeout<T>(pending: Promise<T>, timeoutMs: number | undefined): Promise<T> {
  if (timeoutMs === undefined) return pending;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError()), timeoutMs);
  });
  return Promise.race([pending, expired]).finally(() => clearTimeout(timer));
}
