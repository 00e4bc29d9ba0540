import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { FLAG_SUCCESS, sampleFlags, type RecordBatch, type Recorder } from '../metrics/index.js';
import { errorTypeOf, type CallResult, type Workload } from './workload.js';
import { CallHandle, TimeoutError, isThenable, sleep, withTimeout } from './_async.js';
import { afterMs, type LongTimer } from './timers.js';

/** How long to drive a workload, and how. */
export interface RunPlan {
  /** Measured calls (after warmup). Default: until `durationMs` or the signal (`runWorkload`: 1000 without `durationMs`). */
  iterations?: number;
  /** Stop launching calls after this long. */
  durationMs?: number;
  /** Unmeasured calls first, one at a time (JIT, caches, connections). Default 0. */
  warmup?: number;
  /** Calls in flight at once (closed loop), or at most in flight (open loop). Default 1 (open loop: 10,000). */
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

/** Where the driver's measurements go, and how it shares the thread. */
export interface DriveOptions {
  /**
   * Every measured call goes to each, in order: its latency from its start (closed loop) or
   * from its intended start (open loop).
   */
  recorders: readonly Recorder[];
  /**
   * Open loop only: the same calls measured from their actual start (coordinated omission
   * left in), for comparison.
   */
  uncorrected?: readonly Recorder[];
  /** Measuring begins (after the warm-up, if it was not interrupted): start the collections. */
  onMeasuring?: () => void;
  /** The driver gives the event loop back after a stretch of calls that held it (see `ResourceSampler`). */
  onYield?: (longestCallMs: number) => void;
  /** The driver resumes after giving the loop back. */
  onResume?: () => void;
  /** Back-to-back calls hold the event loop at most this long. Default 100 ms. */
  yieldEveryMs?: number;
  /**
   * Once the plan is done (not interrupted), open-loop calls still in flight get this long
   * before they are abandoned. Default: as long as they take (the timeout bounds them).
   */
  endGraceMs?: number;
}

export interface DriveOutcome {
  /** Stopped by the signal before the plan was done. */
  interrupted: boolean;
  /** Calls still running when the run ended (abandoned after a timeout or an interrupt; their signals aborted). */
  abandonedCalls: number;
}

/**
 * Synchronous workloads get the event loop back this often, so timers and signals run
 * (Ctrl-C, the progress bar, resource sampling). Each yield after a long synchronous stretch
 * costs tens of µs of deferred work: `npm run bench -- overhead` measured 0.9 % overhead on a
 * 1 ms call yielding every 20 ms, 0.6 % every 100 ms and 0.5 % every 200 ms (250-call
 * repetitions); Ctrl-C still answers within a tenth of a second.
 */
const DEFAULT_YIELD_EVERY_MS = 100;
/** After an interrupt, calls in flight get this long to finish before they are abandoned. */
const INTERRUPT_GRACE_MS = 1000;
/** Calls' outcomes held before they go to the recorders (see `Drive.stretch`). */
const BATCH = 512;
/**
 * An awaited call that took this long may have let timers run (a progress line, the
 * monitor's windows): the outcomes held are passed on after it (see `Drive.settled`).
 */
const PASS_ON_AFTER_MS = 1;

/**
 * The load driver behind `run` and the monitor: drives `workload` according to `plan` and
 * records every measured call into `options.recorders`. Closed loop (`concurrency` workers,
 * each starting its next call when the last one ends) or open loop (`rate`: calls started on
 * a schedule, measured from their intended start). The only clock reads are one pair per call.
 *
 * Synchronous calls cost no promise and no allocation: a worker calls them back to back and
 * gives the event loop back every `yieldEveryMs`. An async call is awaited, held to the
 * timeout and abandoned (its signal aborted) when the run gives up on it.
 */
export function driveLoad(
  workload: Workload,
  plan: RunPlan,
  options: DriveOptions,
): Promise<DriveOutcome> {
  return new Drive(workload, plan, options).run();
}

class Drive {
  private readonly workload: Workload;
  private readonly plan: RunPlan;
  private readonly options: DriveOptions;
  private readonly recorders: readonly Recorder[];
  private readonly uncorrected: readonly Recorder[];
  private readonly iterations: number;
  private readonly timeoutMs: number | undefined;
  /** `timeoutMs`, or Infinity without one. */
  private readonly timeoutLimit: number;
  private readonly yieldEveryMs: number;
  private readonly timeOrigin = performance.timeOrigin;
  /** Set by the plan's signal: a field read per call costs less than `signal.aborted`. */
  private stopped = false;
  /** The run is over: calls that finish later are not recorded. */
  private closed = false;
  private next = 0;
  private deadline = Infinity;
  private lastYield = 0;
  /** The longest call since the last yield: what the loop was held for at most, per call. */
  private longestCall = 0;
  /** Closed-loop calls being awaited: a worker's synchronous calls let them resume in between. */
  private awaiting = 0;
  /**
   * Async calls the end of the run may have to abandon: those held to a timeout (kept after
   * it until they settle), the open loop's and the warm-up's.
   */
  private readonly unsettled = new Set<CallHandle>();
  /** Each closed-loop worker's async call in flight without a timeout (cheaper than the set). */
  private readonly held: Array<CallHandle | undefined> = [];
  /** The open loop's calls in flight. */
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * Outcomes of synchronous calls not passed to the recorders yet (see `stretch`): the
   * first `batched` entries; `batch.length` is set when it is handed over.
   */
  private readonly batch: { -readonly [K in keyof RecordBatch]: RecordBatch[K] } = {
    length: 0,
    latencyMs: new Float64Array(BATCH),
    flags: new Uint8Array(BATCH),
    errorType: new Array<string | undefined>(BATCH).fill(undefined),
    timestampMs: new Float64Array(BATCH),
  };
  private readonly batchLatency = this.batch.latencyMs;
  private readonly batchTimestamp = this.batch.timestampMs;
  private readonly batchFlags = this.batch.flags;
  private readonly batchError = this.batch.errorType as Array<string | undefined>;
  private batched = 0;
  /** The error type of the outcome `judge` looked at last. */
  private judgedError: string | undefined = undefined;
  /** Each closed-loop worker's handle for its next call. */
  private readonly handles: CallHandle[] = [];
  /** The promise a call answered with, which ended a worker's synchronous stretch. */
  private parked: Promise<CallResult> | undefined = undefined;

  constructor(workload: Workload, plan: RunPlan, options: DriveOptions) {
    this.workload = workload;
    this.plan = plan;
    this.options = options;
    this.recorders = options.recorders;
    this.uncorrected = options.uncorrected ?? [];
    this.iterations = plan.iterations ?? Infinity;
    this.timeoutMs = plan.timeoutMs;
    this.timeoutLimit = plan.timeoutMs ?? Infinity;
    this.yieldEveryMs = options.yieldEveryMs ?? DEFAULT_YIELD_EVERY_MS;
  }

  /**
   * Writes each field a run changes as a run does — twice, clock readings as fractions — so
   * this Drive has the layout a run leaves (V8 widens a field's layout on such writes): the
   * layout `KEPT_LAYOUTS` keeps must be the one the loops are optimized for.
   */
  asAfterARun(): this {
    for (const clock of [0.5, 0]) {
      this.deadline = this.lastYield = this.longestCall = clock;
      this.next = this.awaiting = this.batched = 0;
      this.stopped = this.closed = false;
      this.judgedError = clock ? 'timeout' : undefined;
      this.parked = clock ? Promise.resolve(undefined) : undefined;
    }
    return this;
  }

  async run(): Promise<DriveOutcome> {
    const { plan } = this;
    const stop = () => void (this.stopped = true);
    if (plan.signal?.aborted) this.stopped = true;
    else plan.signal?.addEventListener('abort', stop, { once: true });
    // A call that never settles and holds nothing (no timer, no socket) leaves Node with an
    // empty event loop, and it exits mid-run (code 13: no message, no report). This handle
    // keeps the process alive while the run lasts, so the timeout, the duration and Ctrl-C
    // can end it.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    try {
      const warmup = plan.warmup ?? 0;
      if (warmup > 0) {
        const warmedUp = this.warmUp(warmup);
        if (await this.settle(warmedUp, warmedUp)) {
          return {
            interrupted: true,
            abandonedCalls: this.abandonAll('the run was interrupted during warm-up'),
          };
        }
      }
      this.options.onMeasuring?.();
      const started = performance.now();
      this.lastYield = started;
      if (plan.durationMs !== undefined) this.deadline = started + plan.durationMs;
      const concurrency = Math.max(1, plan.concurrency ?? (plan.rate ? 10_000 : 1));
      let scheduled: Promise<unknown>;
      let everything: Promise<unknown>;
      if (plan.rate) {
        scheduled = this.openLoop(plan.rate, started, concurrency);
        everything = scheduled.then(() => Promise.all(this.inFlight));
      } else {
        const workers: Array<Promise<void>> = [];
        for (let w = 0; w < concurrency; w++) workers.push(this.worker(w));
        scheduled = everything = Promise.all(workers);
      }
      const interrupted = await this.settle(everything, scheduled);
      this.flush();
      this.closed = true;
      const reason = interrupted ? 'the run was interrupted' : 'the run ended';
      return { interrupted, abandonedCalls: this.abandonAll(reason) };
    } finally {
      this.closed = true;
      clearInterval(keepAlive);
      plan.signal?.removeEventListener('abort', stop);
    }
  }

  /**
   * One closed-loop worker: a call, then the next. Synchronous calls run in stretches
   * (`stretch`); an async answer is awaited here, and the event loop is given back here.
   * Either kind's outcome waits in the batch (`settled`). While other workers' calls are
   * awaited, a synchronous call lets them resume before the next one starts.
   */
  private async worker(w: number): Promise<void> {
    this.handles[w] = new CallHandle();
    let begin = performance.now();
    while (this.more(begin)) {
      begin = this.stretch(w, begin);
      const pending = this.parked;
      if (pending !== undefined) {
        this.parked = undefined;
        const handle = this.handles[w]!;
        let result: CallResult = undefined;
        let threw = false;
        let failure: unknown = undefined;
        try {
          if (this.timeoutMs !== undefined) {
            result = await this.tracked(pending, handle);
          } else {
            this.held[w] = handle;
            this.awaiting++;
            try {
              result = await pending;
            } finally {
              this.awaiting--;
              this.held[w] = undefined;
            }
          }
        } catch (error) {
          threw = true;
          failure = error;
        }
        begin = this.settled(begin, performance.now(), result, threw, failure);
        if (!handle.reusable) this.handles[w] = new CallHandle();
        if (begin - this.lastYield <= this.yieldEveryMs) continue;
      } else if (!this.more(begin)) {
        break;
      }
      // Due to give the loop back, or to let other workers' settled calls resume.
      this.flush();
      if (begin - this.lastYield > this.yieldEveryMs) await this.yieldLoop(begin);
      else await undefined;
      begin = performance.now();
    }
    this.flush();
  }

  private more(now: number): boolean {
    return !this.stopped && this.next < this.iterations && now < this.deadline;
  }

  /**
   * Worker `w`'s synchronous calls back to back from `begin`: no promise, no allocation and
   * one clock read per call — a call's end is the next one's start, and what lies between is
   * a few stores: outcomes wait in a batch and go to the recorders between stretches (when it
   * is full, before the loop is given back, before any wait), after which the clock is read
   * afresh. Ends when a call answers with a promise (left in `parked`), when the loop is due
   * to be given back, when other workers' calls are awaited, or when the run is over; returns
   * when the next call starts (or started, for the parked one).
   */
  private stretch(w: number, begin: number): number {
    const workload = this.workload;
    let handle = this.handles[w]!;
    while (this.more(begin)) {
      let pending: CallResult | Promise<CallResult>;
      try {
        pending = workload.call(this.next++, handle);
      } catch (error) {
        begin = this.failed(begin, error);
        if (!handle.reusable) handle = this.handles[w] = new CallHandle();
        if (begin - this.lastYield > this.yieldEveryMs || this.awaiting > 0) return begin;
        continue;
      }
      if (isThenable(pending)) {
        this.parked = pending;
        return begin;
      }
      const end = performance.now();
      const took = end - begin;
      const n = this.slot(took, end);
      // The common outcome costs no look at the result: a success, in time, that said nothing.
      if (pending === undefined && took <= this.timeoutLimit) {
        this.batchFlags[n] = FLAG_SUCCESS;
        this.batchError[n] = undefined;
        begin = n + 1 < BATCH ? end : this.flushed();
      } else {
        begin = this.judged(n, pending, took, end);
      }
      if (!handle.reusable) handle = this.handles[w] = new CallHandle();
      if (begin - this.lastYield > this.yieldEveryMs || this.awaiting > 0) return begin;
    }
    return begin;
  }

  /**
   * The next batch slot, given a call's latency and end (the longest call kept up to date);
   * its flags and error type are the caller's to fill. Shared by `stretch` and `settled`.
   */
  private slot(took: number, end: number): number {
    if (took > this.longestCall) this.longestCall = took;
    const n = this.batched;
    this.batchLatency[n] = took;
    this.batchTimestamp[n] = this.timeOrigin + end;
    this.batched = n + 1;
    return n;
  }

  /** A synchronous call's outcome that says something, in batch slot `n`; returns the clock. */
  private judged(n: number, result: CallResult, took: number, end: number): number {
    const flags = this.judge(result, false, undefined, took);
    this.batchFlags[n] = flags;
    this.batchError[n] = this.judgedError;
    // A timeout (an error type found) took time to word: the next call starts on a fresh read.
    return this.judgedError === undefined && n + 1 < BATCH ? end : this.flushed();
  }

  /**
   * An awaited call's outcome, into the batch like a synchronous call's (`stretch`); returns
   * when the next call starts: at this one's end, unless the batch was passed on — when it
   * is full, when the call failed (its error type took time to word), or when the call
   * waited PASS_ON_AFTER_MS or more. Timers (the progress line, the monitor's windows) run
   * during such waits and see every outcome before it; outcomes of quicker calls reach them
   * at the latest when the loop is given back (`yieldEveryMs`), as synchronous ones do.
   */
  private settled(
    begin: number,
    end: number,
    result: CallResult,
    threw: boolean,
    failure: unknown,
  ): number {
    if (this.closed) return end; // a call abandoned at the end of the run finished late
    const took = end - begin;
    const n = this.slot(took, end);
    if (!threw && result === undefined && took <= this.timeoutLimit) {
      this.batchFlags[n] = FLAG_SUCCESS;
      this.batchError[n] = undefined;
      return n + 1 < BATCH && took < PASS_ON_AFTER_MS ? end : this.flushed();
    }
    this.batchFlags[n] = this.judge(result, threw, failure, took);
    this.batchError[n] = this.judgedError;
    return this.judgedError === undefined && n + 1 < BATCH && took < PASS_ON_AFTER_MS
      ? end
      : this.flushed();
  }

  /** A synchronous call that threw: recorded; returns the clock. */
  private failed(begin: number, error: unknown): number {
    const end = performance.now();
    this.record(begin, begin, end, undefined, true, error);
    return performance.now();
  }

  /** Flushes the batch and reads the clock afresh. */
  private flushed(): number {
    this.flush();
    return performance.now();
  }

  /**
   * The open loop's schedule: call `i` is due at `started + i / rate`, whatever became of
   * the calls before it; it is measured from then. Ends when no call is left to start.
   */
  private async openLoop(rate: number, started: number, maxInFlight: number): Promise<void> {
    const spacingMs = 1000 / rate;
    const inFlight = this.inFlight;
    let handle = new CallHandle();
    while (!this.stopped && this.next < this.iterations) {
      const intended = started + this.next * spacingMs;
      if (intended >= this.deadline) break;
      const now = performance.now();
      if (intended > now) {
        await sleep(intended - now, this.plan.signal);
        continue;
      }
      if (inFlight.size >= maxInFlight) {
        await Promise.race(inFlight);
        continue;
      }
      const i = this.next++;
      let end: number;
      try {
        const pending = this.workload.call(i, handle);
        if (isThenable(pending)) {
          const task = this.finishOpen(pending, handle, intended, now);
          inFlight.add(task);
          void task.finally(() => inFlight.delete(task));
          handle = new CallHandle();
          end = now;
        } else {
          end = performance.now();
          this.record(intended, now, end, pending, false, undefined);
        }
      } catch (error) {
        end = performance.now();
        this.record(intended, now, end, undefined, true, error);
      }
      if (!handle.reusable) handle = new CallHandle();
      if (end - this.lastYield > this.yieldEveryMs) await this.yieldLoop(end);
    }
  }

  /** An open-loop call that answered with a promise: awaited, then recorded. */
  private async finishOpen(
    pending: Promise<CallResult>,
    handle: CallHandle,
    intended: number,
    begin: number,
  ): Promise<void> {
    let result: CallResult = undefined;
    let threw = false;
    let failure: unknown = undefined;
    try {
      result = await this.tracked(pending, handle);
    } catch (error) {
      threw = true;
      failure = error;
    }
    this.record(intended, begin, performance.now(), result, threw, failure);
  }

  /**
   * Unmeasured calls first, one at a time, held to the timeout like measured calls; `settle`
   * makes them answer Ctrl-C too.
   */
  private async warmUp(count: number): Promise<void> {
    let handle = new CallHandle();
    for (let i = 0; i < count && !this.stopped; i++) {
      try {
        const pending = this.workload.call(-1 - i, handle);
        if (isThenable(pending)) await this.tracked(pending, handle);
      } catch {
        // Warm-up failures are not measured; the measured run will show them.
      }
      if (!handle.reusable) handle = new CallHandle();
    }
  }

  /**
   * `pending`, held to the timeout, its call in `unsettled` while it runs — and after a
   * timeout, until it settles itself (if ever), so the end of the run can abort and count it.
   */
  private async tracked(pending: Promise<CallResult>, handle: CallHandle): Promise<CallResult> {
    this.unsettled.add(handle);
    try {
      const result = await withTimeout(pending, this.timeoutMs, handle, this.unsettled);
      this.unsettled.delete(handle);
      return result;
    } catch (error) {
      if (!(error instanceof TimeoutError)) this.unsettled.delete(handle);
      throw error;
    }
  }

  /**
   * Records a call that should have started at `intended`, started at `begin` and ended at
   * `end`, at once (after what the batch holds, which came first).
   */
  private record(
    intended: number,
    begin: number,
    end: number,
    result: CallResult,
    threw: boolean,
    failure: unknown,
  ): void {
    this.flush();
    if (this.closed) return; // a call abandoned at the end of the run finished late
    const took = end - begin;
    if (took > this.longestCall) this.longestCall = took;
    const flags = this.judge(result, threw, failure, took);
    const errorType = this.judgedError;
    const timestampMs = this.timeOrigin + end;
    const latency = end - intended;
    const recorders = this.recorders;
    for (let r = 0; r < recorders.length; r++) {
      recorders[r]!.record(latency, flags, errorType, timestampMs);
    }
    const uncorrected = this.uncorrected;
    for (let r = 0; r < uncorrected.length; r++) {
      uncorrected[r]!.record(took, flags, errorType, timestampMs);
    }
  }

  /**
   * A call's outcome as `record` takes it: its flags, and its error type left in
   * `judgedError`. Failure is "the call threw or rejected", whatever it threw — `undefined`,
   * `null` and `0` included — so `threw` is tracked apart from the value thrown; a call that
   * took longer than the timeout failed as `timeout`.
   */
  private judge(result: CallResult, threw: boolean, failure: unknown, took: number): number {
    if (!threw && took > this.timeoutLimit) {
      threw = true;
      failure = new TimeoutError();
    }
    this.judgedError = threw ? errorTypeOf(failure) : result?.errorType;
    return threw
      ? sampleFlags(false, result?.cacheHit, result?.fallbackUsed)
      : sampleFlags(result?.success ?? true, result?.cacheHit, result?.fallbackUsed);
  }

  /** Passes the batched outcomes to the recorders (each recorder gets them in order). */
  private flush(): void {
    const n = this.batched;
    if (n === 0) return;
    this.batched = 0;
    if (this.closed) return;
    const { batch, batchLatency, batchTimestamp, batchFlags, batchError } = this;
    batch.length = n;
    for (const recorder of this.recorders) {
      if (recorder.recordBatch) {
        recorder.recordBatch(batch);
        continue;
      }
      for (let k = 0; k < n; k++) {
        recorder.record(batchLatency[k]!, batchFlags[k]!, batchError[k], batchTimestamp[k]!);
      }
    }
  }

  /**
   * Gives the loop back (timers, signals, resource sampling), telling the recorders' owner
   * so the loop delay of the driver's own chaining of calls is not charged to the workload.
   */
  private async yieldLoop(now: number): Promise<void> {
    this.lastYield = now;
    this.options.onYield?.(this.longestCall);
    this.longestCall = 0;
    await yieldToEventLoop();
    this.options.onResume?.();
  }

  /**
   * Waits for `everything`; after an interrupt only for a grace period, and once `scheduled`
   * is done (no call left to start) only for `endGraceMs`. True when the run was interrupted.
   */
  private async settle(
    everything: Promise<unknown>,
    scheduled: Promise<unknown>,
  ): Promise<boolean> {
    const signal = this.plan.signal;
    const timers: LongTimer[] = [];
    let settled = false;
    let giveUp: (interrupted: boolean) => void = () => undefined;
    const givenUp = new Promise<boolean>((resolve) => (giveUp = resolve));
    const onAbort = () => void timers.push(afterMs(INTERRUPT_GRACE_MS, () => giveUp(true)));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const endGraceMs = this.options.endGraceMs ?? Infinity;
    if (endGraceMs < Infinity) {
      void scheduled.then(() => {
        if (!settled) timers.push(afterMs(endGraceMs, () => giveUp(false)));
      });
    }
    try {
      const finishedFirst = await Promise.race([everything.then(() => false), givenUp]);
      return finishedFirst || this.stopped;
    } finally {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      for (const timer of timers) timer.cancel();
    }
  }

  /** Aborts every call still running and returns how many there were. */
  private abandonAll(reason: string): number {
    let count = this.unsettled.size;
    for (const call of this.unsettled) call.abandon(reason, 'AbortError');
    for (const call of this.held) {
      if (call === undefined) continue;
      count++;
      call.abandon(reason, 'AbortError');
    }
    return count;
  }
}

/**
 * V8 forgets a class's hidden classes (its objects' layouts) at a full GC once no object of
 * the class is left, and with them the optimized code that relied on them: a process that
 * measures run after run (the monitor, a library user's loop, the benches) would run each
 * new run's loop unoptimized again, at twice the cost per call (bench/runner.bench.ts). One
 * small object of each class on the hot path, kept for the life of the module, keeps them.
 */
export const KEPT_LAYOUTS: readonly object[] = [
  new Drive({ name: 'idle', call: () => undefined }, {}, { recorders: [] }).asAfterARun(),
  new CallHandle(),
];
