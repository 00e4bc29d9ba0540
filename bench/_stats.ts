/** Small helpers shared by the benchmarks: medians of repetitions, ratios, timing. */

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds for the results file: figures with 4 significant digits are plenty on a noisy machine. */
export function round(value: number, digits = 4): number {
  return Number.isFinite(value) ? Number(value.toPrecision(digits)) : value;
}

/** Runs `fn` `repetitions` times and returns each run's elapsed milliseconds. */
export function timeRepetitions(repetitions: number, fn: () => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times;
}

export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
