import { count, percent } from '../model/format.js';
import { breaks } from '../model/judge.js';
import { objectiveOf } from '../model/objective.js';
import { REQUIREMENT } from '../model/thresholds.js';
import { terminalLine, terminalText } from '../neutralise/index.js';
import type { ObjectiveResult } from '../analysis/types.js';
import type { ModelProfile, SummaryReport } from '../model/index.js';
import { profileBasis } from './_model-profile.js';
import { formatBytes, statusCodeList } from './html/_text.js';

const RULE = '='.repeat(60);

/**
 * The seed's end-of-run summary, as printed on the terminal (data neutralised). Pure. With the run's checked
 * `objectives`, the seed's P95 line agrees with them: it never says "met" when the p95
 * objective failed or when the fallback, not the model, gave the answers.
 */
export function renderConsoleSummary(
  report: SummaryReport,
  p95TargetMs = REQUIREMENT.p95.threshold,
  objectives?: readonly ObjectiveResult[],
  /** detailed.json's `model_profile`: the operators taking most of an inference, on one line. */
  profile?: ModelProfile | null,
): string {
  const perf = report.performance_summary;
  const latency = report.latency_metrics;
  const lines = [
    '',
    RULE,
    `PERFORMANCE SUMMARY: ${report.test_name}`,
    RULE,
    `Total Samples: ${count(perf.total_requests)}`,
    `Success Rate: ${percent(perf.success_rate)}`,
    `Throughput: ${perf.throughput_rps === null ? 'n/a (samples carry no time)' : `${perf.throughput_rps.toFixed(1)} RPS`}`,
    `Average Latency: ${latency.average_ms.toFixed(2)}ms`,
    `P95 Latency: ${latency.p95_ms.toFixed(2)}ms`,
    `P99 Latency: ${latency.p99_ms.toFixed(2)}ms`,
  ];
  if (report.http) {
    // An HTTP target: what the service answered, and what went over the wire.
    const codes = statusCodeList(report.http.status_codes);
    lines.push(
      `Status Codes: ${codes.length ? codes.map(([code, n]) => `${code} × ${count(n)}`).join(' · ') : 'no responses'}`,
      `Bytes: ${formatBytes(report.http.bytes_sent)} sent · ${formatBytes(report.http.bytes_received)} received`,
    );
  }
  const answered = answeredBy(report);
  if (answered) lines.push(answered);
  const workload = report.workload;
  if (typeof workload.model === 'string') {
    // The seed's question is about a model: say which one answered, and how.
    lines.push(modelLine(workload));
    const o = report.optimization_metrics;
    lines.push(
      `Cache Hit Rate: ${percent(o.cache_hit_rate)} · Fallback Rate: ${percent(o.fallback_usage_rate)}`,
    );
  }
  if (profile && profile.operators.length > 0) {
    const top = profile.operators
      .slice(0, 3)
      .map((o) => `${terminalLine(o.op_type)} ${percent(o.share)}`);
    lines.push(
      `Where the time goes: ${top.join(' · ')} of an inference (${[profileBasis(profile), 'report.html'].filter(Boolean).join('; ')})`,
    );
  }
  if (report.uncorrected_latency_metrics) {
    const u = report.uncorrected_latency_metrics;
    lines.push(
      `  (uncorrected for coordinated omission: P95 ${u.p95_ms.toFixed(2)}ms, P99 ${u.p99_ms.toFixed(2)}ms)`,
    );
  }
  const p95Objective = objectives?.find((o) => o.metric === 'p95' && o.comparator.startsWith('<'));
  const notTheModel = notTheModelsAnswers(report, objectives);
  if (perf.successful_requests === 0) {
    lines.push(`❌ P95 Latency requirement not met: no successful samples`);
  } else if (notTheModel) {
    lines.push(`❌ P95 Latency requirement not met: ${notTheModel}`);
  } else if (
    p95Objective
      ? p95Objective.passed
      : !breaks(objectiveOf('p95', '<', p95TargetMs), latency.p95_ms)
  ) {
    lines.push(`✅ P95 Latency requirement met: ${latency.p95_ms.toFixed(2)}ms < ${p95TargetMs}ms`);
  } else {
    lines.push(
      `❌ P95 Latency requirement not met: ${latency.p95_ms.toFixed(2)}ms ≥ ${p95TargetMs}ms`,
    );
  }
  if (report.interrupted) lines.push('⚠️  Run interrupted: figures cover what ran until then');
  lines.push(RULE);
  return terminalText(lines.join('\n') + '\n');
}

/**
 * "Model: model.onnx · ONNX Runtime, cpu provider, 2 threads · fallback off: …": which model
 * answered, in which runtime, on what, and whether a fallback could stand in for it.
 */
function modelLine(workload: Record<string, unknown>): string {
  const where = workload.isolated_in_worker === true ? ' in a worker thread' : '';
  const runtime =
    workload.runtime === 'onnx'
      ? `ONNX Runtime, ${String(workload.execution_provider)} provider, ${typeof workload.threads === 'number' ? `${workload.threads} intra-op thread${workload.threads === 1 ? '' : 's'}` : 'its default threads'}${where}`
      : `${workload.runtime === 'tfjs' ? 'TensorFlow.js, ' : ''}backend ${String(workload.backend)}${where}`;
  const parameters =
    typeof workload.parameters === 'number' ? ` · ${count(workload.parameters)} parameters` : '';
  const fallback =
    typeof workload.fallback === 'string' && workload.fallback !== 'on'
      ? ` · fallback ${workload.fallback}`
      : '';
  return `Model: ${String(workload.model)} · ${runtime}${parameters}${fallback}`;
}

/**
 * Why the run's latency is not the model's, or undefined when it is: a failed fallback
 * objective says it; without objectives, or when they accept any fallback, a run whose
 * successful calls the model answered none of still cannot meet a model's requirement.
 */
function notTheModelsAnswers(
  report: SummaryReport,
  objectives: readonly ObjectiveResult[] | undefined,
): string | undefined {
  const fallback = objectives?.find((o) => o.metric === 'fallback' && !o.passed);
  if (fallback) return fallback.message;
  const bySource = report.latency_by_source;
  if (!bySource || bySource.model.count > 0) return undefined;
  return `the model answered none of the ${count(report.performance_summary.successful_requests)} successful calls (cache ${count(bySource.cache.count)}, fallback ${count(bySource.fallback.count)})`;
}

/**
 * "Answered by: model 16 (80.00%, P95 9.20ms) · cache 4 (20.00%, P95 0.05ms) · fallback 0":
 * the headline latencies mix the three, so each is shown apart whenever the cache or the
 * fallback answered anything.
 */
function answeredBy(report: SummaryReport): string | undefined {
  const bySource = report.latency_by_source;
  if (!bySource || (bySource.cache.count === 0 && bySource.fallback.count === 0)) return undefined;
  const part = (name: string, s: SummaryReport['latency_by_source']['model']) =>
    `${name} ${count(s.count)}${s.latency ? ` (${percent(s.share)}, P95 ${s.latency.p95_ms.toFixed(2)}ms)` : ''}`;
  return `Answered by: ${part('model', bySource.model)} · ${part('cache', bySource.cache)} · ${part('fallback', bySource.fallback)}`;
}
