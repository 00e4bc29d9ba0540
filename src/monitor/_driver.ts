import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { errorTypeOf, type CallResult, type Workload } from '../load/index.js';
import { isThenable, sleep } from '../load/_async.js';
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

  const record = (intended: number, result: CallResult, failure: unknown) => {
    if (closed) return; // abandoned at the end of the run, finished late
    const end = performance.now();
    const flags = failure
      ? sampleFlags(false, result?.cacheHit, result?.fallbackUsed)
      : sampleFlags(result?.success ?? true, result?.cacheHit, result?.fallbackUsed);
    const errorType = failure ? errorTypeOf(failure) : result?.errorType;
    collector.record(end - intended, flags, errorType, performance.timeOrigin + end);
  };

  const finish = async (pending: Promise<CallResult>, intended: number) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const result =
        timeoutMs === undefined
          ? await pending
          : await Promise.race([
              pending,
              new Promise<never>((_, reject) => {
                timer = setTimeout(
                  () => reject(Object.assign(new Error('timeout'), { name: 'timeout' })),
                  timeoutMs,
                );
              }),
            ]);
      record(intended, result, undefined);
    } catch (error) {
      record(intended, undefined, error ?? new Error('rejected'));
    } finally {
      clearTimeout(timer);
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
    let pending: CallResult | Promise<CallResult>;
    try {
      pending = workload.call(next++);
    } catch (error) {
      record(intended, undefined, error ?? new Error('thrown'));
      continue;
    }
    if (isThenable(pending)) {
      const task = finish(pending, intended);
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    } else {
      record(intended, pending, undefined);
    }
    if (now - lastYield > YIELD_EVERY_MS) {
      lastYield = now;
      await yieldToEventLoop();
    }
  }
  const graceMs = signal?.aborted ? INTERRUPT_GRACE_MS : (timeoutMs ?? 10_000) + 100;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(inFlight),
    new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
  ]);
  clearTimeout(timer);
  closed = true;
  return { interrupted: signal?.aborted ?? false, abandonedCalls: inFlight.size };
}
