import type { ModelProfile, OperatorProfile } from '../../load/index.js';
import { percentileLinear } from '../../metrics/index.js';

/** One run of one operator, as a profiler saw it. */
export interface OperatorTiming {
  name: string;
  op_type: string;
  ms: number;
}

/** One profiled inference: its wall time and the operator runs inside it. */
export interface ProfiledInference {
  ms: number;
  operators: OperatorTiming[];
}

/**
 * The breakdown of the profiled inferences: per operator (name and type), its runs, total and
 * mean time, and its time in one inference as the median over the inferences (with the 25th
 * and 75th percentiles as its spread). Medians, not sums: on a busy machine one descheduled
 * call can take 50× longer in whichever operator it was in, and a sum would crown that
 * operator. The shares are of a typical inference — every operator's median plus the
 * runtime's median time outside them (copies, scheduling) — so the operators' shares and the
 * runtime's add up to exactly 1, and "X takes 64 % of an inference" is true as written. Pure.
 */
export function buildModelProfile(
  runtime: string,
  provider: string,
  inferences: readonly ProfiledInference[],
): ModelProfile {
  const n = inferences.length;
  const byOperator = new Map<
    string,
    { name: string; op_type: string; runs: number; perCall: number[] }
  >();
  const outside: number[] = [];
  inferences.forEach((inference, call) => {
    let inOperators = 0;
    for (const t of inference.operators) {
      const key = `${t.op_type}\u0000${t.name}`;
      let entry = byOperator.get(key);
      if (!entry) {
        // An operator absent from some inferences (a branch not taken) took 0 ms in them.
        entry = {
          name: t.name,
          op_type: t.op_type,
          runs: 0,
          perCall: new Array<number>(n).fill(0),
        };
        byOperator.set(key, entry);
      }
      entry.runs++;
      entry.perCall[call]! += t.ms;
      inOperators += t.ms;
    }
    // Operators that overlap (a parallel executor) can add up past the wall time: nothing left.
    outside.push(Math.max(0, inference.ms - inOperators));
  });
  const runtimeMs = quantile(outside, 50);
  const stats = [...byOperator.values()].map((o) => ({
    ...o,
    total: o.perCall.reduce((sum, ms) => sum + ms, 0),
    median: quantile(o.perCall, 50),
  }));
  const typicalMs = stats.reduce((sum, o) => sum + o.median, runtimeMs);
  const operators: OperatorProfile[] = stats.map((o) => ({
    name: o.name,
    op_type: o.op_type,
    calls: o.runs,
    total_ms: o.total,
    mean_us: (o.total / o.runs) * 1000,
    share: typicalMs > 0 ? o.median / typicalMs : 0,
    median_ms: o.median,
    p25_ms: quantile(o.perCall, 25),
    p75_ms: quantile(o.perCall, 75),
  }));
  operators.sort(
    (a, b) => b.share - a.share || b.total_ms - a.total_ms || a.name.localeCompare(b.name),
  );
  return { runtime, provider, calls: n, inference_ms: typicalMs, runtime_ms: runtimeMs, operators };
}

function quantile(values: readonly number[], percentile: number): number {
  return percentileLinear(
    [...values].sort((a, b) => a - b),
    percentile,
  );
}
