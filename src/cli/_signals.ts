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
    if (stopSignal) process.exit(SIGNAL_EXIT[signal] ?? 1);
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
