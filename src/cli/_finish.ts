import {
  buildRunReports,
  json,
  renderConsoleSummary,
  renderJunitXml,
  renderReportHtml,
  renderReportMarkdown,
  writeReportFiles,
  type RunResult,
  type RunReports,
} from '../report/index.js';
import {
  fillTrend,
  openHistory,
  openRunHistory,
  resolveBaseline,
  saveRunHistory,
  type HistoryTarget,
  type ResolvedBaseline,
} from '../history/index.js';
import { writeComparison } from './compare.js';
import {
  analyzeRun,
  buildAlertsReport,
  evaluateAlerts,
  loadPolicy,
  type RunPolicy,
} from '../analysis/index.js';
import { renderAnalysisSummary } from './_analysis-summary.js';

export interface OutputOptions {
  out: string;
  json?: boolean;
  /** `--history <target>`, false for `--no-history`, undefined for the default store. */
  history?: HistoryTarget;
  /** `--baseline latest|<run-id>|<path>`: compare with that run once the reports are written. */
  baseline?: string;
  /** Objectives and thresholds (`--slo`, `--config`); perfsight.config.json or defaults otherwise. */
  policy?: RunPolicy;
}

/** The seed's P95 requirement, shown in its summary line unless a p95 objective says otherwise. */
export const P95_TARGET_MS = 100;

/**
 * The end of `run` and `report`: build the report model, analyse it, write the folder, tell
 * the user. Returns the exit code: 0 when every objective holds, 1 when one does not.
 */
export async function finishRun(
  run: RunResult,
  options: OutputOptions,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<{ exitCode: number; reports: RunReports; written: string[] }> {
  const reports = buildRunReports(run);
  // Stage 1 — analysis (objectives, analysis.json, alerts.json, history): sets reports.analysis.
  const policy = options.policy ?? loadPolicy({});
  reports.analysis = analyzeRun(reports.summary, policy.objectives, {
    thresholds: policy.thresholds,
    testContext: { objectives_source: policy.source, workload: reports.summary.workload },
  });
  reports.alerts = buildAlertsReport(
    reports.summary,
    evaluateAlerts(reports.summary, policy.alertThresholds),
  );
  reports.files.push(
    { name: 'analysis.json', render: () => json(reports.analysis) },
    { name: 'alerts.json', render: () => json(reports.alerts) },
  );
  // History: read before the files are written (the trend goes into analysis.json), saved
  // after them, so a broken store never costs the run its reports.
  const history = await openRunHistory(options.history, openHistory);
  if (history) await fillTrend(history, reports);
  // Resolved before this run is saved (`latest` is never the run itself) and before any file
  // is written (a baseline that does not exist is bad input: exit 2, nothing written).
  let baseline: ResolvedBaseline | undefined;
  if (options.baseline !== undefined) {
    baseline = await resolveBaseline(
      options.baseline,
      reports.summary.test_name,
      history?.store,
    ).catch(async (error: unknown) => {
      await history?.store?.close().catch(() => undefined);
      throw error;
    });
  }
  // Stage 2 — readable renderers (report.html, report.md, junit.xml): append to reports.files.
  reports.files.push(
    { name: 'report.html', render: () => renderReportHtml(reports) },
    {
      name: 'report.md',
      render: () => renderReportMarkdown(reports.summary, reports.analysis, reports.alerts),
    },
    { name: 'junit.xml', render: () => renderJunitXml(reports.summary, reports.analysis) },
  );
  const written = await writeReportFiles(options.out, reports.files);
  const historyError = history && (await saveRunHistory(history, reports, options.out));
  const met = reports.analysis.objectives_met;
  const p95Objective = policy.objectives.find(
    (o) => o.metric === 'p95' && o.comparator.startsWith('<'),
  );
  if (options.json) {
    stdout.write(json(reports.summary));
    stderr.write(`perfsight: reports written to ${options.out}\n`);
  } else {
    stdout.write(renderConsoleSummary(reports.summary, p95Objective?.threshold ?? P95_TARGET_MS));
    stdout.write(renderAnalysisSummary(reports.analysis, reports.alerts));
    stdout.write(`Reports written to ${options.out}/\n`);
    if (history?.trend) stdout.write(`Trend (p95): ${history.trend.recommendation ?? ''}\n`);
  }
  if (history?.saved) {
    (options.json ? stderr : stdout).write(`Saved to the history as run ${history.runId}\n`);
  }
  if (baseline) {
    // comparison.json and comparison.md join the run's folder; the exit code stays the
    // objectives' (`perfsight compare --fail-on-regression` is the regression gate).
    const { report } = await writeComparison(baseline.path, options.out, options.out);
    (options.json ? stderr : stdout).write(
      `Compared with ${baseline.runId ? `run ${baseline.runId}` : baseline.path}: ${report.overall_verdict} (comparison.json)\n`,
    );
  }
  // The reports are safe on disk; a history store that failed is still an input error (exit 2).
  if (historyError) throw historyError;
  return { exitCode: met ? 0 : 1, reports, written };
}
