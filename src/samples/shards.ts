/**
 * Reading the report folders of one test run on several machines (`perfsight merge`) and
 * combining them into one recorded run: every sample replayed into one collector when all of
 * them kept their samples and the union fits the exact cap (numpy's percentiles over the
 * union) — read from samples.arrow, else samples.csv.gz — else the sum of their HDR
 * histograms. The reading edge: the figures are the
 * recorder's own (metrics/), nothing is written here.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, quote } from '../errors.js';
import { readTextFileSync } from '../input.js';
import {
  DEFAULT_EXACT_CAP,
  LogLinearCounts,
  MetricsCollector,
  decodeHdrBase64,
  histogramRecordedRun,
  unionSeconds,
  type HistogramPart,
  type LatencyPercentiles,
  type RecordedRun,
  type Span,
} from '../metrics/index.js';
import {
  READABLE_SCHEMA_VERSIONS,
  SAMPLES_ARROW_FILE,
  SAMPLES_FILE,
  type DetailedReport,
  type HttpTraffic,
  type LatencyMetrics,
  type MergedShard,
  type SummaryReport,
} from '../model/index.js';
import type { HistoryRecord } from '../history/index.js';
import { readSamplesFile } from './read.js';
import { ownFile } from './_own-file.js';
import { readSamplesArrow } from './arrow.js';
import { replayInTimeOrder, tableOfRecorded, type SampleTable } from './_table.js';

/** One shard's report folder, read and checked. */
export interface ShardReport {
  folder: string;
  detailed: DetailedReport;
  span: Span;
}

/** What the shards make together: the recorded run, and what the merged reports say of them. */
export interface MergedShards {
  recorded: RecordedRun;
  shards: MergedShard[];
  http: HttpTraffic | undefined;
}

/**
 * A report folder perfsight wrote: its detailed.json (the summary with the histograms),
 * read whole and checked. Anything else is an InputError naming the folder or file.
 */
export function readShardReport(folder: string): ShardReport {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new InputError(`${folder}: not a perfsight report folder (no such folder)`);
  }
  const file = join(folder, 'detailed.json');
  if (!existsSync(file)) {
    throw new InputError(`${folder}: not a perfsight report folder (it has no detailed.json)`);
  }
  let report: DetailedReport;
  try {
    report = JSON.parse(readTextFileSync(file)) as DetailedReport;
  } catch (error) {
    throw new InputError(`${file}: cannot be read as JSON (${(error as Error).message})`);
  }
  if (typeof report !== 'object' || report === null || Array.isArray(report)) {
    throw new InputError(`${file}: not a perfsight report`);
  }
  if (!READABLE_SCHEMA_VERSIONS.includes(report.schema_version)) {
    throw new InputError(
      `${file}: schema_version ${quote(report.schema_version)} is not supported (this perfsight reads ${READABLE_SCHEMA_VERSIONS.join(', ')})`,
    );
  }
  if (
    report.report_type !== 'detailed' ||
    typeof report.performance_summary?.total_requests !== 'number' ||
    typeof report.latency_metrics !== 'object' ||
    report.latency_metrics === null
  ) {
    throw new InputError(`${file}: not a detailed.json report`);
  }
  const startMs = Date.parse(report.started_at);
  const endMs = Date.parse(report.ended_at);
  return {
    folder,
    detailed: report,
    span: { startMs, endMs: Number.isFinite(endMs) ? endMs : startMs },
  };
}

/**
 * A shard from the history (`merge --group id`): its summary and successful-latency
 * histogram, which is what the history keeps — no samples, no failures' histogram, so a
 * merge of these is always from histograms.
 */
export function shardReportFromHistory(record: HistoryRecord): ShardReport {
  const folder = `history run ${record.run_id}`;
  const summary = record.summary as SummaryReport | null;
  if (
    typeof summary !== 'object' ||
    summary === null ||
    !READABLE_SCHEMA_VERSIONS.includes(summary.schema_version) ||
    typeof summary.performance_summary?.total_requests !== 'number'
  ) {
    throw new InputError(`${folder}: its summary is not one this perfsight reads`);
  }
  const detailed = {
    ...summary,
    report_type: 'detailed',
    latency_histogram_hdr: record.latency_histogram_hdr ?? undefined,
    failed_latency_histogram_hdr: null,
    samples_file: null,
  } as unknown as DetailedReport;
  const startMs = Date.parse(summary.started_at);
  const endMs = Date.parse(summary.ended_at);
  return { folder, detailed, span: { startMs, endMs: Number.isFinite(endMs) ? endMs : startMs } };
}

/** Configuration keys each shard sets for itself (its share of the load, its seed). */
const PER_SHARD = new Set([
  'iterations',
  'rate_per_second',
  'abandoned_calls',
  'workload_options.seed',
]);

/**
 * Why these runs are not parts of one test, or undefined when they are: the same test name,
 * group, workload and configuration (but for each shard's share of the load and its seed).
 */
export function mismatchOf(shards: readonly ShardReport[]): string | undefined {
  const first = shards[0]!.detailed;
  for (const { folder, detailed } of shards.slice(1)) {
    const differ = (what: string, a: unknown, b: unknown) =>
      `${folder} is not a part of the same test as ${shards[0]!.folder}: its ${what} is ${quote(b)}, not ${quote(a)}`;
    if (detailed.test_name !== first.test_name) {
      return differ('test name', first.test_name, detailed.test_name);
    }
    if ((detailed.group ?? null) !== (first.group ?? null)) {
      return differ('group', first.group ?? null, detailed.group ?? null);
    }
    const a = comparableConfiguration(first.configuration);
    const b = comparableConfiguration(detailed.configuration);
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
        return differ(`configuration ${key}`, shown(a[key]), shown(b[key]));
      }
    }
  }
  return undefined;
}

/** A configuration value as the message quotes it (a list as its JSON). */
function shown(value: unknown): unknown {
  return Array.isArray(value) ? JSON.stringify(value) : (value ?? null);
}

/** The configuration as dotted keys (`workload_options.latencyMs`), less what each shard sets. */
function comparableConfiguration(configuration: unknown): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        // Each shard's share of the load, and its own seed (run --shard).
        if (!PER_SHARD.has(at)) visit(inner, at);
      }
    } else if (path) kept[path] = value;
  };
  visit(configuration, '');
  return kept;
}

/**
 * The shards as one recorded run. Exact (every sample replayed, in time order) when every
 * shard kept its samples and they number at most `exactCap` in all; else from histograms.
 */
export async function mergeShards(
  shards: readonly ShardReport[],
  exactCap = DEFAULT_EXACT_CAP,
): Promise<MergedShards> {
  const total = shards.reduce((t, s) => t + s.detailed.performance_summary.total_requests, 0);
  const exact = total <= exactCap && shards.every((s) => s.detailed.samples_file === SAMPLES_FILE);
  const recorded = exact ? await replayed(shards, exactCap) : fromHistograms(shards);
  return { recorded, shards: shards.map(rowOf), http: httpOf(shards) };
}

async function replayed(shards: readonly ShardReport[], exactCap: number): Promise<RecordedRun> {
  const tables: SampleTable[] = [];
  for (const shard of shards) {
    // A run that recorded nothing has a header-only samples file: nothing to replay.
    if (shard.detailed.performance_summary.total_requests === 0) continue;
    tables.push(await samplesOf(shard));
  }
  const merged = new MetricsCollector({ sampleResources: false, exactCap });
  merged.startCollection({ replay: true });
  replayInTimeOrder(tables, merged);
  const timed = tables.every((table) => table.timed);
  const spans = shards.map((s) => s.span);
  const metrics = merged.endCollection(
    timed
      ? {
          startMs: Math.min(...spans.map((s) => s.startMs)),
          endMs: Math.max(...spans.map((s) => s.endMs)),
        }
      : { timed: false },
  );
  const recorded = merged.recorded();
  if (!timed) return recorded;
  // Machines running at once add up; the time between runs that did not overlap is no one's.
  const seconds = unionSeconds(spans);
  return {
    ...recorded,
    metrics: {
      ...metrics,
      durationSeconds: seconds,
      requestsPerSecond: seconds > 0 ? metrics.totalSamples / seconds : 0,
    },
  };
}

/**
 * A shard's samples: from samples.arrow (columns, no text parsed) when the folder has it,
 * else — folders written before it — replayed from samples.csv.gz. The file must hold as
 * many samples as the shard's detailed.json counts: a file of another run is refused.
 */
async function samplesOf(shard: ShardReport): Promise<SampleTable> {
  const arrow = join(shard.folder, SAMPLES_ARROW_FILE);
  const csv = join(shard.folder, SAMPLES_FILE);
  let file: string;
  let table: SampleTable;
  if (await ownFile(arrow)) {
    file = arrow;
    table = await readSamplesArrow(arrow);
  } else {
    await ownFile(csv);
    file = csv;
    const own = new MetricsCollector({ sampleResources: false });
    const read = await readSamplesFile(csv, own);
    table = tableOfRecorded(own.recorded(), read.timed);
  }
  const counted = shard.detailed.performance_summary.total_requests;
  if (table.length !== counted) {
    throw InputError.at(
      file,
      undefined,
      `has ${table.length} samples, but its detailed.json counts ${counted} requests`,
    );
  }
  return table;
}

function fromHistograms(shards: readonly ShardReport[]): RecordedRun {
  return histogramRecordedRun(
    shards.map(({ folder, detailed, span }): HistogramPart => {
      const p = detailed.performance_summary;
      const o = detailed.optimization_metrics;
      const decode = (field: 'latency_histogram_hdr' | 'failed_latency_histogram_hdr') => {
        const base64 = detailed[field];
        if (!base64) return null;
        try {
          return decodeHdrBase64(base64);
        } catch {
          throw new InputError(
            `${join(folder, 'detailed.json')}: ${field} is not a valid HdrHistogram encoding`,
          );
        }
      };
      const success = decode('latency_histogram_hdr');
      if (!success && p.successful_requests > 0) {
        throw new InputError(
          `${join(folder, 'detailed.json')}: has neither its samples nor latency_histogram_hdr to merge`,
        );
      }
      const bySource = detailed.latency_by_source;
      const sourceOf = (source: 'model' | 'cache' | 'fallback') => ({
        count: bySource?.[source]?.count ?? 0,
        percentiles: figures(bySource?.[source]?.latency ?? null),
      });
      return {
        success: success ?? new LogLinearCounts(3),
        failure: decode('failed_latency_histogram_hdr'),
        successFigures: figures(detailed.latency_metrics),
        failureFigures: figures(detailed.failed_latency_metrics),
        successful: p.successful_requests,
        failed: p.failed_requests,
        cacheHits: o?.cache_hits ?? 0,
        cacheMisses: o?.cache_misses ?? 0,
        fallbackUses: o?.fallback_uses ?? 0,
        errorCounts: detailed.error_analysis?.error_counts ?? {},
        fallbackReasons: detailed.error_analysis?.fallback_reasons ?? {},
        bySource: bySource
          ? { model: sourceOf('model'), cache: sourceOf('cache'), fallback: sourceOf('fallback') }
          : {
              model: {
                count: p.successful_requests,
                percentiles: figures(detailed.latency_metrics),
              },
              cache: { count: 0, percentiles: null },
              fallback: { count: 0, percentiles: null },
            },
        span,
      };
    }),
  );
}

/** A report's latency figures in the recorder's keys. */
function figures(m: LatencyMetrics | null | undefined): LatencyPercentiles | null {
  if (!m) return null;
  return {
    p50: m.median_ms,
    p90: m.p90_ms,
    p95: m.p95_ms,
    p99: m.p99_ms,
    p999: m.p999_ms,
    avg: m.average_ms,
    min: m.min_ms,
    max: m.max_ms,
    std: m.std_dev_ms,
  };
}

function rowOf({ folder, detailed, span }: ShardReport): MergedShard {
  const summary: SummaryReport = detailed;
  return {
    folder,
    shard: summary.shard ? { index: summary.shard.index, count: summary.shard.count } : null,
    group: summary.group ?? null,
    total_requests: summary.performance_summary.total_requests,
    success_rate: summary.performance_summary.success_rate,
    p50_ms: summary.latency_metrics.median_ms,
    p95_ms: summary.latency_metrics.p95_ms,
    p99_ms: summary.latency_metrics.p99_ms,
    started_at: summary.started_at,
    ended_at: summary.ended_at,
    duration_seconds: Number.isFinite(span.endMs - span.startMs)
      ? (span.endMs - span.startMs) / 1000
      : 0,
  };
}

/** HTTP targets: status codes and bytes summed, when every shard has them. */
function httpOf(shards: readonly ShardReport[]): HttpTraffic | undefined {
  if (!shards.every((s) => s.detailed.http)) return undefined;
  const traffic: HttpTraffic = { statusCodes: {}, bytesSent: 0, bytesReceived: 0 };
  for (const { detailed } of shards) {
    const http = detailed.http!;
    for (const [code, n] of Object.entries(http.status_codes)) {
      traffic.statusCodes[code] = (traffic.statusCodes[code] ?? 0) + n;
    }
    traffic.bytesSent += http.bytes_sent;
    traffic.bytesReceived += http.bytes_received;
  }
  return traffic;
}
