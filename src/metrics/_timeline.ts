import { LogLinearCounts } from './_log-linear.js';

/** Requests, failures and latency percentiles of one interval (1 s by default). */
export interface ThroughputPoint {
  /** Epoch seconds at the start of the interval. */
  timestamp: number;
  interval_seconds: number;
  requests: number;
  failures: number;
  throughput_rps: number;
  /** Percentiles of the interval's successful latencies (2 significant digits); 0 if none. */
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

/** Gaps longer than this many empty intervals are skipped rather than filled. */
const MAX_EMPTY_INTERVALS = 3600;

/**
 * Cuts the sample stream into fixed intervals as it goes. The current interval's latencies go
 * into a small 2-digit histogram; when an interval closes only its figures are kept, so
 * memory grows by one point per interval and never with the sample count.
 */
export class IntervalTimeline {
  readonly points: ThroughputPoint[] = [];
  private readonly latencies = new LogLinearCounts(2);
  private startMs = NaN;
  /** Samples stamped at or after this close the current interval. NaN until the first one. */
  endMs = NaN;
  private requests = 0;
  private failures = 0;

  constructor(readonly intervalMs = 1000) {}

  /** Starts the first interval at `startMs` (the run's start, or the first sample's). */
  begin(startMs: number): void {
    this.points.length = 0;
    this.startMs = startMs;
    this.endMs = startMs + this.intervalMs;
    this.requests = 0;
    this.failures = 0;
    this.latencies.reset();
  }

  get started(): boolean {
    return !Number.isNaN(this.startMs);
  }

  /** Counts one sample in the current interval (after `rollTo` for its timestamp). */
  count(latencyMs: number, success: boolean): void {
    this.requests++;
    if (success) this.latencies.recordMs(latencyMs);
    else this.failures++;
  }

  /** Closes every interval that ends at or before `timestampMs`. */
  rollTo(timestampMs: number): void {
    let empty = 0;
    while (timestampMs >= this.endMs) {
      if (this.requests === 0 && ++empty > MAX_EMPTY_INTERVALS) {
        const skip = Math.floor((timestampMs - this.startMs) / this.intervalMs);
        this.startMs += skip * this.intervalMs;
        this.endMs = this.startMs + this.intervalMs;
        break;
      }
      this.close(this.endMs);
    }
  }

  /** Closes the last, possibly partial, interval at `endMs`. */
  finish(endMs: number): void {
    if (!this.started) return;
    this.rollTo(endMs);
    if (this.requests > 0 && endMs > this.startMs) this.close(endMs);
  }

  private close(endMs: number): void {
    const seconds = (endMs - this.startMs) / 1000;
    const hasLatencies = this.latencies.totalCount > 0;
    this.points.push({
      timestamp: this.startMs / 1000,
      interval_seconds: seconds,
      requests: this.requests,
      failures: this.failures,
      throughput_rps: seconds > 0 ? this.requests / seconds : 0,
      p50_ms: hasLatencies ? this.latencies.percentileMs(50) : 0,
      p95_ms: hasLatencies ? this.latencies.percentileMs(95) : 0,
      p99_ms: hasLatencies ? this.latencies.percentileMs(99) : 0,
    });
    this.requests = 0;
    this.failures = 0;
    if (hasLatencies) this.latencies.reset();
    this.startMs = this.endMs;
    this.endMs = this.startMs + this.intervalMs;
  }
}
