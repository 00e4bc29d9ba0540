import {
  FLAG_CACHE_HIT,
  FLAG_CACHE_MISS,
  FLAG_FALLBACK,
  FLAG_SUCCESS,
  LogLinearCounts,
  withinObserved,
  type Recorder,
} from '../metrics/index.js';
import {
  CACHE_HITS,
  CACHE_MISSES,
  FAILURES,
  FALLBACKS,
  FIXED_FIELDS,
  REQUESTS,
  SUCCESS_MAX,
  SUCCESS_MIN,
  SUCCESS_SUM,
  SlotRing,
  clearRow,
  mergeRow,
} from './_ring.js';

/**
 * Rolling windows (last 1 m, 5 m, 1 h… and since start) built from interval histograms.
 *
 * Samples land in the current *fine* slot (5 s by default): a few counters and one bump of a
 * 2-significant-digit histogram (26 KB; 3 digits would be 188 KB a slot). `advance(now)`,
 * called from the monitor's tick, closes slots; every closed fine slot is folded into the
 * current *coarse* slot (1 min). Rings keep 72 fine slots with histograms (6 min), 60 coarse
 * histograms (1 h) and 4,320 coarse counter rows (3 days, for burn-rate windows), so memory
 * is fixed at construction whatever the run length, and nothing is kept per sample.
 * The hot path reads no clock: a sample belongs to the slot that is open when it arrives.
 */

export interface WindowOptions {
  /** Fine slot length. Default 5,000 ms. */
  fineMs?: number;
  /** Closed fine slots kept (with histograms). Default 72 (6 min at 5 s). */
  fineSlots?: number;
  /** Coarse slot length, a multiple of `fineMs`. Default 60,000 ms. */
  coarseMs?: number;
  /** Coarse slots kept with histograms. Default 60 (1 h). */
  coarseHistogramSlots?: number;
  /** Coarse slots kept as counters only. Default 4,320 (3 days). */
  coarseCounterSlots?: number;
  /** Latencies above these (ms) are counted per slot as bad events (latency SLOs). */
  latencyThresholdsMs?: readonly number[];
}

/** The figures of one window. Rates are 0 when the window holds no request. */
export interface WindowFigures {
  /** The span the figures cover (≤ the window asked for early in a run). */
  span_seconds: number;
  requests: number;
  failures: number;
  cache_hits: number;
  cache_misses: number;
  fallbacks: number;
  success_rate: number;
  error_rate: number;
  requests_per_second: number;
  cache_hit_rate: number;
  fallback_rate: number;
  latency_avg: number;
  /**
   * Percentiles of successful latencies (2 significant digits, kept within `latency_min` and
   * `latency_max`); null beyond 1 h windows.
   */
  latency_p50: number | null;
  latency_p90: number | null;
  latency_p95: number | null;
  latency_p99: number | null;
  latency_p999: number | null;
  latency_max: number;
  /** Fastest successful latency; 0 when the window holds none. */
  latency_min: number;
  /** Requests that failed or took longer than each latency threshold, in threshold order. */
  bad: number[];
}

/** One point of the recent history (one per closed fine slot), for sparklines and charts. */
export interface HistoryPoint {
  /** Epoch ms at the end of the slot. */
  t: number;
  requests_per_second: number;
  error_rate: number;
  p50: number;
  p95: number;
  p99: number;
}

const HISTORY_POINTS = 360;

export class RollingWindows implements Recorder {
  readonly fineMs: number;
  readonly coarseMs: number;
  readonly thresholdsMs: readonly number[];
  private readonly fields: number;
  private readonly finePerCoarse: number;
  private readonly fine: SlotRing;
  /** The open coarse slot accumulates the fine slots closed since it opened. */
  private readonly coarse: SlotRing;
  private readonly totalCounters: Float64Array;
  private readonly totalHistogram = new LogLinearCounts(2);
  private readonly scratchCounters: Float64Array;
  private readonly scratchHistogram = new LogLinearCounts(2);
  /** Where the hot path writes: the open fine slot. */
  private current: Float64Array;
  private currentHistogram: LogLinearCounts;
  private startMs = NaN;
  readonly history: HistoryPoint[] = [];

  constructor(options: WindowOptions = {}) {
    this.fineMs = options.fineMs ?? 5000;
    this.coarseMs = options.coarseMs ?? 60_000;
    if (this.coarseMs % this.fineMs !== 0) {
      throw new RangeError('coarseMs must be a multiple of fineMs');
    }
    this.finePerCoarse = this.coarseMs / this.fineMs;
    this.thresholdsMs = [...(options.latencyThresholdsMs ?? [])];
    this.fields = FIXED_FIELDS + this.thresholdsMs.length;
    const fineSlots = options.fineSlots ?? 72;
    this.fine = new SlotRing(this.fields, fineSlots, fineSlots);
    this.coarse = new SlotRing(
      this.fields,
      options.coarseCounterSlots ?? 4320,
      options.coarseHistogramSlots ?? 60,
    );
    this.totalCounters = new Float64Array(this.fields);
    clearRow(this.totalCounters);
    this.scratchCounters = new Float64Array(this.fields);
    this.current = this.fine.openRow();
    this.currentHistogram = this.fine.openHistogram();
  }

  get started(): boolean {
    return !Number.isNaN(this.startMs);
  }

  /** Starts the first slot at `nowMs`. Samples recorded before start go into it too. */
  start(nowMs: number): void {
    if (!this.started) this.startMs = nowMs;
  }

  /**
   * Hot path: counters and one histogram bump, no allocation, no clock. The sample's time is
   * not read: it belongs to the slot open when it arrives.
   */
  record(latencyMs: number, flags: number): void {
    const c = this.current;
    c[REQUESTS]!++;
    if ((flags & FLAG_SUCCESS) !== 0) {
      c[SUCCESS_SUM]! += latencyMs;
      if (latencyMs > c[SUCCESS_MAX]!) c[SUCCESS_MAX] = latencyMs;
      if (latencyMs < c[SUCCESS_MIN]!) c[SUCCESS_MIN] = latencyMs;
      this.currentHistogram.recordMs(latencyMs);
      for (let i = 0; i < this.thresholdsMs.length; i++) {
        if (latencyMs > this.thresholdsMs[i]!) c[FIXED_FIELDS + i]!++;
      }
    } else {
      c[FAILURES]!++;
      for (let i = FIXED_FIELDS; i < this.fields; i++) c[i]!++;
    }
    if ((flags & FLAG_CACHE_HIT) !== 0) c[CACHE_HITS]!++;
    else if ((flags & FLAG_CACHE_MISS) !== 0) c[CACHE_MISSES]!++;
    if ((flags & FLAG_FALLBACK) !== 0) c[FALLBACKS]!++;
  }

  /** Closes every slot that ended at or before `nowMs`. Long gaps are skipped, not looped. */
  advance(nowMs: number): void {
    if (!this.started) this.start(nowMs);
    const due = Math.floor((nowMs - this.startMs) / this.fineMs) - this.fine.closed;
    if (due <= 0) return;
    // Past a full coarse ring every slot would be overwritten anyway: jump over the gap.
    if (due > (this.coarse.capacity + 1) * this.finePerCoarse) {
      this.closeFine(); // keeps what the open slot holds in the totals
      const fineClosed = this.fine.closed + due - 1;
      this.fine.clear(fineClosed);
      this.coarse.clear(Math.floor(fineClosed / this.finePerCoarse));
      this.current = this.fine.openRow();
      this.currentHistogram = this.fine.openHistogram();
      return;
    }
    for (let i = 0; i < due; i++) this.closeFine();
  }

  /**
   * Figures for the last `windowMs`: the open slot and the closed slots before it that the
   * window reaches. Slot-aligned: a window within the fine ring (6 min) covers up to one fine
   * slot more, a longer one up to one coarse slot (1 min) more. `latencies: false` skips the
   * histogram (burn-rate rules only count).
   */
  window(windowMs: number, nowMs: number, latencies = true): WindowFigures {
    const counters = this.scratchCounters;
    clearRow(counters);
    const histogram = latencies ? this.scratchHistogram : null;
    histogram?.reset();
    const elapsed = this.started ? Math.max(0, nowMs - this.startMs) : 0;
    const partialFine = Math.max(0, nowMs - (this.startMs + this.fine.closed * this.fineMs));
    mergeRow(counters, this.current);
    histogram?.add(this.currentHistogram);
    let spanMs: number;
    let withHistogram = latencies;
    if (windowMs <= this.fine.capacity * this.fineMs) {
      const n = Math.min(
        Math.ceil(Math.max(0, windowMs - partialFine) / this.fineMs),
        this.fine.capacity,
      );
      this.fine.addClosed(n, counters, histogram);
      spanMs = partialFine + n * this.fineMs;
    } else {
      mergeRow(counters, this.coarse.openRow());
      histogram?.add(this.coarse.openHistogram());
      const partial = partialFine + (this.fine.closed % this.finePerCoarse) * this.fineMs;
      const n = Math.min(
        Math.ceil(Math.max(0, windowMs - partial) / this.coarseMs),
        this.coarse.capacity,
      );
      withHistogram = latencies && n <= this.coarse.histogramCapacity;
      this.coarse.addClosed(n, counters, withHistogram ? histogram : null);
      spanMs = partial + n * this.coarseMs;
    }
    return figures(counters, withHistogram ? histogram : null, Math.min(spanMs, elapsed));
  }

  /** Figures since the first slot began. */
  sinceStart(nowMs: number): WindowFigures {
    const counters = this.scratchCounters;
    counters.set(this.totalCounters);
    mergeRow(counters, this.current);
    const histogram = this.scratchHistogram;
    histogram.reset();
    histogram.add(this.totalHistogram);
    histogram.add(this.currentHistogram);
    const elapsed = this.started ? Math.max(0, nowMs - this.startMs) : 0;
    return figures(counters, histogram, elapsed);
  }

  private closeFine(): void {
    const row = this.current;
    const histogram = this.currentHistogram;
    this.pushHistory(row, histogram);
    // Fold into the open coarse slot and the run's totals.
    mergeRow(this.coarse.openRow(), row);
    this.coarse.openHistogram().add(histogram);
    mergeRow(this.totalCounters, row);
    this.totalHistogram.add(histogram);
    this.fine.close();
    if (this.fine.closed % this.finePerCoarse === 0) this.coarse.close();
    this.current = this.fine.openRow();
    this.currentHistogram = this.fine.openHistogram();
  }

  private pushHistory(row: Float64Array, histogram: LogLinearCounts): void {
    const requests = row[REQUESTS]!;
    const seconds = this.fineMs / 1000;
    this.history.push({
      t: this.startMs + (this.fine.closed + 1) * this.fineMs,
      requests_per_second: requests / seconds,
      error_rate: requests ? row[FAILURES]! / requests : 0,
      p50: withinObserved(histogram.percentileMs(50), row[SUCCESS_MIN]!, row[SUCCESS_MAX]!),
      p95: withinObserved(histogram.percentileMs(95), row[SUCCESS_MIN]!, row[SUCCESS_MAX]!),
      p99: withinObserved(histogram.percentileMs(99), row[SUCCESS_MIN]!, row[SUCCESS_MAX]!),
    });
    if (this.history.length > HISTORY_POINTS) this.history.shift();
  }
}

function figures(
  c: Float64Array,
  histogram: LogLinearCounts | null,
  spanMs: number,
): WindowFigures {
  const requests = c[REQUESTS]!;
  const failures = c[FAILURES]!;
  const successes = requests - failures;
  const cacheLookups = c[CACHE_HITS]! + c[CACHE_MISSES]!;
  const min = c[SUCCESS_MIN]!;
  const max = c[SUCCESS_MAX]!;
  const q = histogram ? percentilesMs(histogram, min, max) : null;
  return {
    span_seconds: spanMs / 1000,
    requests,
    failures,
    cache_hits: c[CACHE_HITS]!,
    cache_misses: c[CACHE_MISSES]!,
    fallbacks: c[FALLBACKS]!,
    success_rate: requests ? successes / requests : 0,
    error_rate: requests ? failures / requests : 0,
    requests_per_second: spanMs > 0 ? requests / (spanMs / 1000) : 0,
    cache_hit_rate: cacheLookups ? c[CACHE_HITS]! / cacheLookups : 0,
    fallback_rate: requests ? c[FALLBACKS]! / requests : 0,
    latency_avg: successes ? c[SUCCESS_SUM]! / successes : 0,
    latency_p50: q && q[0]!,
    latency_p90: q && q[1]!,
    latency_p95: q && q[2]!,
    latency_p99: q && q[3]!,
    latency_p999: q && q[4]!,
    latency_max: max,
    latency_min: successes ? min : 0,
    bad: Array.from(c.subarray(FIXED_FIELDS)),
  };
}

const QUANTILES = [50, 90, 95, 99, 99.9];
const quantileScratch = new Float64Array(QUANTILES.length);

/**
 * The five reported percentiles in one pass over the buckets (HdrHistogram's rule, as
 * `percentileMs`: the highest equivalent value of the first bucket reaching the rank), kept
 * within the window's fastest and slowest success.
 */
function percentilesMs(histogram: LogLinearCounts, min: number, max: number): Float64Array {
  const out = quantileScratch;
  out.fill(0);
  const total = histogram.totalCount;
  if (total === 0) return out;
  const counts = histogram.counts;
  let next = 0;
  let wanted = Math.max(1, Math.ceil((QUANTILES[0]! / 100) * total));
  let seen = 0;
  for (let i = 0; i < counts.length && next < QUANTILES.length; i++) {
    seen += counts[i]!;
    while (next < QUANTILES.length && seen >= wanted) {
      out[next] = withinObserved(histogram.highestEquivalentMicros(i) / 1000, min, max);
      next++;
      if (next < QUANTILES.length)
        wanted = Math.max(1, Math.ceil((QUANTILES[next]! / 100) * total));
    }
  }
  return out;
}
