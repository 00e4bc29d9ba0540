import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { MetricsCollector, sampleFlags } from '../metrics/index.js';
import { errorTypeOf, type CallResult, type Workload } from './workload.js';
import { CallHandle, TimeoutError, isThenable, sleep, withTimeout } from './_async.js';
import { afterMs } from './timers.js';

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
  /**
   * A call taking longer is a `timeout` failure; an async one is abandoned, not awaited (its
   * `signal` is aborted). Warm-up calls are held to it too. Any length: long ones are chained.
   */
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
  /** Calls still running when the run ended (abandoned after a timeout or an interrupt; their signals aborted). */
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
  /** Async calls not settled yet, including those abandoned after a timeout. */
  const unsettled = new Set<CallHandle>();

  /**
   * Makes call `i` and returns its result, or throws what it threw. Sync calls cost no
   * promise; an async one is awaited, held to the timeout and tracked in `unsettled`.
   */
  const call: Call = (i) => {
    const handle = new CallHandle();
    const pending = workload.call(i, handle);
    return isThenable(pending) ? awaitCall(pending, handle) : pending;
  };
  const awaitCall = async (pending: Promise<CallResult>, handle: CallHandle) => {
    unsettled.add(handle);
    try {
      const result = await withTimeout(pending, timeoutMs, handle, unsettled);
      unsettled.delete(handle);
      return result;
    } catch (error) {
      if (!(error instanceof TimeoutError)) unsettled.delete(handle);
      throw error;
    }
  };
  const abandonUnsettled = (reason: string) => {
    for (const call of unsettled) call.abandon(reason, 'AbortError');
  };

  // A call that never settles and holds nothing (no timer, no socket) leaves Node with an
  // empty event loop, and it exits mid-run (code 13: no message, no report). This handle
  // keeps the process alive while the run lasts, so the timeout, the duration and Ctrl-C
  // can end it.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    const warmup = plan.warmup ?? 0;
    if (warmup > 0 && (await settle(new Set([warmUp(call, warmup, signal)]), signal))) {
      abandonUnsettled('the run was interrupted during warm-up');
      collector.startCollection();
      collector.endCollection();
      return { interrupted: true, uncorrected: null, abandonedCalls: unsettled.size };
    }
    return await measured(call, collector, plan, { iterations, concurrency, timeoutMs }).then(
      (outcome) => {
        abandonUnsettled(outcome.interrupted ? 'the run was interrupted' : 'the run ended');
        return { ...outcome, abandonedCalls: unsettled.size };
      },
    );
  } finally {
    clearInterval(keepAlive);
  }
}

type Call = (i: number) => CallResult | Promise<CallResult>;

/** The measured calls: closed loop (workers) or open loop (a schedule). */
async function measured(
  call: Call,
  collector: MetricsCollector,
  plan: RunPlan,
  {
    iterations,
    concurrency,
    timeoutMs,
  }: { iterations: number; concurrency: number; timeoutMs?: number },
): Promise<Omit<RunOutcome, 'abandonedCalls'>> {
  const signal = plan.signal;
  const uncorrected = plan.rate ? new MetricsCollector({ sampleResources: false }) : null;
  const inFlight = new Set<Promise<void>>();
  let lastYield = performance.now();
  /** The longest call since the last yield: what the loop was held for at most, per call. */
  let longestCall = 0;
  let closed = false;
  /**
   * Gives the loop back (timers, signals, resource sampling), telling the collector so the
   * loop delay of the runner's own chaining of calls is not charged to the workload.
   */
  const yieldLoop = async (now: number) => {
    lastYield = now;
    collector.runnerYielding(longestCall);
    longestCall = 0;
    await yieldToEventLoop();
    collector.runnerResumed();
  };

  /** Runs call `i` as if it should have started at `intendedStart`, and records it. */
  const measure = async (i: number, intendedStart?: number): Promise<void> => {
    const begin = performance.now();
    let result: CallResult;
    // Failure is "the call threw or rejected", whatever it threw: `undefined`, `null` and `0`
    // included, so it is tracked apart from the value thrown.
    let threw = false;
    let failure: unknown;
    try {
      const pending = call(i);
      result = isThenable(pending) ? await pending : pending;
    } catch (error) {
      threw = true;
      failure = error;
    }
    const end = performance.now();
    longestCall = Math.max(longestCall, end - begin);
    const latency = end - (intendedStart ?? begin);
    if (timeoutMs !== undefined && !threw && end - begin > timeoutMs) {
      threw = true;
      failure = new TimeoutError();
    }
    const flags = threw
      ? sampleFlags(false, result?.cacheHit, result?.fallbackUsed)
      : sampleFlags(result?.success ?? true, result?.cacheHit, result?.fallbackUsed);
    const errorType = threw ? errorTypeOf(failure) : result?.errorType;
    if (closed) return; // a call abandoned at the end of the run finished late
    const timestampMs = performance.timeOrigin + end;
    collector.record(latency, flags, errorType, timestampMs);
    uncorrected?.record(end - begin, flags, errorType, timestampMs);
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
      if (now - lastYield > YIELD_EVERY_MS) await yieldLoop(now);
    }
  } else {
    const worker = async () => {
      let now = performance.now();
      while (more(now)) {
        await measure(next++);
        now = performance.now();
        if (now - lastYield > YIELD_EVERY_MS) await yieldLoop(now);
      }
    };
    for (let w = 0; w < concurrency; w++) track(inFlight, worker());
  }

  const interrupted = await settle(inFlight, signal);
  closed = true;
  collector.endCollection();
  uncorrected?.endCollection();
  return { interrupted, uncorrected };
}

/**
 * Unmeasured calls first, one at a time, held to the timeout like measured calls; the
 * caller's `settle` makes them answer Ctrl-C too.
 */
async function warmUp(call: Call, count: number, signal: AbortSignal | undefined): Promise<void> {
  for (let i = 0; i < count && !signal?.aborted; i++) {
    try {
      const pending = call(-1 - i);
      if (isThenable(pending)) await pending;
    } catch {
      // Warm-up failures are not measured; the measured run will show them.
    }
  }
}

/** Waits for the calls (or workers) in flight; after an interrupt, only for a grace period. */
async function settle(inFlight: Set<Promise<void>>, signal?: AbortSignal): Promise<boolean> {
  const all = Promise.all(inFlight).then(() => false);
  if (!signal) return all;
  let grace: { cancel(): void } | undefined;
  const onAbort = () => void (grace = afterMs(INTERRUPT_GRACE_MS, () => resolveAborted(true)));
  let resolveAborted: (value: boolean) => void = () => undefined;
  const aborted = new Promise<boolean>((resolve) => {
    resolveAborted = resolve;
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  const finishedFirst = await Promise.race([all, aborted]);
  signal.removeEventListener('abort', onAbort);
  grace?.cancel();
  return finishedFirst || signal.aborted;
}

function track(inFlight: Set<Promise<void>>, task: Promise<void>): void {
  inFlight.add(task);
  void task.finally(() => inFlight.delete(task));
}
