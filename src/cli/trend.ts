import { Command, Option } from 'commander';
import type { TrendAnalysis } from '../analysis/types.js';
import { InputError } from '../errors.js';
import { openHistory, TREND_METRICS, trendFromStore, type TrendMetric } from '../history/index.js';
import { terminalText } from '../neutralise/index.js';
import { json } from '../report/index.js';

interface TrendFlags {
  name?: string;
  metric: TrendMetric;
  json?: boolean;
  history?: string;
}

export function trendCommand(exit: (code: number) => void): Command {
  return new Command('trend')
    .description(
      'gate the newest run against a prediction interval of the runs before it; list change points',
    )
    .option('--name <name>', 'the test to trend (default: the test of the newest run)')
    .addOption(
      new Option('--metric <metric>', 'figure to follow')
        .choices(Object.keys(TREND_METRICS))
        .default('p95'),
    )
    .option('--json', 'print the trend analysis as JSON')
    .option(
      '--history <target>',
      'SQLite file or postgres:// URL (default $PERFSIGHT_HISTORY or .perfsight/history.db)',
    )
    .action(async (flags: TrendFlags) => {
      exit(await trendAction(flags));
    });
}

/** Exit 1 when the newest run is worse than its predecessors predict, as a CI gate. */
async function trendAction(flags: TrendFlags): Promise<number> {
  const store = await openHistory(flags.history);
  try {
    const newest = await store.get('latest', flags.name);
    if (!newest) {
      const of = flags.name === undefined ? '' : ` of "${flags.name}"`;
      throw new InputError(`no runs${of} in the history at ${store.location}`);
    }
    const name = newest.test_name;
    const trend = await trendFromStore(store, name, flags.metric);
    process.stdout.write(
      flags.json ? json({ test_name: name, ...trend }) : renderTrend(name, trend),
    );
    return isRegression(trend, flags.metric) ? 1 : 0;
  } finally {
    await store.close();
  }
}

export function isRegression(trend: TrendAnalysis, metric: TrendMetric): boolean {
  if (trend.insufficient_data) return false;
  return trend.latest_position === (TREND_METRICS[metric].higherIsBetter ? 'below' : 'above');
}

function renderTrend(name: string, trend: TrendAnalysis): string {
  const lines = [`Trend of ${trend.metric} for "${name}"`];
  if (trend.insufficient_data) {
    lines.push(`  insufficient data: ${trend.recommendation ?? ''}`);
    return terminalText(`${lines.join('\n')}\n`);
  }
  const interval = trend.prediction_interval!;
  lines.push(
    `  latest: ${figure(trend.latest_value!)}  ${trend.latest_position} the ${interval.confidence * 100} % prediction interval ${figure(interval.low)} – ${figure(interval.high)} (from ${trend.runs_considered} runs)`,
    `  ${trend.recommendation ?? ''}`,
  );
  const points = trend.change_points ?? [];
  if (points.length === 0) lines.push('  change points: none');
  else {
    lines.push('  change points:');
    for (const point of points) {
      lines.push(
        `    at run ${point.index + 1} (${point.run_id}): mean ${figure(point.before_mean)} → ${figure(point.after_mean)}, p = ${point.p_value.toPrecision(2)}`,
      );
    }
  }
  return terminalText(`${lines.join('\n')}\n`);
}

function figure(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
