import { terminalText } from '../neutralise/index.js';
import type { SummaryReport } from './types.js';

const RULE = '='.repeat(60);

/** The seed's end-of-run summary, as printed on the terminal (data neutralised). Pure. */
export function renderConsoleSummary(report: SummaryReport, p95TargetMs = 100): string {
  const perf = report.performance_summary;
  const latency = report.latency_metrics;
  const lines = [
    '',
    RULE,
    `PERFORMANCE SUMMARY: ${report.test_name}`,
    RULE,
    `Total Samples: ${perf.total_requests.toLocaleString('en-US')}`,
    `Success Rate: ${percent(perf.success_rate)}`,
    `Throughput: ${perf.throughput_rps === null ? 'n/a (samples carry no time)' : `${perf.throughput_rps.toFixed(1)} RPS`}`,
    `Average Latency: ${latency.average_ms.toFixed(2)}ms`,
    `P95 Latency: ${latency.p95_ms.toFixed(2)}ms`,
    `P99 Latency: ${latency.p99_ms.toFixed(2)}ms`,
  ];
  const workload = report.workload;
  if (typeof workload.model === 'string') {
    // The seed's question is about a model: say which one answered, and how.
    lines.push(
      `Model: ${workload.model} · backend ${String(workload.backend)}${workload.isolated_in_worker === true ? ' in a worker thread' : ''} · ${Number(workload.parameters).toLocaleString('en-US')} parameters`,
    );
    const o = report.optimization_metrics;
    lines.push(
      `Cache Hit Rate: ${percent(o.cache_hit_rate)} · Fallback Rate: ${percent(o.fallback_usage_rate)}`,
    );
  }
  if (report.uncorrected_latency_metrics) {
    const u = report.uncorrected_latency_metrics;
    lines.push(
      `  (uncorrected for coordinated omission: P95 ${u.p95_ms.toFixed(2)}ms, P99 ${u.p99_ms.toFixed(2)}ms)`,
    );
  }
  if (perf.successful_requests === 0) {
    lines.push(`❌ P95 Latency requirement not met: no successful samples`);
  } else if (latency.p95_ms < p95TargetMs) {
    lines.push(`✅ P95 Latency requirement met: ${latency.p95_ms.toFixed(2)}ms < ${p95TargetMs}ms`);
  } else {
    lines.push(
      `❌ P95 Latency requirement not met: ${latency.p95_ms.toFixed(2)}ms >= ${p95TargetMs}ms`,
    );
  }
  if (report.interrupted) lines.push('⚠️  Run interrupted: figures cover what ran until then');
  lines.push(RULE);
  return terminalText(lines.join('\n') + '\n');
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}
