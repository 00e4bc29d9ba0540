import {
  buildRunReports,
  json,
  renderConsoleSummary,
  writeReportFiles,
  type RunResult,
  type RunReports,
} from '../report/index.js';
import {
  fillTrend,
  openHistory,
  openRunHistory,
  saveRunHistory,
  type HistoryTarget,
} from '../history/index.js';

export interface OutputOptions {
  out: string;
  json?: boolean;
  /** `--history <target>`, false for `--no-history`, undefined for the default store. */
  history?: HistoryTarget;
}

/** The P95 objective a run is held to until objectives are configurable. */
export const P95_TARGET_MS = 100;

/**
 * The end of `run` and `report`: build the report model, write the folder, tell the user.
 * Returns the exit code: 0 when the objective holds, 1 when it does not.
 */
export async function finishRun(
  run: RunResult,
  options: OutputOptions,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<{ exitCode: number; reports: RunReports; written: string[] }> {
  const reports = buildRunReports(run);
  // Stage 1 — analysis (objectives, analysis.json, alerts.json, history): sets reports.analysis.
  // History: read before the files are written (the trend goes into analysis.json), saved
  // after them, so a broken store never costs the run its reports.
  const history = await openRunHistory(options.history, openHistory);
  if (history) await fillTrend(history, reports);
  // Stage 2 — readable renderers (report.html, report.md, junit.xml): append to reports.files.
  const written = await writeReportFiles(options.out, reports.files);
  const historyError = history && (await saveRunHistory(history, reports, options.out));
  const latency = reports.summary.latency_metrics;
  const met =
    reports.summary.performance_summary.successful_requests > 0 && latency.p95_ms < P95_TARGET_MS;
  if (options.json) {
    stdout.write(json(reports.summary));
    stderr.write(`perfsight: reports written to ${options.out}\n`);
  } else {
    stdout.write(renderConsoleSummary(reports.summary, P95_TARGET_MS));
    stdout.write(`Reports written to ${options.out}/\n`);
    if (history?.trend) stdout.write(`Trend (p95): ${history.trend.recommendation ?? ''}\n`);
  }
  if (history?.saved) {
    (options.json ? stderr : stdout).write(`Saved to the history as run ${history.runId}\n`);
  }
  // The reports are safe on disk; a history store that failed is still an input error (exit 2).
  if (historyError) throw historyError;
  return { exitCode: met ? 0 : 1, reports, written };
}
