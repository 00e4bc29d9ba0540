/**
 * The model breakdown in the analysis: when latency is the problem, say which operator the
 * time goes to and what shrinks it ("LSTM takes 64 % of an inference: fewer hidden units,
 * quantization, or batching"). Pure.
 */
import type { ModelProfile } from '../model/index.js';
import type { Bottleneck, ObjectiveMetric, ObjectiveResult, Recommendation } from './types.js';

const LATENCY_METRICS: ReadonlySet<ObjectiveMetric> = new Set([
  'p50',
  'p90',
  'p95',
  'p99',
  'p999',
  'avg',
  'max',
]);

/** What shrinks an operator's time, by operator family (ONNX op types and tfjs layer classes). */
const REMEDIES: ReadonlyArray<[RegExp, string]> = [
  [/lstm|gru|rnn|bidirectional/i, 'fewer hidden units, quantization, or batching'],
  [/conv/i, 'fewer filters or a smaller kernel, quantization, or batching'],
  [/matmul|gemm|dense|attention|einsum/i, 'smaller layers, quantization, or batching'],
  [/pool/i, 'pooling earlier or with a larger stride, or batching'],
];
const ANY_OPERATOR = 'simplifying or quantizing it, or batching';

/** The operator type taking the largest share of an inference, with its nodes' share summed. */
export function topOperator(
  profile: ModelProfile,
): { op_type: string; share: number; names: string[] } | undefined {
  const byType = new Map<string, { share: number; names: string[] }>();
  for (const o of profile.operators) {
    const entry = byType.get(o.op_type) ?? { share: 0, names: [] };
    entry.share += o.share;
    entry.names.push(o.name);
    byType.set(o.op_type, entry);
  }
  let top: { op_type: string; share: number; names: string[] } | undefined;
  for (const [op_type, entry] of byType) {
    if (!top || entry.share > top.share) top = { op_type, ...entry };
  }
  return top && top.share > 0 ? top : undefined;
}

/** "LSTM (lstm_1) takes 64 % of an inference: fewer hidden units, quantization, or batching". */
export function topOperatorAdvice(profile: ModelProfile): string | undefined {
  const top = topOperator(profile);
  if (!top) return undefined;
  const which = top.names.length === 1 ? top.names[0] : `${top.names.length} ${nodesWord(profile)}`;
  const remedy = REMEDIES.find(([pattern]) => pattern.test(top.op_type))?.[1] ?? ANY_OPERATOR;
  return `${top.op_type} (${which}) takes ${Math.round(top.share * 100)} % of an inference: ${remedy}`;
}

function nodesWord(profile: ModelProfile): string {
  return profile.runtime === 'tfjs' ? 'layers' : 'nodes';
}

/**
 * Bottlenecks and recommendations with the top operator named: in each latency bottleneck's
 * recommendation and in the latency recommendation — each added when a latency objective
 * failed and the seed's rules made none. Unchanged without a breakdown or a latency problem.
 */
export function withTopOperator(
  bottlenecks: Bottleneck[],
  recommendations: Recommendation[],
  objectives: readonly ObjectiveResult[],
  profile: ModelProfile | undefined,
): { bottlenecks: Bottleneck[]; recommendations: Recommendation[] } {
  const advice = profile && topOperatorAdvice(profile);
  if (!advice) return { bottlenecks, recommendations };
  const failed = objectives.filter((o) => !o.passed && LATENCY_METRICS.has(o.metric));
  const latencyFailed = failed.length > 0;
  const named = bottlenecks.map((b) =>
    b.category === 'latency' ? { ...b, recommendation: `${advice}. ${b.recommendation}` } : b,
  );
  // A latency objective tighter than the seed's thresholds fails with no latency bottleneck:
  // the failed objective is one, so the reports that list bottlenecks name the operator too.
  if (!named.some((b) => b.category === 'latency')) {
    for (const o of failed) {
      // Not measured at all (no successful call): no operator to blame.
      if (o.actual === null) continue;
      named.push({
        category: 'latency',
        description: o.message,
        severity: 'high',
        impact: 'The latency objective fails',
        recommendation: advice,
        metric_name: `latency_${o.metric}_ms`,
        current_value: o.actual,
        threshold: o.threshold,
      });
    }
  }
  let advised = false;
  const recommended = recommendations.map((r) => {
    if (r.category !== 'latency') return r;
    advised = true;
    const actions = r.details.suggested_actions;
    return {
      ...r,
      details: {
        ...r.details,
        top_operator: advice,
        suggested_actions: [advice, ...(Array.isArray(actions) ? actions : [])],
      },
    };
  });
  if (latencyFailed && !advised) {
    recommended.unshift({
      category: 'latency',
      priority: 'high',
      description: 'Shrink the operator that takes most of an inference',
      implementation_effort: 'medium',
      expected_impact: 'up to the operator’s share of the model’s latency',
      details: { top_operator: advice, suggested_actions: [advice] },
    });
  }
  return { bottlenecks: named, recommendations: recommended };
}
