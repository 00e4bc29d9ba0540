import { LogLinearCounts } from './_log-linear.js';
import {
  FLAG_CACHE_HIT,
  FLAG_CACHE_MISS,
  FLAG_FALLBACK,
  FLAG_SUCCESS,
  SampleLog,
  type SampleColumns,
} from './_sample-log.js';
import { IntervalTimeline } from './_timeline.js';
import {
  NOT_THE_MODEL,
  SourceRecorder,
  exactLatencyBySource,
  histogramLatencyBySource,
} from './_answer-sources.js';
import {
  SEED_BINS,
  SUM_SCALE,
  binExact,
  binHistogram,
  exactPercentiles,
  histogramPercentiles,
  meanOfScaledSum,
} from './_latency-stats.js';
import { withinObserved } from './percentiles.js';
import { ResourceSampler, summarizeResources, type ResourcePoint } from './resources.js';
import type { AggregatedMetrics, SampleInput } from './types.js';
import type { RecordBatch, Recorder } from './recorder.js';

export interface CollectorOptions {
  /** Samples kept exactly (for numpy percentiles and samples.csv.gz). Default 1,000,000. */
  exactCap?: number;
  /** Sample CPU, memory and event-loop delay on a timer. Default true. */
  sampleResources?: boolean;
  /** Timeline interval. Default 1000 ms. */
  intervalMs?: number;
  /** Distinct error types counted by name; the rest count as `other`. Default 64. */
  maxErrorTypes?: number;
  /**
   * Gets each full chunk of the exact samples (65,536) as soon as it is final, with the
   * error type names so far (index 0 is "no error"): what lets samples.csv.gz be encoded
   * while a large file is still being read. The last, partial chunk is never passed.
   */
  onSamples?: (columns: SampleColumns, errorTypes: readonly string[]) => void;
}

/** Everything a recorder holds at the end of a run: what reports are built from. */
export interface RecordedRun {
  metrics: AggregatedMetrics;
  /** Successful latencies, µs, HdrHistogram layout (3 significant digits). */
  successHistogram: LogLinearCounts;
  failureHistogram: LogLinearCounts;
  /** Every sample, or null when the run outgrew the exact cap. */
  samples: SampleLog | null;
  /** Names of error codes in `samples.errorCode` (index 0 is "no error"). */
  errorTypes: readonly string[];
}

export const DEFAULT_EXACT_CAP = 1_000_000;

/**
 * The recorded run behind each finished `aggregatedMetrics`: the seed passes a collector's
 * aggregated metrics around (to reports, the analyzer, alerting), and a detailed report
 * needs the histograms and samples that came with them. Weak: nothing is kept alive here.
 */
const RECORDED_RUNS = new WeakMap<AggregatedMetrics, RecordedRun>();

/** The recorded run a collector's final `aggregatedMetrics` came from, if it is one. */
export function recordedRunOf(metrics: AggregatedMetrics): RecordedRun | undefined {
  return RECORDED_RUNS.get(metrics);
}

/** Turns a sample's outcome into the bit flags `record` takes. */
export function sampleFlags(success: boolean, cacheHit?: boolean, fallbackUsed?: boolean): number {
  return (
    (success ? FLAG_SUCCESS : 0) |
    (cacheHit === true ? FLAG_CACHE_HIT : cacheHit === false ? FLAG_CACHE_MISS : 0) |
    (fallbackUsed ? FLAG_FALLBACK : 0)
  );
}

/**
 * The recorder (the seed's `MetricsCollector`). `recordSample` does a fixed amount of work
 * and no allocation, I/O, clock read or resource probing: counters, two histogram bumps and
 * one row of typed arrays. Figures are computed once, by `endCollection()`.
 */
export class MetricsCollector implements Recorder {
  private readonly exactCap: number;
  private readonly onFullSamples: ((columns: SampleColumns) => void) | undefined;
  private readonly maxErrorTypes: number;
  private readonly sampler: ResourceSampler | undefined;
  private readonly timeline: IntervalTimeline;
  private log: SampleLog;
  private successHistogram = new LogLinearCounts(3);
  private failureHistogram = new LogLinearCounts(3);
  private errorTypes: string[] = [''];
  private errorCodes = new Map<string, number>();
  private errorCounts: number[] = [0];
  /** Successful calls the fallback answered, by why the workload did not (same codes). */
  private fallbackReasonCounts: number[] = [0];
  private total = 0;
  private failed = 0;
  private cacheHits = 0;
  private cacheMisses = 0;
  private fallbacks = 0;
  // Sums are scaled by SUM_SCALE (see _latency-stats.ts): huge latencies cannot overflow them.
  private successSum = 0;
  private successMin = Infinity;
  private successMax = -Infinity;
  private failureSum = 0;
  private failureMin = Infinity;
  private failureMax = -Infinity;
  private cacheAnswers = new SourceRecorder();
  private fallbackAnswers = new SourceRecorder();
  private startMs = NaN;
  private endMs = NaN;
  private collecting = false;
  private coarseNowMs = Date.now();
  private clockTimer: NodeJS.Timeout | undefined;
  private finished: AggregatedMetrics | undefined;
  /** Recorders that get every sample this one records (see `forwardTo`). */
  private forwards: Recorder[] = [];

  constructor(options: CollectorOptions = {}) {
    this.exactCap = options.exactCap ?? DEFAULT_EXACT_CAP;
    const onSamples = options.onSamples;
    this.onFullSamples = onSamples && ((columns) => onSamples(columns, this.errorTypes));
    this.maxErrorTypes = options.maxErrorTypes ?? 64;
    this.sampler = options.sampleResources === false ? undefined : new ResourceSampler();
    this.timeline = new IntervalTimeline(this.successHistogram, options.intervalMs ?? 1000);
    this.log = new SampleLog(this.exactCap, this.onFullSamples);
  }

  /**
   * Starts a collection: clears what was recorded, starts the resource sampler and the
   * coarse clock. `replay: true` is for samples read back from a file: the collection then
   * begins with its first sample, not now.
   */
  startCollection(options: { replay?: boolean } = {}): void {
    this.reset();
    this.collecting = true;
    if (!options.replay) {
      this.startMs = Date.now();
      this.timeline.begin(this.startMs);
    }
    this.sampler?.start();
    this.clockTimer = setInterval(() => (this.coarseNowMs = Date.now()), 100);
    this.clockTimer.unref();
  }

  /**
   * Takes the memory baseline now (the collector's creation took one): the workload's memory
   * is what the process holds above it. Call it before the workload's setup.
   */
  markResourceBaseline(): void {
    this.sampler?.markBaseline();
  }

  /** The runner gives the loop back after a stretch of calls (see `ResourceSampler`). */
  runnerYielding(longestCallMs: number): void {
    this.sampler?.runnerYielding(longestCallMs);
  }

  /** The runner resumes after giving the loop back. */
  runnerResumed(): void {
    this.sampler?.runnerResumed();
  }

  /** Records one call's outcome (the seed's `record_sample`). */
  recordSample(sample: SampleInput): void {
    this.record(
      sample.latencyMs,
      sampleFlags(sample.success, sample.cacheHit, sample.fallbackUsed),
      sample.errorType,
      sample.timestampMs ?? this.coarseNowMs,
    );
  }

  /**
   * The positional form of `recordSample` the runner uses: `flags` from `sampleFlags`,
   * `timestampMs` the call's end (epoch ms), which the runner already holds.
   */
  record(
    latencyMs: number,
    flags: number,
    errorType: string | undefined,
    timestampMs: number,
  ): void {
    if (!(latencyMs >= 0 && latencyMs < Infinity)) throw invalidLatency(latencyMs);
    if (!this.collecting) this.startLate(startOf(timestampMs, latencyMs));
    this.total++;
    let errorCode = 0;
    if ((flags & FLAG_SUCCESS) !== 0) {
      // The latency itself goes into the histogram through the timeline (below), once.
      this.successSum += latencyMs * SUM_SCALE;
      if (latencyMs < this.successMin) this.successMin = latencyMs;
      if (latencyMs > this.successMax) this.successMax = latencyMs;
      if ((flags & NOT_THE_MODEL) !== 0) {
        errorCode = this.recordNotTheModel(latencyMs, flags, errorType);
      }
    } else {
      errorCode = this.recordFailure(latencyMs, errorType);
    }
    if ((flags & FLAG_CACHE_HIT) !== 0) this.cacheHits++;
    else if ((flags & FLAG_CACHE_MISS) !== 0) this.cacheMisses++;
    if ((flags & FLAG_FALLBACK) !== 0) this.fallbacks++;
    if (timestampMs >= this.timeline.endMs) this.timeline.rollTo(timestampMs);
    else if (!this.timeline.started) this.timeline.begin(startOf(timestampMs, latencyMs));
    this.timeline.count(latencyMs, (flags & FLAG_SUCCESS) !== 0);
    if (this.log.length < this.exactCap) this.log.push(latencyMs, timestampMs, flags, errorCode);
    const forwards = this.forwards;
    for (let i = 0; i < forwards.length; i++) {
      forwards[i]!.record(latencyMs, flags, errorType, timestampMs);
    }
  }

  /**
   * `record` for each of the batch's outcomes, in order. Runs of plain successes (no cache,
   * no fallback, within the current timeline interval) are found, counted and summed in one
   * tight loop over the batch's arrays (the timeline's `countPlainSuccesses`); anything else
   * goes through `record`. The figures are the same as `record`'s one by one: the sums are
   * added in the same order.
   */
  recordBatch(batch: RecordBatch): void {
    const { length, latencyMs, flags, errorType, timestampMs } = batch;
    let i = 0;
    while (i < length) {
      // Watchers get each sample as it is recorded, and a collection starts on a sample.
      if (this.collecting && this.timeline.started && this.forwards.length === 0) {
        const timeline = this.timeline;
        const end = timeline.countPlainSuccesses(
          latencyMs,
          flags,
          timestampMs,
          i,
          length,
          this.successSum,
        );
        if (end > i) {
          this.total += end - i;
          this.successSum = timeline.runScaledSum;
          // The interval's fastest and slowest include the run's, and every other success
          // of the interval was already compared here: a minimum of minimums, the same one.
          if (timeline.intervalMin < this.successMin) this.successMin = timeline.intervalMin;
          if (timeline.intervalMax > this.successMax) this.successMax = timeline.intervalMax;
          const logged = Math.min(end, i + Math.max(0, this.exactCap - this.log.length));
          if (logged > i) this.log.pushRun(latencyMs, timestampMs, i, logged, FLAG_SUCCESS);
          i = end;
        }
      }
      if (i < length) {
        this.record(latencyMs[i]!, flags[i]!, errorType[i], timestampMs[i]!);
        i++;
      }
    }
  }

  /**
   * From now on, every sample this collector records — from the load driver, `record` or
   * `recordSample` — is also recorded into `recorder`, after this collector took it: the
   * monitor and the dashboard watch a collector's recent windows this way, whoever feeds it.
   * Returns what stops the forwarding. `reset` keeps it (it clears samples, not watchers).
   */
  forwardTo(recorder: Recorder): () => void {
    // A new array each time: a forward added or removed while a sample is being passed on
    // does not change the list being walked.
    this.forwards = [...this.forwards, recorder];
    let forwarding = true;
    return () => {
      if (!forwarding) return;
      forwarding = false;
      const at = this.forwards.indexOf(recorder);
      if (at >= 0) this.forwards = this.forwards.toSpliced(at, 1);
    };
  }

  /**
   * Ends the collection and computes the aggregate once. `window` overrides the start and
   * end (epoch ms; a start before the epoch is the epoch), for samples replayed from a file;
   * `timed: false` says they carry no time.
   */
  endCollection(window?: { startMs: number; endMs: number } | { timed: false }): AggregatedMetrics {
    if (this.finished) return this.finished;
    this.stopTimers();
    if (window && 'startMs' in window) {
      this.startMs = Math.max(0, window.startMs);
      this.endMs = window.endMs;
    } else if (!window) {
      this.endMs = Date.now();
    }
    const timed = !(window && 'timed' in window);
    if (timed) this.timeline.finish(this.endMs);
    else this.timeline.fold();
    this.finished = this.aggregate(timed);
    this.collecting = false;
    RECORDED_RUNS.set(this.finished, {
      metrics: this.finished,
      successHistogram: this.successHistogram,
      failureHistogram: this.failureHistogram,
      samples: this.log.length === this.total ? this.log : null,
      errorTypes: this.errorTypes,
    });
    return this.finished;
  }

  /** The aggregate: final after `endCollection()`, a live computation before it. */
  get aggregatedMetrics(): AggregatedMetrics {
    return this.finished ?? this.aggregate(true, Date.now());
  }

  /** A cheap live snapshot for dashboards and progress lines (histogram percentiles). */
  getCurrentMetrics(): CurrentMetrics {
    const nowMs = this.finished ? this.endMs : Date.now();
    const elapsedSeconds = Number.isNaN(this.startMs)
      ? 0
      : Math.max(0, nowMs - this.startMs) / 1000;
    const successes = this.total - this.failed;
    const live = this.timeline.liveRunLatencies();
    const at = (p: number) =>
      withinObserved(live.percentileMs(p), this.successMin, this.successMax);
    return {
      timestamp: nowMs / 1000,
      elapsed_seconds: elapsedSeconds,
      total_samples: this.total,
      success_rate: this.total ? successes / this.total : 0,
      error_rate: this.total ? this.failed / this.total : 0,
      requests_per_second: elapsedSeconds > 0 ? this.total / elapsedSeconds : 0,
      latency_avg: meanOfScaledSum(this.successSum, successes, this.successMax),
      latency_p50: at(50),
      latency_p95: at(95),
      latency_p99: at(99),
      cache_hit_rate: rate(this.cacheHits, this.cacheHits + this.cacheMisses),
      fallback_rate: rate(this.fallbacks, this.total),
      latest_resources: this.sampler?.points.at(-1) ?? null,
    };
  }

  /** The most frequent error type of the failed calls so far, or null without failures. */
  topError(): { type: string; count: number } | null {
    let top: { type: string; count: number } | null = null;
    for (let code = 1; code < this.errorTypes.length; code++) {
      const count = this.errorCounts[code]!;
      if (count > 0 && (top === null || count > top.count)) {
        top = { type: this.errorTypes[code]!, count };
      }
    }
    return top;
  }

  /** What reports are built from. Call after `endCollection()`. */
  recorded(): RecordedRun {
    return RECORDED_RUNS.get(this.endCollection())!;
  }

  /** Forgets everything recorded (the seed's `reset`). */
  reset(): void {
    this.stopTimers();
    this.log = new SampleLog(this.exactCap, this.onFullSamples);
    this.successHistogram = new LogLinearCounts(3);
    this.failureHistogram = new LogLinearCounts(3);
    this.errorTypes = [''];
    this.errorCodes.clear();
    this.errorCounts = [0];
    this.fallbackReasonCounts = [0];
    this.total = this.failed = this.cacheHits = this.cacheMisses = this.fallbacks = 0;
    this.successSum = this.failureSum = 0;
    this.successMin = this.failureMin = Infinity;
    this.successMax = this.failureMax = -Infinity;
    this.cacheAnswers = new SourceRecorder();
    this.fallbackAnswers = new SourceRecorder();
    this.startMs = this.endMs = NaN;
    this.timeline.reset(this.successHistogram);
    this.collecting = false;
    this.finished = undefined;
  }

  // Rare path: an answer from the cache or the fallback, counted apart from the model's; a
  // fallback's reason (why the workload itself did not answer) is kept with the sample.
  private recordNotTheModel(latencyMs: number, flags: number, reason: string | undefined): number {
    if ((flags & FLAG_FALLBACK) === 0) {
      this.cacheAnswers.record(latencyMs);
      return 0;
    }
    this.fallbackAnswers.record(latencyMs);
    if (!reason) return 0;
    const code = this.errorCodes.get(reason) ?? this.newErrorCode(reason);
    this.fallbackReasonCounts[code]!++;
    return code;
  }

  // Rare path: a failure's latency, and its error type folded into a bounded table.
  private recordFailure(latencyMs: number, errorType: string | undefined): number {
    this.failed++;
    this.failureHistogram.recordMs(latencyMs);
    this.failureSum += latencyMs * SUM_SCALE;
    if (latencyMs < this.failureMin) this.failureMin = latencyMs;
    if (latencyMs > this.failureMax) this.failureMax = latencyMs;
    const name = errorType || 'unknown';
    const code = this.errorCodes.get(name) ?? this.newErrorCode(name);
    this.errorCounts[code]!++;
    return code;
  }

  private newErrorCode(name: string): number {
    const folded = this.errorTypes.length > this.maxErrorTypes ? 'other' : name;
    const existing = this.errorCodes.get(folded);
    if (existing !== undefined) return existing;
    this.errorTypes.push(folded);
    this.errorCounts.push(0);
    this.fallbackReasonCounts.push(0);
    this.errorCodes.set(folded, this.errorTypes.length - 1);
    return this.errorTypes.length - 1;
  }

  private startLate(startMs: number): void {
    if (this.finished) {
      throw new Error('recordSample after endCollection(): call startCollection() to begin anew');
    }
    this.startCollection({ replay: true });
    this.startMs = startMs;
  }

  private stopTimers(): void {
    this.sampler?.stop();
    if (this.clockTimer) clearInterval(this.clockTimer);
    this.clockTimer = undefined;
  }

  private aggregate(timed: boolean, liveEndMs?: number): AggregatedMetrics {
    const endMs = liveEndMs ?? this.endMs;
    const successful = this.total - this.failed;
    const exact = this.log.length === this.total;
    const successHistogram =
      liveEndMs === undefined ? this.successHistogram : this.timeline.liveRunLatencies();
    const successLatencies = exact ? this.log.ascending(true) : undefined;
    const successPercentiles = successLatencies && exactPercentiles(successLatencies);
    const failureLatencies = exact && this.failed > 0 ? this.log.ascending(false) : undefined;
    const durationSeconds = timed && endMs > this.startMs ? (endMs - this.startMs) / 1000 : 0;
    const errorCounts: Record<string, number> = {};
    const fallbackReasons: Record<string, number> = {};
    for (let code = 1; code < this.errorTypes.length; code++) {
      const name = this.errorTypes[code]!;
      if (this.errorCounts[code]! > 0) errorCounts[name] = this.errorCounts[code]!;
      if (this.fallbackReasonCounts[code]! > 0)
        fallbackReasons[name] = this.fallbackReasonCounts[code]!;
    }
    const resourceTimeline = this.sampler ? [...this.sampler.points] : [];
    return {
      totalSamples: this.total,
      successfulSamples: successful,
      failedSamples: this.failed,
      startTime: this.startMs / 1000,
      endTime: endMs / 1000,
      durationSeconds,
      requestsPerSecond: !timed ? null : durationSeconds > 0 ? this.total / durationSeconds : 0,
      latencyPercentiles:
        successPercentiles ??
        histogramPercentiles(successHistogram, {
          scaledSum: this.successSum,
          min: this.successMin,
          max: this.successMax,
        }),
      latencyBySource: successLatencies
        ? exactLatencyBySource(this.log, successLatencies, {
            answered: {
              model: successful - this.cacheAnswers.count - this.fallbackAnswers.count,
              cache: this.cacheAnswers.count,
              fallback: this.fallbackAnswers.count,
            },
            successPercentiles,
          })
        : histogramLatencyBySource(
            successHistogram,
            {
              count: successful,
              scaledSum: this.successSum,
              min: this.successMin,
              max: this.successMax,
            },
            this.cacheAnswers,
            this.fallbackAnswers,
          ),
      failedLatencyPercentiles:
        this.failed === 0
          ? null
          : failureLatencies
            ? exactPercentiles(failureLatencies)
            : histogramPercentiles(this.failureHistogram, {
                scaledSum: this.failureSum,
                min: this.failureMin,
                max: this.failureMax,
              }),
      percentileMethod: exact ? 'exact_linear' : 'hdr_histogram',
      cacheHits: this.cacheHits,
      cacheMisses: this.cacheMisses,
      fallbackUses: this.fallbacks,
      errorCounts,
      fallbackReasons,
      successRate: rate(successful, this.total),
      errorRate: rate(this.failed, this.total),
      cacheHitRate: rate(this.cacheHits, this.cacheHits + this.cacheMisses),
      fallbackRate: rate(this.fallbacks, this.total),
      latencyDistribution: {
        bins: [...SEED_BINS],
        counts: successLatencies ? binExact(successLatencies) : binHistogram(successHistogram),
      },
      throughputTimeline: timed ? [...this.timeline.points] : [],
      resourceTimeline,
      resources: this.sampler
        ? summarizeResources(resourceTimeline, this.sampler.memoryReference)
        : null,
    };
  }
}

/** A live view of a collector, in the seed's dashboard keys. */
export interface CurrentMetrics {
  timestamp: number;
  elapsed_seconds: number;
  total_samples: number;
  success_rate: number;
  error_rate: number;
  requests_per_second: number;
  latency_avg: number;
  latency_p50: number;
  latency_p95: number;
  latency_p99: number;
  cache_hit_rate: number;
  fallback_rate: number;
  latest_resources: ResourcePoint | null;
}

/**
 * When a call started: its end less its latency, but never before the epoch — a latency
 * longer than the time since 1970 (1e300 ms from a file) would start the run, its timeline
 * and its dates at times no report can hold.
 */
function startOf(endMs: number, latencyMs: number): number {
  return Math.max(0, endMs - latencyMs);
}

function rate(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

function invalidLatency(latencyMs: number): TypeError {
  return new TypeError(`latencyMs must be a finite number ≥ 0, got ${String(latencyMs)}`);
}

/**
 * A collector kept for the life of the module: it keeps the layouts of the collector and its
 * parts (histograms, timeline, sample log, resource sampler) known to V8 between runs, and
 * with them the optimized code of the recording loops (see `KEPT_LAYOUTS` in
 * load/driver.ts). It records two samples from a file's point of view (no clock, no timer
 * left running), so its fields hold what a finished run's hold — V8 widens a field's layout
 * the first time it holds a fraction or an object, and a layout no object has is forgotten.
 * Its histograms' pages are barely written, so they take next to no memory.
 */
export const KEPT_COLLECTOR = finishedCollector();

function finishedCollector(): MetricsCollector {
  const collector = new MetricsCollector({ exactCap: 2 });
  collector.record(0.5, FLAG_SUCCESS, undefined, 1000.5);
  collector.record(1.5, 0, 'timeout', 1001.5);
  collector.endCollection({ startMs: 999.5, endMs: 1002.5 });
  return collector;
}
