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

/**
 * Whether the shares are of medians (perfsight's profilers since they took medians); a
 * breakdown from an older report or a workload's own `profile()` may carry means.
 */
export function ofMedians(profile: ModelProfile): boolean {
  return profile.runtime_ms !== undefined;
}

/**
 * "onnx (cpu), a typical inference of 0.44 ms (each operator's median over 10 profiled
 * inferences), after the measured calls": how the breakdown was taken.
 */
export function profileSource(profile: ModelProfile): string {
  const inferences = `${profile.calls} profiled inference${profile.calls === 1 ? '' : 's'}`;
  return ofMedians(profile)
    ? `${profile.runtime} (${profile.provider}), a typical inference of ${profile.inference_ms.toFixed(2)} ms (each operator's median over ${inferences}), after the measured calls`
    : `${profile.runtime} (${profile.provider}), ${inferences} of ${profile.inference_ms.toFixed(2)} ms on average, after the measured calls`;
}

/** "median of 10 profiled calls" for the terminal line; undefined when the shares are not of medians. */
export function profileBasis(profile: ModelProfile): string | undefined {
  if (!ofMedians(profile)) return undefined;
  return `median of ${profile.calls} profiled call${profile.calls === 1 ? '' : 's'}`;
}

/** An operator's time in one inference: its median, or (older breakdowns) its share's worth. */
export function perInference(o: OperatorProfile, profile: ModelProfile): string {
  return operatorTime(o.median_ms ?? o.share * profile.inference_ms);
}

/** The runtime's own time in a typical inference ('' when the breakdown does not say). */
export function runtimePerInference(profile: ModelProfile): string {
  return profile.runtime_ms === undefined ? '' : operatorTime(profile.runtime_ms);
}

/** "61 µs – 72 µs": the middle half of an operator's time in one inference; '' if not known. */
export function perInferenceSpread(o: OperatorProfile): string {
  if (o.p25_ms === undefined || o.p75_ms === undefined) return '';
  return `${operatorTime(o.p25_ms)} – ${operatorTime(o.p75_ms)}`;
}

/** Milliseconds to two decimals, below one as µs: an ONNX node often takes a few µs. */
function operatorTime(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  const us = ms * 1000;
  return `${us < 10 ? us.toFixed(1) : Math.round(us)} µs`;
}
