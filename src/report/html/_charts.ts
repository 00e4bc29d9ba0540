import { cut } from '../../errors.js';
import type { ModelProfile } from '../../model/index.js';
import { decodeHdrBase64, withinObserved, type LogLinearCounts } from '../../metrics/index.js';
import type { DetailedReport } from '../../model/index.js';
import { terminalLine } from '../../neutralise/index.js';
import { profileView } from '../_model-profile.js';
import { round4, type ChartSpec } from './_page.js';

const BLUE = '#3f6fb5';
const ORANGE = '#d9822b';
const RED = '#c62828';
const GREEN = '#1b7f3b';
const PURPLE = '#7b3fb5';

/** p0 … p99.99, the points of the percentile curve (ascending). */
export const CURVE_PERCENTILES = [
  0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 97, 98, 99, 99.5, 99.9, 99.95, 99.99,
];

/** The exact fastest and slowest successful latency of a run, for its percentile curve. */
export function observedLatencies(report: DetailedReport): { min: number; max: number } {
  return { min: report.latency_metrics.min_ms, max: report.latency_metrics.max_ms };
}

/** Successful latencies of the run, from `latency_histogram_hdr` (3 significant digits). */
export function histogramOf(report: DetailedReport): LogLinearCounts | null {
  if (!report.latency_histogram_hdr) return null;
  const counts = decodeHdrBase64(report.latency_histogram_hdr);
  return counts.totalCount > 0 ? counts : null;
}

/** The seed's bins as bars of equal width, labelled by their range ("0–10", "1000+"). */
export function seedBinsChart(report: DetailedReport): ChartSpec {
  const d = report.latency_distribution;
  // "500–1k", not "500–1000": eight labels fit under a phone-wide chart.
  const short = (ms: number) => (ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}k` : String(ms));
  const categories = d.bins.map((edge, i) => {
    const next = d.bins[i + 1];
    return next === undefined ? `${short(edge)}+` : `${short(edge)}–${short(next)}`;
  });
  return {
    id: 'chart-seed-bins',
    title: 'Latency distribution (seed bins)',
    x: d.bins.map((_, i) => i),
    series: [{ label: 'requests', values: d.counts, color: BLUE }],
    xLabel: 'latency (ms)',
    yLabel: 'requests',
    bars: true,
    categories,
    legendAt: 'peak',
  };
}

/** `fineHistogramChart`'s lowest bin (1 µs) and how many there are up to 2^32 µs (bin 132). */
const FIRST_FINE_BIN = -60;
const FINE_BINS = 193;

/** A fine histogram: 20 log-spaced bins per decade between the fastest and slowest bucket. */
export function fineHistogramChart(counts: LogLinearCounts): ChartSpec {
  const perDecade = 20;
  // Bin k sums the buckets whose median-equivalent latency m (µs, at least 1) has
  // floor(log10(m / 1000) · 20) = k: from −60 (1 µs) to 132 (2^32 µs). One array over that
  // span rather than a map, in one loop over the counts: the page is rendered once per
  // process, and this code then runs cold.
  const sums = new Float64Array(FINE_BINS);
  let first = Infinity;
  let last = -Infinity;
  const all = counts.counts;
  for (let i = 0; i < all.length; i++) {
    const count = all[i]!;
    if (!(count > 0)) continue;
    const ms = Math.max(counts.medianEquivalentMicros(i), 1) / 1000;
    const bin = Math.floor(Math.log10(ms) * perDecade);
    sums[bin - FIRST_FINE_BIN]! += count;
    if (bin < first) first = bin;
    if (bin > last) last = bin;
  }
  if (first > last) first = last = 0;
  const x: number[] = [];
  const values: number[] = [];
  for (let k = first; k <= last; k++) {
    x.push(round4(10 ** ((k + 0.5) / perDecade)));
    values.push(sums[k - FIRST_FINE_BIN]!);
  }
  return {
    id: 'chart-fine-histogram',
    title: 'Latency histogram (log scale, 20 bins per decade)',
    x,
    series: [{ label: 'requests', values, color: BLUE }],
    xLabel: 'latency (ms)',
    yLabel: 'requests',
    xLog: true,
    bars: true,
    legendAt: 'peak',
  };
}

/**
 * Latency at p0 … p99.99 against x = 1 / (1 − p), so each extra nine gets the same width.
 * `observed`: the run's exact fastest and slowest latency, which the curve stays within.
 */
export function percentileCurveChart(
  series: Array<{
    label: string;
    counts: LogLinearCounts;
    color: string;
    observed?: { min: number; max: number };
  }>,
): ChartSpec {
  return {
    id: 'chart-percentiles',
    title: 'Percentile curve (p0 … p99.99)',
    x: CURVE_PERCENTILES.map((p) => round4(1 / (1 - p / 100))),
    series: series.map((s) => ({
      label: s.label,
      color: s.color,
      // Every point in one scan of the counts (the percentiles are ascending), not one each.
      values: s.counts
        .percentilesMicros(CURVE_PERCENTILES)
        .map((us) =>
          round4(
            withinObserved(us / 1000, s.observed?.min ?? -Infinity, s.observed?.max ?? Infinity),
          ),
        ),
    })),
    xLabel: 'percentile',
    yLabel: 'latency (ms)',
    xLog: true,
    nines: true,
  };
}

export function latencyOverTimeChart(report: DetailedReport): ChartSpec {
  const t = report.throughput_timeline;
  // An interval without successful calls has no latency: a gap, not a zero.
  const value = (v: number, n: number) => (n > 0 ? round4(v) : null);
  return {
    id: 'chart-latency-time',
    title: 'Latency over time (p50 / p95 / p99 per interval)',
    x: t.map((p) => p.timestamp),
    series: [
      { label: 'p50', color: BLUE, values: t.map((p) => value(p.p50_ms, p.requests - p.failures)) },
      {
        label: 'p95',
        color: ORANGE,
        values: t.map((p) => value(p.p95_ms, p.requests - p.failures)),
      },
      { label: 'p99', color: RED, values: t.map((p) => value(p.p99_ms, p.requests - p.failures)) },
    ],
    xLabel: 'time (UTC)',
    yLabel: 'latency (ms)',
    time: true,
  };
}

export function throughputChart(report: DetailedReport): ChartSpec {
  const t = report.throughput_timeline;
  return {
    id: 'chart-throughput',
    title: 'Throughput over time',
    x: t.map((p) => p.timestamp),
    series: [
      { label: 'requests/s', color: GREEN, values: t.map((p) => round4(p.throughput_rps)) },
      {
        label: 'failures/s',
        color: RED,
        values: t.map((p) => round4(p.failures / (p.interval_seconds || 1))),
      },
    ],
    xLabel: 'time (UTC)',
    yLabel: 'per second',
    time: true,
  };
}

export function resourceCharts(report: DetailedReport): ChartSpec[] {
  const r = report.resource_usage_timeline;
  const x = r.map((p) => p.timestamp);
  return [
    {
      id: 'chart-cpu',
      title: 'CPU over time',
      x,
      series: [{ label: 'CPU %', color: PURPLE, values: r.map((p) => round4(p.cpu_percent)) }],
      xLabel: 'time (UTC)',
      yLabel: '% of one core',
      time: true,
    },
    {
      id: 'chart-memory',
      title: 'Memory over time',
      x,
      series: [
        { label: 'RSS MB', color: BLUE, values: r.map((p) => round4(p.memory_mb)) },
        { label: 'heap used MB', color: ORANGE, values: r.map((p) => round4(p.heap_used_mb)) },
      ],
      xLabel: 'time (UTC)',
      yLabel: 'MB',
      time: true,
    },
    {
      id: 'chart-event-loop',
      title: 'Event-loop delay over time',
      x,
      series: [
        { label: 'mean ms', color: GREEN, values: r.map((p) => round4(p.event_loop_delay_ms)) },
        { label: 'max ms', color: RED, values: r.map((p) => round4(p.event_loop_delay_max_ms)) },
      ],
      xLabel: 'time (UTC)',
      yLabel: 'delay (ms)',
      time: true,
    },
  ];
}

/**
 * Where the time goes: the share of an inference each of the largest operators takes, the
 * rest summed, and the runtime's own time outside them. Bars labelled by operator type (and
 * name where a type repeats); names come from the model, so control and bidi characters are
 * shown as escapes and long names cut.
 */
export function modelProfileChart(profile: ModelProfile): ChartSpec {
  const view = profileView(profile, 6);
  const repeated = (type: string) => view.shown.filter((o) => o.op_type === type).length > 1;
  const categories = view.shown.map((o) =>
    cut(terminalLine(repeated(o.op_type) ? `${o.op_type} ${o.name}` : o.op_type), 28),
  );
  const shares = view.shown.map((o) => o.share);
  if (view.others) {
    categories.push(`${view.others.count} more`);
    shares.push(view.others.share);
  }
  categories.push('runtime');
  shares.push(view.runtimeShare);
  return {
    id: 'chart-model-profile',
    title: 'Where the time goes (share of one inference)',
    x: categories.map((_, i) => i),
    series: [
      { label: '% of an inference', values: shares.map((v) => round4(v * 100)), color: ORANGE },
    ],
    xLabel: 'operator',
    yLabel: '% of an inference',
    bars: true,
    categories,
    legendAt: 'peak',
  };
}
