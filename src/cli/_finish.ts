import {
  buildRunReports,
  json,
  renderConsoleSummary,
  renderJunitXml,
  renderReportHtml,
  renderReportMarkdown,
  StagedFolder,
  type RunReports,
} from '../report/index.js';
import { type RunResult } from '../model/index.js';
import {
  fillTrend,
  openHistory,
  openRunHistory,
  resolveBaseline,
  saveRunHistory,
  type HistoryTarget,
  type ResolvedBaseline,
} from '../history/index.js';
import { comparisonFiles, configurationWarning } from './compare.js';
import { terminalText } from '../neutralise/index.js';
import {
  analyzeRun,
  buildAlertsReport,
  evaluateAlerts,
  type ComparableRun,
  type RunPolicy,
} from '../analysis/index.js';
import type { ComparisonReport } from '../analysis/types.js';
import { loadRunForComparison } from '../samples/index.js';
import { loadPolicy } from './config.js';
import { renderAnalysisSummary } from './_analysis-summary.js';
import { renderNextSteps } from './_next.js';
import { colourOn, link, paint } from './_terminal.js';

export interface OutputOptions {
  out: string;
  /** perfsight chose `out`: a name taken meanwhile silently becomes `<out>-2`… */
  defaultOut?: boolean;
  json?: boolean;
  /** `--history <target>`, false for `--no-history`, undefined for the default store. */
  history?: HistoryTarget;
  /** `--baseline latest|<run-id>|<path>`: compare with that run once the reports are written. */
  baseline?: string;
  /** `--fail-on-regression`: exit 1 when the comparison with the baseline says regressed. */
  failOnRegression?: boolean;
  /** The command that measures this test again (`run synthetic --name x`), for the hints at the end. */
  again?: readonly string[];
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
): Promise<{ exitCode: number; reports: RunReports; out: string }> {
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
  // The baseline is read whole here too: one that turns out truncated or foreign must not
  // be found after the folder was written.
  let baseline: { resolved: ResolvedBaseline; run: ComparableRun } | undefined;
  if (options.baseline !== undefined) {
    try {
      const resolved = await resolveBaseline(
        options.baseline,
        reports.summary.test_name,
        history?.store,
      );
      baseline = { resolved, run: await loadRunForComparison(resolved.path) };
    } catch (error) {
      await history?.store?.close().catch(() => undefined);
      throw error;
    }
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
  // The folder is written whole beside its target and renamed into place: complete or absent.
  let comparison: ComparisonReport | undefined;
  let configWarning: string | undefined;
  let out: string;
  const folder = await StagedFolder.create(options.out, 'run').catch(async (error: unknown) => {
    await history?.store?.close().catch(() => undefined);
    throw error;
  });
  try {
    await folder.write(reports.files);
    if (baseline) {
      // comparison.* join the run's folder (read back from it, as `compare` would); with
      // --fail-on-regression a regressed verdict fails the run too.
      const current = await loadRunForComparison(folder.path);
      const compared = comparisonFiles(baseline.run, current);
      comparison = compared.report;
      configWarning = configurationWarning(baseline.run, current);
      await folder.write(compared.files);
    }
    out = await folder.commit();
  } catch (error) {
    await history?.store?.close().catch(() => undefined);
    throw error;
  } finally {
    await folder.discard();
  }
  const historyError = history && (await saveRunHistory(history, reports, out));
  const met = reports.analysis.objectives_met;
  const p95Objective = policy.objectives.find(
    (o) => o.metric === 'p95' && o.comparator.startsWith('<'),
  );
  if (options.json) {
    stdout.write(json(reports.summary));
    stderr.write(`perfsight: reports written to ${out}\n`);
  } else {
    const colour = colourOn(stdout as { isTTY?: boolean });
    stdout.write(
      paint(
        renderConsoleSummary(
          reports.summary,
          p95Objective?.threshold ?? P95_TARGET_MS,
          reports.analysis.objectives,
        ) + renderAnalysisSummary(reports.analysis, reports.alerts),
        colour,
      ),
    );
    stdout.write(`Reports written to ${out}/\n`);
    if (history?.trend) stdout.write(`Trend (p95): ${history.trend.recommendation ?? ''}\n`);
  }
  if (history?.saved) {
    (options.json ? stderr : stdout).write(`Saved to the history as run ${history.runId}\n`);
  }
  if (out !== options.out && !options.defaultOut) {
    // Another process filled the folder while this run measured: both sets of reports kept.
    stderr.write(`perfsight: ${options.out} was filled meanwhile; these reports are in ${out}\n`);
  }
  if (baseline && comparison) {
    (options.json ? stderr : stdout).write(
      `Compared with ${baseline.resolved.runId ? `run ${baseline.resolved.runId}` : baseline.resolved.path}: ${comparison.overall_verdict} (comparison.json)\n`,
    );
    if (configWarning)
      stderr.write(paint(terminalText(configWarning), colourOn(stderr as { isTTY?: boolean })));
  }
  if (!options.json && options.again && !historyError) {
    // What next: the report to open, the comparison and the CI gate to try.
    const tty = stdout as { isTTY?: boolean };
    stdout.write(
      renderNextSteps(out, options.again, history?.saved === true, (url, text) =>
        link(url, text, tty),
      ),
    );
  }
  // The reports are safe on disk; a history store that failed is still an input error (exit 2).
  if (historyError) throw historyError;
  const regressed = options.failOnRegression && comparison?.overall_verdict === 'regressed';
  return { exitCode: met && !regressed ? 0 : 1, reports, out };
}
