/**
 * Node's timers hold at most 2^31-1 ms (about 24.8 days): a longer delay is clamped to 1 ms
 * and fires at once (`-t 600h` made every call "time out"). Every timer armed from a user's
 * duration goes through `afterMs`, which chains timers for longer delays.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A timer armed by `afterMs`; `cancel` is safe to call at any time, more than once. */
export interface LongTimer {
  cancel(): void;
}

/**
 * Calls `fire` after `ms`, however long: delays beyond what one timer holds are chained.
 * `Infinity` (or NaN) never fires and holds nothing. `unref` timers do not keep the process
 * alive.
 */
export function afterMs(
  ms: number,
  fire: () => void,
  options: { unref?: boolean } = {},
): LongTimer {
  let timer: NodeJS.Timeout | undefined;
  const arm = (left: number) => {
    if (!(left < Infinity)) return;
    const step = Math.min(Math.max(left, 0), MAX_TIMER_MS);
    timer = setTimeout(step < left ? () => arm(left - step) : fire, step);
    if (options.unref) timer.unref();
  };
  arm(ms);
  return { cancel: () => clearTimeout(timer) };
}
