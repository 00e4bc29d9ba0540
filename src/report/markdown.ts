import { markdownText } from '../neutralise/index.js';
import type { AlertsReport, AnalysisReport } from '../analysis/types.js';
import {
  formatBytes,
  formatCount,
  formatMs,
  formatPercent,
  formatRps,
  statusCodeList,
} from './html/_text.js';
import type { SummaryReport } from '../model/index.js';
import type { ModelProfile } from '../model/index.js';
import {
  perInference,
  perInferenceSpread,
  profileSource,
  profileView,
  runtimePerInference,
} from './_model-profile.js';
import { shardLabel, spanText } from './html/_shards.js';

export { renderComparisonMarkdown } from './comparison-markdown.js';

const SOURCE_LABELS = [
  ['model', 'Answered by the model'],
  ['cache', 'Answered from the cache'],
  ['fallback', 'Answered by the fallback'],
] as const;

/** Text from data, safe in a Markdown table cell (no markup, no mention, no table break). */
const cell = markdownText;

/**
 * `report.md`: verdict first, then the figures — fit for a CI job summary
 * (`$GITHUB_STEP_SUMMARY`) or a pull-request comment. Same numbers and formats as report.html.
 */
export function renderReportMarkdown(
  summary: SummaryReport,
  analysis?: AnalysisReport,
  alerts?: AlertsReport,
  /** detailed.json's `model_profile`: a short "where the time goes" table. */
  profile?: ModelProfile | null,
): string {
  const s = summary.performance_summary;
  const l = summary.latency_metrics;
  const lines: string[] = [];
  if (analysis) {
    const passed = analysis.objectives.filter((o) => o.passed).length;
    lines.push(
      `## perfsight: ${analysis.objectives_met ? '✅ PASS' : '❌ FAIL'} — ${cell(summary.test_name)}`,
      '',
      `${passed} of ${analysis.objectives.length} objectives met · risk **${analysis.risk_assessment.overall_risk.toUpperCase()}**`,
      '',
    );
    if (analysis.objectives.length) {
      lines.push('| | Objective | Measured |', '| --- | --- | --- |');
      for (const o of analysis.objectives) {
        lines.push(
          `| ${o.passed ? '✅ PASS' : '❌ FAIL'} | ${cell(o.objective)} | ${cell(o.message)} |`,
        );
      }
      lines.push('');
    }
  } else {
    lines.push(`## perfsight: ${cell(summary.test_name)}`, '');
  }
  lines.push(
    '| Metric | Value |',
    '| --- | ---: |',
    `| Requests | ${formatCount(s.total_requests)} (${formatCount(s.failed_requests)} failed) |`,
    `| Success rate | ${formatPercent(s.success_rate)} |`,
    `| Throughput | ${formatRps(s.throughput_rps)} |`,
    `| Average latency | ${formatMs(l.average_ms)} |`,
    `| P50 latency | ${formatMs(l.median_ms)} |`,
    `| P95 latency | ${formatMs(l.p95_ms)} |`,
    `| P99 latency | ${formatMs(l.p99_ms)} |`,
    `| Max latency | ${formatMs(l.max_ms)} |`,
    `| Cache hit rate | ${formatPercent(summary.optimization_metrics.cache_hit_rate)} |`,
    `| Fallback usage rate | ${formatPercent(summary.optimization_metrics.fallback_usage_rate)} |`,
  );
  const bySource = summary.latency_by_source;
  if (bySource) {
    // The latencies above mix every answer; these say whose they are.
    for (const [source, label] of SOURCE_LABELS) {
      const b = bySource[source];
      lines.push(
        `| ${label} | ${formatCount(b.count)} (${formatPercent(b.share)})${b.latency ? ` · P50 ${formatMs(b.latency.median_ms)} · P95 ${formatMs(b.latency.p95_ms)} · P99 ${formatMs(b.latency.p99_ms)}` : ''} |`,
      );
    }
  }
  if (summary.http) {
    const codes = statusCodeList(summary.http.status_codes);
    lines.push(
      `| Status codes | ${codes.length ? codes.map(([code, n]) => `${cell(code)} × ${formatCount(n)}`).join(' · ') : 'no responses'} |`,
      `| Bytes sent | ${formatBytes(summary.http.bytes_sent)} |`,
      `| Bytes received | ${formatBytes(summary.http.bytes_received)} |`,
    );
  }
  const top = summary.error_analysis.top_errors;
  if (top.length) {
    lines.push(
      '',
      `Top errors: ${top.map(([type, n]) => `${cell(type)} × ${formatCount(n)}`).join(', ')}`,
    );
  }
  const critical = alerts?.alerts.filter((a) => a.level !== 'INFO') ?? [];
  if (critical.length) {
    lines.push('', '**Alerts**', '');
    for (const a of critical) lines.push(`- **${a.level}** ${cell(a.message)}`);
  }
  if (analysis?.bottlenecks.length) {
    lines.push('', '**Bottlenecks**', '');
    for (const b of analysis.bottlenecks) {
      lines.push(
        `- **${b.severity.toUpperCase()}** ${cell(b.description)} — ${cell(b.recommendation)}`,
      );
    }
  }
  if (profile) lines.push('', ...profileTable(profile));
  if (summary.merged_shards?.length) lines.push('', ...shardsTable(summary));
  lines.push(
    '',
    `<sub>${formatCount(s.total_requests)} requests over ${summary.test_duration_seconds.toFixed(1)} s · percentiles: ${summary.percentile_method} · generated ${cell(summary.generated_at)}${summary.interrupted ? ' · interrupted' : ''}</sub>`,
  );
  return lines.join('\n') + '\n';
}

/** A merge's runs (`perfsight merge`), one row each. */
function shardsTable(summary: SummaryReport): string[] {
  const lines = [
    '**Shards**',
    '',
    '| Shard | Group | Requests | P50 | P95 | P99 | Success | Span |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const s of summary.merged_shards ?? []) {
    lines.push(
      `| ${cell(shardLabel(s))} | ${cell(s.group ?? '—')} | ${formatCount(s.total_requests)} | ${formatMs(s.p50_ms)} | ${formatMs(s.p95_ms)} | ${formatMs(s.p99_ms)} | ${formatPercent(s.success_rate)} | ${cell(spanText(s))} |`,
    );
  }
  return lines;
}

/** The operators taking most of an inference, the rest summed, and the runtime's own share. */
function profileTable(profile: ModelProfile): string[] {
  const view = profileView(profile, 5);
  const lines = [
    '**Where the time goes**',
    '',
    `<sub>${cell(profileSource(profile))}</sub>`,
    '',
    '| Operator | Type | Share of an inference | Per inference | p25 – p75 |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const o of view.shown) {
    lines.push(
      `| ${cell(o.name)} | ${cell(o.op_type)} | ${formatPercent(o.share)} | ${perInference(o, profile)} | ${perInferenceSpread(o)} |`,
    );
  }
  if (view.others) {
    lines.push(`| ${view.others.count} more | | ${formatPercent(view.others.share)} | | |`);
  }
  lines.push(
    `| outside the operators (runtime) | | ${formatPercent(view.runtimeShare)} | ${runtimePerInference(profile)} | |`,
  );
  return lines;
}
