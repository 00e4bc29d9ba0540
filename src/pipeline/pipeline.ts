/**
 * The run pipeline: a recorded run and the policy it is held to, in; every artifact
 * `perfsight run` writes, out. Summary → detailed → analysis (with the trend) → alerts →
 * comparison → the rendered files, each computed once, in that order, nothing patched
 * afterwards. Pure: nothing is read or written here — the history's earlier runs and the
 * baseline come in loaded, and `writeReportFolder(out, artifacts.files)` writes the folder.
 */
import {
  DEFAULT_OBJECTIVES,
  analyzeRun,
  analyzeTrend,
  buildAlertsReport,
  comparableRunOf,
  evaluateAlerts,
  parseObjectives,
  withFallbackObjective,
  type ComparableRun,
  type CompareOptions,
  type RunPolicy,
  type TrendPoint,
} from '../analysis/index.js';
import type {
  AlertsReport,
  AnalysisReport,
  ComparisonReport,
  TrendAnalysis,
} from '../analysis/types.js';
import { ANALYSIS_TREND_METRIC, TREND_METRICS, currentValue } from '../history/index.js';
import {
  buildRunReports,
  json,
  renderJunitXml,
  renderReportHtml,
  renderReportMarkdown,
  type ReportFile,
} from '../report/index.js';
import {
  SAMPLES_ARROW_FILE,
  SAMPLES_FILE,
  type DetailedReport,
  type RunResult,
  type SummaryReport,
} from '../model/index.js';
import { comparisonFiles } from './comparison.js';

export interface PipelineOptions {
  /**
   * Objectives and thresholds the run is held to (`loadPolicy` reads them as `run` does:
   * `--slo`, `--config`, perfsight.config.json). Not given: the default objectives
   * (`p95<100ms`, `success>=99%`, `fallback<1%`) and the seed's thresholds.
   */
  policy?: Partial<RunPolicy>;
  /**
   * The test's earlier runs, oldest first, as the history keeps them (their p95, ms), and
   * the id this run gets: analysis.json's `trend_analysis` then places this run among them.
   */
  history?: { runId: string; earlier: readonly TrendPoint[] };
  /** A baseline to compare with (`loadRunForComparison`): comparison.* join the files. */
  baseline?: ComparableRun;
  /** The comparison's statistics (alpha, noise, bootstrap seed); stamped with the run's time. */
  compare?: CompareOptions;
}

/** Everything `perfsight run` writes for one run, and the files in the order written. */
export interface RunArtifacts {
  summary: SummaryReport;
  detailed: DetailedReport;
  analysis: AnalysisReport;
  alerts: AlertsReport;
  /** The p95 trend over the history given, undefined without one (or without a p95). */
  trend: TrendAnalysis | undefined;
  /** Against `baseline`, when one was given. */
  comparison: ComparisonReport | undefined;
  /**
   * summary.json, detailed.json, summary.csv, analysis.json, alerts.json, report.html,
   * report.md, junit.xml, comparison.json, comparison.md and comparison.html with a
   * baseline, then samples.csv.gz and samples.arrow (runs of at most 1 M samples). Rendered
   * when written, in that order.
   */
  files: ReportFile[];
}

/** The policy a library call gets when it names none: the defaults `run` uses. */
function completePolicy(policy: Partial<RunPolicy> = {}): RunPolicy {
  return {
    objectives: policy.objectives ?? withFallbackObjective(parseObjectives(DEFAULT_OBJECTIVES)),
    thresholds: policy.thresholds ?? {},
    alertThresholds: policy.alertThresholds ?? {},
    source: policy.source ?? (policy.objectives ? 'library' : 'defaults'),
  };
}

/** Every artifact of a recorded run (see `RunArtifacts`). Pure. */
export function runPipeline(run: RunResult, options: PipelineOptions = {}): RunArtifacts {
  const policy = completePolicy(options.policy);
  const { summary, detailed, files } = buildRunReports(run);
  const trend = options.history && trendOf(summary, options.history);
  const analysis = analyzeRun(summary, policy.objectives, {
    thresholds: policy.thresholds,
    testContext: { objectives_source: policy.source, workload: summary.workload },
    trend,
    modelProfile: run.modelProfile,
  });
  const alerts = buildAlertsReport(summary, evaluateAlerts(summary, policy.alertThresholds));
  files.push(
    { name: 'analysis.json', render: () => json(analysis) },
    { name: 'alerts.json', render: () => json(alerts) },
    { name: 'report.html', render: () => renderReportHtml({ detailed, analysis, alerts }) },
    {
      name: 'report.md',
      render: () => renderReportMarkdown(summary, analysis, alerts, detailed.model_profile),
    },
    { name: 'junit.xml', render: () => renderJunitXml(summary, analysis) },
  );
  let comparison: ComparisonReport | undefined;
  if (options.baseline) {
    const compared = comparisonFiles(
      options.baseline,
      comparableRunOf(asWritten(detailed), summary.test_name, exactLatencies(run)),
      // Stamped with the run's time, as the other reports are: the same run, the same files.
      { now: run.generatedAt, ...options.compare },
    );
    comparison = compared.report;
    files.push(...compared.files);
  }
  return { summary, detailed, analysis, alerts, trend, comparison, files: samplesLast(files) };
}

/**
 * The samples files after the others: a large run's are encoded on a worker, which finishes
 * them while the files before them are rendered here — first, this thread would wait for
 * them and only then render the rest.
 */
function samplesLast(files: readonly ReportFile[]): ReportFile[] {
  const isSamples = (file: ReportFile) =>
    file.name === SAMPLES_FILE || file.name === SAMPLES_ARROW_FILE;
  return [...files.filter((file) => !isSamples(file)), ...files.filter(isSamples)];
}

/**
 * The detailed report as `compare` reads it back from detailed.json (a figure JSON cannot
 * hold becomes null): `run --baseline` and a later `compare` of the folders agree.
 */
function asWritten(detailed: DetailedReport): DetailedReport {
  return JSON.parse(json(detailed)) as DetailedReport;
}

/** The successful latencies, ascending, as `compare` reads them from samples.csv.gz. */
function exactLatencies(run: RunResult): Float64Array | undefined {
  return run.recorded.samples?.sortedLatencies(true);
}

/** This run's p95 after the earlier ones: the analyzer's trend (the seed's P95 requirement). */
function trendOf(
  summary: SummaryReport,
  history: NonNullable<PipelineOptions['history']>,
): TrendAnalysis | undefined {
  const value = currentValue({ summary }, ANALYSIS_TREND_METRIC);
  if (value === null) return undefined;
  return analyzeTrend(
    ANALYSIS_TREND_METRIC,
    [...history.earlier, { runId: history.runId, value }],
    { higherIsBetter: TREND_METRICS[ANALYSIS_TREND_METRIC].higherIsBetter },
  );
}
