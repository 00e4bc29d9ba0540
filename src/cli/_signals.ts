/** Set when perfsight itself exits at once (a second Ctrl-C): not the workload's doing. */
let exitingOnSignal = false;

/** Exit codes for a command stopped by a signal, as shells report them (128 + signal). */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export interface SignalStop {
  /** Aborted by the first SIGINT/SIGTERM: the command stops and still writes what it has. */
  signal: AbortSignal;
  /** Whether a signal asked to stop. */
  readonly received: boolean;
  /** The command's exit code: the shell's 128 + signal when a signal stopped it. */
  exitCode(otherwise: number): number;
  /** Gives SIGINT/SIGTERM back to Node's defaults. */
  dispose(): void;
}

/**
 * Ctrl-C (or SIGTERM) stops a command gracefully: `announce` says so, the signal aborts,
 * and the command writes its partial reports. A second signal exits at once, for the user
 * who does not want to wait.
 */
export function stopOnSignals(announce: (signal: NodeJS.Signals) => void): SignalStop {
  const controller = new AbortController();
  let stopSignal: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopSignal) {
      exitingOnSignal = true;
      process.exit(SIGNAL_EXIT[signal] ?? 1);
    }
    stopSignal = signal;
    announce(signal);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    get received() {
      return stopSignal !== undefined;
    },
    exitCode: (otherwise) => (stopSignal ? (SIGNAL_EXIT[stopSignal] ?? otherwise) : otherwise),
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * Waits for `pending` (what user code returned), or only until `signal` aborts: a hung
 * setup() must not make Ctrl-C a promise perfsight cannot keep. Rejects as `pending` does.
 */
export function unlessAborted(pending: unknown, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve();
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    // Handled even once abandoned: a late rejection is not an unhandled one.
    Promise.resolve(pending).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * After Ctrl-C, a workload's teardown gets this long to finish before perfsight stops
 * waiting for it: long enough to close a pool or flush a file, short enough for a user who
 * asked to stop. (The calls in flight get their own grace in the driver.)
 */
export const TEARDOWN_GRACE_MS = 2000;

/**
 * Waits for a workload's teardown (what `teardown()` returned) while Ctrl-C still means
 * "stop": a signal that arrives while it runs stops the wait at once, and after a signal that
 * came before (an interrupted run) it gets `graceMs`. True when it settled, false when
 * perfsight stopped waiting (it is left to finish or not; its late rejection is handled).
 * Rejects as the teardown does.
 */
export function teardownUnlessStopped(
  pending: unknown,
  signal: AbortSignal,
  graceMs = TEARDOWN_GRACE_MS,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let grace: NodeJS.Timeout | undefined;
    const giveUp = () => resolve(false);
    const settle = () => {
      clearTimeout(grace);
      signal.removeEventListener('abort', giveUp);
    };
    if (signal.aborted) grace = setTimeout(giveUp, graceMs);
    else signal.addEventListener('abort', giveUp, { once: true });
    Promise.resolve(pending).then(
      () => {
        settle();
        resolve(true);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}

/**
 * While a command runs the user's code (a workload's setup, calls, teardown), the process
 * must end only when perfsight says so:
 * - a ref'd handle keeps it alive, so a call that never settles and holds nothing does not
 *   let Node exit mid-run (exit 13, no message, no report) — the timeout, the duration or
 *   Ctrl-C end the run instead;
 * - a `process.exit()` from the workload is said on stderr and exits 3 (internal failure:
 *   the run is lost), not silently with the workload's code.
 * Returns the function that ends the guard.
 */
export function guardRun(who: string): () => void {
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const onExit = (code: number) => {
    if (exitingOnSignal) return;
    process.stderr.write(
      `perfsight: ${who} called process.exit(${code}) during the run; the run is lost, no report written\n`,
    );
    process.exitCode = 3;
  };
  process.on('exit', onExit);
  return () => {
    clearInterval(keepAlive);
    process.off('exit', onExit);
  };
}
