import type { RunResult } from '../model/index.js';
import { json, renderConsoleSummary, writeReportFolder } from '../report/index.js';
import {
  openHistory,
  openRunHistory,
  readEarlierRuns,
  resolveBaseline,
  saveRunHistory,
  type HistoryTarget,
  type ResolvedBaseline,
} from '../history/index.js';
import { runPipeline, type RunArtifacts } from '../pipeline/index.js';
import { configurationWarning } from './compare.js';
import { terminalText } from '../neutralise/index.js';
import type { ComparableRun, RunPolicy } from '../analysis/index.js';
import { loadRunForComparison } from '../samples/index.js';
import { loadPolicy } from './config.js';
import { renderAnalysisSummary } from './_analysis-summary.js';
import { renderNextSteps } from './_next.js';
import { colourOn, link, paint } from './_terminal.js';
import { REQUIREMENT } from '../model/thresholds.js';

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
export const P95_TARGET_MS = REQUIREMENT.p95.threshold;

/**
 * The end of `run` and `report`: build the report model, analyse it, write the folder, tell
 * the user. Returns the exit code: 0 when every objective holds, 1 when one does not.
 */
export async function finishRun(
  run: RunResult,
  options: OutputOptions,
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<{ exitCode: number; reports: RunArtifacts; out: string }> {
  const policy = options.policy ?? loadPolicy({});
  // History: its earlier runs are read before the files are written (the trend goes into
  // analysis.json), the run is saved after them, so a broken store never costs the run its
  // reports.
  const history = await openRunHistory(options.history, openHistory);
  const earlier = history && (await readEarlierRuns(history, run.name));
  // Resolved before this run is saved (`latest` is never the run itself) and before any file
  // is written (a baseline that does not exist is bad input: exit 2, nothing written).
  // The baseline is read whole here too: one that turns out truncated or foreign must not
  // be found after the folder was written.
  let baseline: { resolved: ResolvedBaseline; run: ComparableRun } | undefined;
  if (options.baseline !== undefined) {
    try {
      const resolved = await resolveBaseline(options.baseline, run.name, history?.store);
      baseline = { resolved, run: await loadRunForComparison(resolved.path) };
    } catch (error) {
      await history?.store?.close().catch(() => undefined);
      throw error;
    }
  }
  // Every artifact at once — summary, analysis, alerts, comparison with the baseline (with
  // --fail-on-regression a regressed verdict fails the run too) and the rendered files.
  const reports = runPipeline(run, { policy, history: earlier, baseline: baseline?.run });
  const comparison = reports.comparison;
  const configWarning =
    baseline && configurationWarning(baseline.run, { report: reports.detailed });
  // The folder is written whole beside its target and renamed into place: complete or absent.
  let out: string;
  try {
    out = await writeReportFolder(options.out, reports.files);
  } catch (error) {
    await history?.store?.close().catch(() => undefined);
    throw error;
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
          reports.detailed.model_profile,
        ) + renderAnalysisSummary(reports.analysis, reports.alerts),
        colour,
      ),
    );
    stdout.write(`Reports written to ${out}/\n`);
    if (reports.trend) stdout.write(`Trend (p95): ${reports.trend.recommendation ?? ''}\n`);
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
