import type { AnalysisReport } from '../analysis/types.js';
import type { SummaryReport } from '../model/index.js';

/** Text from data, safe in XML content and attributes; drops characters XML 1.0 forbids. */
export function escapeXml(value: unknown): string {
  return (
    String(value ?? '')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(
        /[&<>"']/g,
        (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
      )
  );
}

/**
 * `junit.xml`: one test case per objective, a `<failure>` for each that failed, so CI
 * systems (GitHub, GitLab, Jenkins) show SLO failures natively. With no objectives, one
 * passing case says the run completed.
 */
export function renderJunitXml(summary: SummaryReport, analysis?: AnalysisReport): string {
  const objectives = analysis?.objectives ?? [];
  const failures = objectives.filter((o) => !o.passed).length;
  const suite = escapeXml(summary.test_name);
  const time = summary.test_duration_seconds.toFixed(3);
  const cases = objectives.length
    ? objectives.map((o) => {
        const name = `<testcase classname="perfsight.${suite}" name="${escapeXml(o.objective)}" time="0">`;
        if (o.passed)
          return `    ${name}<system-out>${escapeXml(o.message)}</system-out></testcase>`;
        const message = o.actual === null ? `could not be checked: ${o.message}` : o.message;
        return `    ${name}<failure message="${escapeXml(message)}" type="ObjectiveFailed">${escapeXml(
          `${o.objective}: ${message} (actual ${o.actual ?? 'n/a'}, threshold ${o.threshold} ${o.unit})`,
        )}</failure></testcase>`;
      })
    : [
        `    <testcase classname="perfsight.${suite}" name="run completed" time="${time}"><system-out>No objectives were set.</system-out></testcase>`,
      ];
  const tests = Math.max(objectives.length, 1);
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="perfsight" tests="${tests}" failures="${failures}" errors="0" time="${time}">
  <testsuite name="${suite}" tests="${tests}" failures="${failures}" errors="0" skipped="0" time="${time}" timestamp="${escapeXml(summary.started_at || summary.generated_at)}">
    <properties>
      <property name="total_requests" value="${summary.performance_summary.total_requests}"/>
      <property name="p95_ms" value="${summary.latency_metrics.p95_ms}"/>
      <property name="success_rate" value="${summary.performance_summary.success_rate}"/>
      <property name="percentile_method" value="${escapeXml(summary.percentile_method)}"/>
    </properties>
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}
