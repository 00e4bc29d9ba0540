import type { ModelProfile, OperatorProfile } from '../model/index.js';

/** What report.html and report.md show of a model breakdown: the top operators, then the rest. */
export interface ProfileView {
  shown: OperatorProfile[];
  /** The operators past the top ones, summed; undefined when all are shown. */
  others: { count: number; share: number } | undefined;
  /** Of an inference, outside every operator: the runtime's own time (copies, scheduling). */
  runtimeShare: number;
}

/** The `limit` largest operators, the rest summed, and what the runtime keeps. Pure. */
export function profileView(profile: ModelProfile, limit: number): ProfileView {
  const shown = profile.operators.slice(0, limit);
  const rest = profile.operators.slice(limit);
  const total = profile.operators.reduce((sum, o) => sum + o.share, 0);
  return {
    shown,
    others: rest.length
      ? { count: rest.length, share: rest.reduce((sum, o) => sum + o.share, 0) }
      : undefined,
    runtimeShare: Math.max(0, 1 - total),
  };
}

/** "tfjs (wasm), 10 inferences of 21.86 ms": how the breakdown was taken. */
export function profileSource(profile: ModelProfile): string {
  return `${profile.runtime} (${profile.provider}), ${profile.calls} profiled inference${profile.calls === 1 ? '' : 's'} of ${profile.inference_ms.toFixed(2)} ms on average, after the measured calls`;
}
