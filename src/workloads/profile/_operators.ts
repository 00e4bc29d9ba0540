import type { ModelProfile, OperatorProfile } from '../../load/index.js';

/** One run of one operator, as a profiler saw it. */
export interface OperatorTiming {
  name: string;
  op_type: string;
  ms: number;
}

/**
 * The breakdown of `inferencesMs.length` profiled inferences from the operator runs seen in
 * them: per operator (name and type), its runs, total and mean time and its share of the
 * inferences' time. Shares are of the whole inference, not of the operators' sum, so what
 * they leave is the runtime's own time (copies, scheduling) and "X takes 64 % of an
 * inference" is true as written. Pure.
 */
export function buildModelProfile(
  runtime: string,
  provider: string,
  inferencesMs: readonly number[],
  timings: readonly OperatorTiming[],
): ModelProfile {
  const inferenceTotal = inferencesMs.reduce((sum, ms) => sum + ms, 0);
  const byOperator = new Map<
    string,
    { name: string; op_type: string; calls: number; ms: number }
  >();
  for (const t of timings) {
    const key = `${t.op_type}\u0000${t.name}`;
    const entry = byOperator.get(key) ?? { name: t.name, op_type: t.op_type, calls: 0, ms: 0 };
    entry.calls++;
    entry.ms += t.ms;
    byOperator.set(key, entry);
  }
  const operators: OperatorProfile[] = [...byOperator.values()].map((o) => ({
    name: o.name,
    op_type: o.op_type,
    calls: o.calls,
    total_ms: o.ms,
    mean_us: (o.ms / o.calls) * 1000,
    // Operators that overlap (a parallel executor) could add up past the wall time.
    share: inferenceTotal > 0 ? Math.min(1, o.ms / inferenceTotal) : 0,
  }));
  operators.sort((a, b) => b.share - a.share || a.name.localeCompare(b.name));
  return {
    runtime,
    provider,
    calls: inferencesMs.length,
    inference_ms: inferencesMs.length > 0 ? inferenceTotal / inferencesMs.length : 0,
    operators,
  };
}
