/**
 * Every sample, exactly, in arrival order, up to a cap (1,000,000 by default): what numpy
 * percentiles, `samples.csv.gz` and the comparison statistics are computed from. Columnar
 * typed arrays in fixed chunks of 65,536 samples (19 bytes a sample): a small run stays
 * small, and growing never copies — copying doubling arrays and the garbage they leave cost
 * more than the rest of `record` together (bench/record.bench.ts). Past the cap it stops
 * growing; the histograms carry on.
 */
import { FLAG_SUCCESS } from './flags.js';
import {
  SORT_BY_OURS_FROM,
  decimalGridOf,
  sortAscending,
  withoutValues,
  writeOut,
  type DecimalGrid,
} from './_sort.js';

export { FLAG_SUCCESS, FLAG_CACHE_HIT, FLAG_CACHE_MISS, FLAG_FALLBACK } from './flags.js';

const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;

interface Chunk {
  latencyMs: Float64Array;
  timestampMs: Float64Array;
  flags: Uint8Array;
  errorCode: Uint16Array;
}

/**
 * `shared`: on SharedArrayBuffers, for a log whose chunks go to another thread as they fill
 * (`onFull`: the samples worker). Posted to a worker, a typed array is copied — some 25 ms
 * on the recording thread for a million samples, and a copy again on the worker's side —
 * a shared one is not; a chunk is final once handed on, so nothing writes it after.
 */
function newChunk(size: number, shared: boolean): Chunk {
  const Memory = shared ? SharedArrayBuffer : ArrayBuffer;
  return {
    latencyMs: new Float64Array(new Memory(size * 8)),
    timestampMs: new Float64Array(new Memory(size * 8)),
    flags: new Uint8Array(new Memory(size)),
    errorCode: new Uint16Array(new Memory(size * 2)),
  };
}

/** A run of consecutive samples as column views (see `SampleLog.chunkColumns`). */
export interface SampleColumns {
  length: number;
  latencyMs: Float64Array;
  timestampMs: Float64Array;
  /** FLAG_* bits. */
  flags: Uint8Array;
  /** Index into the run's error type names; 0 is none. */
  errorCode: Uint16Array;
}

export class SampleLog {
  readonly cap: number;
  length = 0;
  /** How many of the samples have the success flag. */
  private successes = 0;
  private readonly chunks: Chunk[] = [];
  // The chunk being filled, and the next free slot in it: the hot path touches only these.
  private current: Chunk;
  private free = 0;
  /**
   * `ascending`'s latencies (failures, successes), sorted or on their decimal grid, and the
   * log's length when each was.
   */
  private sorted: [Float64Array | DecimalGrid | undefined, Float64Array | DecimalGrid | undefined] =
    [undefined, undefined];
  private readonly sortedLength = [-1, -1];
  /** Whether the chunks are on SharedArrayBuffers (see `newChunk`). */
  private readonly shared: boolean;
  /** Latencies gathered but not yet asked for (see `latenciesWhere`), and the log's length then. */
  private gathered: [Float64Array | undefined, Float64Array | undefined] = [undefined, undefined];
  private readonly gatheredLength = [-1, -1];

  /**
   * `onFull` gets each chunk of 65,536 samples once it is full — final, never written again —
   * so a consumer can encode the samples while the rest are still being recorded.
   */
  constructor(
    cap: number,
    private readonly onFull?: (columns: SampleColumns) => void,
  ) {
    this.cap = cap;
    this.shared = onFull !== undefined;
    this.current = newChunk(Math.max(1, Math.min(1024, cap)), this.shared);
    this.chunks.push(this.current);
  }

  get full(): boolean {
    return this.length >= this.cap;
  }

  /** Appends a sample; the caller checks `full` first. */
  push(latencyMs: number, timestampMs: number, flags: number, errorCode: number): void {
    if (this.free === this.current.flags.length) this.addChunk();
    const chunk = this.current;
    const i = this.free++;
    chunk.latencyMs[i] = latencyMs;
    chunk.timestampMs[i] = timestampMs;
    chunk.flags[i] = flags;
    chunk.errorCode[i] = errorCode;
    this.length++;
    this.successes += flags & FLAG_SUCCESS;
  }

  /**
   * Appends `latencyMs[from..to)` and `timestampMs[from..to)` with the same flags and no
   * error, as block copies; the caller checks there is room below the cap.
   */
  pushRun(
    latencyMs: Float64Array,
    timestampMs: Float64Array,
    from: number,
    to: number,
    flags: number,
  ): void {
    let i = from;
    while (i < to) {
      if (this.free === this.current.flags.length) this.addChunk();
      const chunk = this.current;
      const at = this.free;
      const n = Math.min(to - i, chunk.flags.length - at);
      chunk.latencyMs.set(latencyMs.subarray(i, i + n), at);
      chunk.timestampMs.set(timestampMs.subarray(i, i + n), at);
      chunk.flags.fill(flags, at, at + n);
      chunk.errorCode.fill(0, at, at + n);
      this.free = at + n;
      this.length += n;
      this.successes += (flags & FLAG_SUCCESS) * n;
      i += n;
    }
  }

  latencyAt(index: number): number {
    return this.chunks[index >>> CHUNK_BITS]!.latencyMs[index & CHUNK_MASK]!;
  }

  timestampAt(index: number): number {
    return this.chunks[index >>> CHUNK_BITS]!.timestampMs[index & CHUNK_MASK]!;
  }

  flagsAt(index: number): number {
    return this.chunks[index >>> CHUNK_BITS]!.flags[index & CHUNK_MASK]!;
  }

  errorCodeAt(index: number): number {
    return this.chunks[index >>> CHUNK_BITS]!.errorCode[index & CHUNK_MASK]!;
  }

  /**
   * The samples as columns, one set of views per chunk (no copy): what a columnar file
   * (samples.arrow) is written from, a batch per chunk.
   */
  chunkColumns(): SampleColumns[] {
    const columns: SampleColumns[] = [];
    let left = this.length;
    for (const chunk of this.chunks) {
      if (left === 0) break;
      const n = Math.min(left, chunk.flags.length);
      columns.push({
        length: n,
        latencyMs: chunk.latencyMs.subarray(0, n),
        timestampMs: chunk.timestampMs.subarray(0, n),
        flags: chunk.flags.subarray(0, n),
        errorCode: chunk.errorCode.subarray(0, n),
      });
      left -= n;
    }
    return columns;
  }

  /**
   * Latencies of the samples whose success flag equals `success`, ascending: a new array
   * the caller may keep or change. Sorted once per length of the log (the run's figures,
   * its comparison and its report all ask), each caller gets its own copy.
   */
  sortedLatencies(success: boolean): Float64Array {
    return this.sortedView(success).slice();
  }

  /**
   * `sortedLatencies` without the copy, for readers that only read it; valid until the next
   * `push` or `clear`.
   */
  sortedView(success: boolean): Float64Array {
    const slot = success ? 1 : 0;
    const ascending = this.ascending(success);
    if (ascending instanceof Float64Array) return ascending;
    const sorted = new Float64Array(ascending.length);
    writeOut(ascending, sorted);
    this.sorted[slot] = sorted;
    return sorted;
  }

  /**
   * The latencies of the samples whose success flag equals `success`, ascending, for the
   * figures of a run (percentiles, mean, bins: the same from either form): counted on their
   * decimal grid where the log holds them when they are on one (a file's usually are), else
   * gathered and sorted. Counted where they are, a million latencies are never copied out
   * of the log nor written out in order — two passes over 8 MB each — unless something asks
   * for the array (`sortedView`).
   */
  ascending(success: boolean): Float64Array | DecimalGrid {
    const slot = success ? 1 : 0;
    const cached = this.sorted[slot];
    if (cached !== undefined && this.sortedLength[slot] === this.length) return cached;
    const count = success ? this.successes : this.length - this.successes;
    const grid = count >= SORT_BY_OURS_FROM ? this.decimalGrid(success, count) : undefined;
    const ascending = grid ?? sortAscending(this.latenciesWhere(success));
    this.sorted[slot] = ascending;
    this.sortedLength[slot] = this.length;
    return ascending;
  }

  /**
   * The grid of the latencies of one outcome: that of every latency, less the other
   * outcome's (a run's few failures), which are kept for their own figures.
   */
  private decimalGrid(success: boolean, count: number): DecimalGrid | undefined {
    const columns = this.chunkColumns();
    const every = decimalGridOf(
      columns.map((column) => column.latencyMs),
      this.length,
    );
    if (every === undefined || count === this.length) return every;
    const others = new Float64Array(this.length - count);
    let at = 0;
    for (const { latencyMs, flags } of columns) {
      at = gather(latencyMs, flags, success ? 0 : FLAG_SUCCESS, others, at);
    }
    const slot = success ? 0 : 1;
    this.gathered[slot] = others;
    this.gatheredLength[slot] = this.length;
    return withoutValues(every, others);
  }

  /**
   * Latencies of the samples whose success flag equals `success`, in arrival order. When
   * some samples failed, the successes and the failures are gathered in the same read of the
   * log, and the other outcome's kept for the next call (a run's figures sort both, one after
   * the other): a read each took twice the time.
   */
  private latenciesWhere(success: boolean): Float64Array {
    const slot = success ? 1 : 0;
    const gathered = this.gathered[slot];
    this.gathered[slot] = undefined;
    if (gathered !== undefined && this.gatheredLength[slot] === this.length) return gathered;
    if (this.successes === this.length || this.successes === 0) {
      // Every sample has the same outcome (a run without failures): block copies.
      if (this.successes > 0 !== success) return new Float64Array(0);
      const all = new Float64Array(this.length);
      let j = 0;
      for (const { latencyMs } of this.chunkColumns()) {
        all.set(latencyMs, j);
        j += latencyMs.length;
      }
      return all;
    }
    const successes = new Float64Array(this.successes);
    const failures = new Float64Array(this.length - this.successes);
    let s = 0;
    let f = 0;
    for (const { latencyMs, flags } of this.chunkColumns()) {
      const ends = partition(latencyMs, flags, successes, s, failures, f);
      s = ends.successes;
      f = ends.failures;
    }
    this.gathered[1 - slot] = success ? failures : successes;
    this.gatheredLength[1 - slot] = this.length;
    return success ? successes : failures;
  }

  clear(): void {
    this.sorted = [undefined, undefined];
    this.gathered = [undefined, undefined];
    this.length = 0;
    this.successes = 0;
    this.free = 0;
    this.current = this.chunks[0]!;
    this.chunks.length = 1;
  }

  // The rare path. The first chunk starts small and doubles up to a full chunk (a small run
  // stays small); after that a new full-sized chunk every 65,536 samples, nothing copied.
  private addChunk(): void {
    const first = this.chunks.length === 1 && this.current.flags.length < CHUNK_SIZE;
    if (first) {
      const grown = newChunk(
        Math.min(CHUNK_SIZE, this.cap, this.current.flags.length * 2),
        this.shared,
      );
      grown.latencyMs.set(this.current.latencyMs);
      grown.timestampMs.set(this.current.timestampMs);
      grown.flags.set(this.current.flags);
      grown.errorCode.set(this.current.errorCode);
      this.chunks[0] = this.current = grown;
      return;
    }
    const full = this.current;
    this.onFull?.({ length: full.flags.length, ...full });
    this.current = newChunk(Math.max(1, Math.min(CHUNK_SIZE, this.cap - this.length)), this.shared);
    this.chunks.push(this.current);
    this.free = 0;
  }
}

/** Shorter runs of successes are copied value by value, longer ones as a block. */
const BLOCK_FROM = 32;

/**
 * Appends a chunk's successful latencies to `successes` from `s` on, and its failed ones to
 * `failures` from `f` on, in arrival order; returns where each ends. Successes come in long
 * runs between failures: a run is found by its flags alone and copied as a block.
 */
function partition(
  latencyMs: Float64Array,
  flags: Uint8Array,
  successes: Float64Array,
  s: number,
  failures: Float64Array,
  f: number,
): { successes: number; failures: number } {
  const n = latencyMs.length;
  let i = 0;
  while (i < n) {
    if ((flags[i]! & FLAG_SUCCESS) === 0) {
      failures[f++] = latencyMs[i++]!;
      continue;
    }
    let end = i + 1;
    while (end < n && (flags[end]! & FLAG_SUCCESS) !== 0) end++;
    if (end - i >= BLOCK_FROM) {
      successes.set(latencyMs.subarray(i, end), s);
      s += end - i;
      i = end;
    } else {
      while (i < end) successes[s++] = latencyMs[i++]!;
    }
  }
  return { successes: s, failures: f };
}

/**
 * Appends the latencies of a chunk's samples whose success flag is `want` to `out` from `at`
 * on, in arrival order; returns where they end. (Reading the flags four at a time as 32-bit
 * words was no faster: the loop runs once per process, mostly before it is optimized.)
 */
function gather(
  latencyMs: Float64Array,
  flags: Uint8Array,
  want: number,
  out: Float64Array,
  at: number,
): number {
  for (let i = 0; i < latencyMs.length; i++) {
    if ((flags[i]! & FLAG_SUCCESS) === want) out[at++] = latencyMs[i]!;
  }
  return at;
}
