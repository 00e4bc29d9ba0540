/**
 * The history stage of `run` and `report`: before the files are written, read the test's past
 * runs (the pipeline places this run among them in `trend_analysis`); after they are written,
 * save the run. A store that cannot be
 * opened (corrupt, locked, unreachable) never costs the user their reports: the files are
 * written first and the problem is reported afterwards.
 */
import { randomUUID } from 'node:crypto';
import { analyzeTrend, TREND_MAX_RUNS, type TrendPoint } from '../analysis/trend.js';
import type { AnalysisReport, TrendAnalysis } from '../analysis/types.js';
import { InputError } from '../errors.js';
import type { RunReports } from '../report/index.js';
import { buildHistoryRecord } from './record.js';
import { HISTORY_OFF, TREND_METRICS, type HistoryStore, type TrendMetric } from './types.js';

/** `--history <target>`, or false for `--no-history`; undefined: the default store. */
export type HistoryTarget = string | false | undefined;

/** The metric the analyzer's `trend_analysis` follows: the seed's P95 requirement. */
export const ANALYSIS_TREND_METRIC: TrendMetric = 'p95';

/** The current figure of a trend metric, from the run's summary. */
export function currentValue(
  reports: Pick<RunReports, 'summary'>,
  metric: TrendMetric,
): number | null {
  const column = TREND_METRICS[metric].column;
  const summary = reports.summary;
  const figures: Record<string, number | null> = {
    ...summary.latency_metrics,
    success_rate: summary.performance_summary.success_rate,
    error_rate: summary.performance_summary.error_rate,
    throughput_rps: summary.performance_summary.throughput_rps,
  };
  const value = figures[column];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A trend of `metric` over a test's stored runs and, when given, the run being finished. */
export async function trendFromStore(
  store: HistoryStore,
  name: string,
  metric: TrendMetric,
  current?: { runId: string; value: number },
): Promise<TrendAnalysis> {
  const past = await store.series(name, metric, current ? TREND_MAX_RUNS : TREND_MAX_RUNS + 1);
  const series = past.map((p) => ({ runId: p.run_id, value: p.value }));
  if (current) series.push(current);
  return analyzeTrend(metric, series, { higherIsBetter: TREND_METRICS[metric].higherIsBetter });
}

/** An open history session for one run: its store (or why there is none) and the run's id. */
export interface RunHistory {
  runId: string;
  store: HistoryStore | undefined;
  /** Set when the store could not be opened, read or written; reported after the files. */
  failure: InputError | undefined;
  /** Set once the run is saved. */
  saved: boolean;
}

/**
 * Opens the store for a run; never throws (the failure is kept for later). Undefined for
 * `--no-history`, or when `$PERFSIGHT_HISTORY` is `off` and no `--history` was given.
 */
export async function openRunHistory(
  target: HistoryTarget,
  open: (target?: string) => Promise<HistoryStore>,
): Promise<RunHistory | undefined> {
  if (target === false) return undefined;
  if (target === undefined && HISTORY_OFF.test(process.env.PERFSIGHT_HISTORY ?? '')) {
    return undefined;
  }
  const session: RunHistory = {
    runId: randomUUID(),
    store: undefined,
    failure: undefined,
    saved: false,
  };
  try {
    session.store = await open(target);
  } catch (error) {
    session.failure = asInputError(error);
  }
  return session;
}

/**
 * The test's earlier runs the trend places this one among (their p95, oldest first), with
 * this run's id: what `runPipeline` takes as `history`. Never throws: a store that cannot be
 * read is kept in `history.failure` and reported after the files are written.
 */
export async function readEarlierRuns(
  history: RunHistory,
  testName: string,
): Promise<{ runId: string; earlier: TrendPoint[] } | undefined> {
  if (!history.store || history.failure) return undefined;
  try {
    const past = await history.store.series(testName, ANALYSIS_TREND_METRIC, TREND_MAX_RUNS);
    return {
      runId: history.runId,
      earlier: past.map((p) => ({ runId: p.run_id, value: p.value })),
    };
  } catch (error) {
    history.failure = asInputError(error);
    return undefined;
  }
}

/**
 * Saves the run (call it after its files were written) and closes the store. Returns the
 * error to report — it says the reports are safe — when the store could not be used.
 */
export async function saveRunHistory(
  history: RunHistory,
  reports: RunReports & { analysis?: AnalysisReport },
  reportDir: string,
): Promise<InputError | undefined> {
  try {
    if (history.store && !history.failure) {
      await history.store.save(buildHistoryRecord(reports, reportDir, history.runId));
      history.saved = true;
    }
  } catch (error) {
    history.failure = asInputError(error);
  } finally {
    await history.store?.close().catch(() => undefined);
    history.store = undefined;
  }
  if (!history.failure) return undefined;
  return new InputError(
    `${history.failure.message}; the reports were written to ${reportDir}, but the run was not saved to the history (--no-history skips it)`,
  );
}

function asInputError(error: unknown): InputError {
  if (error instanceof InputError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new InputError(`history: ${message.split('\n')[0]}`);
}
