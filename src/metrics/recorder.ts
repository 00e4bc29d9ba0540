/**
 * Where a measured call's outcome goes: the collector (the run's figures), the monitor's and
 * the dashboard's rolling windows, anything a library user writes. The load driver records
 * into a list of them; a collector passes what it records on to the recorders it forwards to.
 */
export interface Recorder {
  /**
   * Records one call's outcome: `flags` from `sampleFlags` (bit 1: success; 2: cache hit;
   * 4: cache miss; 8: answered by the fallback), `errorType` why a failed call
   * failed, `timestampMs` the call's end (epoch ms). On the hot path: a fixed amount of work,
   * no allocation, no I/O, no clock read.
   */
  record(
    latencyMs: number,
    flags: number,
    errorType: string | undefined,
    timestampMs: number,
  ): void;
  /**
   * Optional: records the batch's outcomes, in order — the same as `record` for each. The
   * load driver hands over the outcomes of back-to-back calls this way when a recorder has
   * it: a function call per sample, and a number boxed per argument, cost more than the
   * recording itself.
   */
  recordBatch?(batch: RecordBatch): void;
}

/** Consecutive outcomes as columns: entry `i < length` of each is one `record`'s arguments. */
export interface RecordBatch {
  readonly length: number;
  readonly latencyMs: Float64Array;
  readonly flags: Uint8Array;
  readonly errorType: ReadonlyArray<string | undefined>;
  readonly timestampMs: Float64Array;
}
