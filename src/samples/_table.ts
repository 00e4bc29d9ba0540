/**
 * A run's samples as flat columns, whichever file they came from (samples.arrow or
 * samples.csv.gz), and their replay into one recorder in time order — what `merge` does with
 * the shards' samples. Column-wise: no object per sample, one typed array per column.
 */
import type { RecordedRun, Recorder } from '../metrics/index.js';

export interface SampleTable {
  length: number;
  /** Whether the samples carry timestamps; when not, `timestampMs` is 0 (as recorded then). */
  timed: boolean;
  latencyMs: Float64Array;
  /** When each call ended, epoch ms. */
  timestampMs: Float64Array;
  /** The recorder's FLAG_* bits. */
  flags: Uint8Array;
  /** Index into `errorTypes`; 0 is none. */
  errorCode: Uint16Array;
  /** Error type (or fallback reason) names; index 0 is '' (none). */
  errorTypes: readonly string[];
}

/** The samples a recorder kept (a samples.csv.gz read back), as one table. */
export function tableOfRecorded(recorded: RecordedRun, timed: boolean): SampleTable {
  const chunks = recorded.samples?.chunkColumns() ?? [];
  const length = chunks.reduce((n, chunk) => n + chunk.length, 0);
  const table = emptyTable(length, timed, recorded.errorTypes);
  let at = 0;
  for (const chunk of chunks) {
    table.latencyMs.set(chunk.latencyMs, at);
    table.timestampMs.set(chunk.timestampMs, at);
    table.flags.set(chunk.flags, at);
    table.errorCode.set(chunk.errorCode, at);
    at += chunk.length;
  }
  return table;
}

export function emptyTable(
  length: number,
  timed: boolean,
  errorTypes: readonly string[],
): SampleTable {
  return {
    length,
    timed,
    latencyMs: new Float64Array(length),
    timestampMs: new Float64Array(length),
    flags: new Uint8Array(length),
    errorCode: new Uint16Array(length),
    errorTypes,
  };
}

/**
 * Records every sample of `tables` into `recorder` in time order, ties in the order of the
 * tables and then of their rows (a stable sort of the tables one after another): the merged
 * timeline counts each interval's calls from every machine. Untimed samples (time 0) keep
 * that order.
 */
export function replayInTimeOrder(tables: readonly SampleTable[], recorder: Recorder): void {
  const union = concatenated(tables);
  const order = timeOrder(union, tables);
  const names = union.errorTypes.map((name) => name || undefined);
  const { latencyMs, timestampMs, flags, errorCode } = union;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    recorder.record(latencyMs[i]!, flags[i]!, names[errorCode[i]!], timestampMs[i]!);
  }
}

/** The tables one after another, their error codes renumbered into one list of names. */
function concatenated(tables: readonly SampleTable[]): SampleTable {
  if (tables.length === 1) return tables[0]!;
  const names = [''];
  const codes = new Map<string, number>([['', 0]]);
  const length = tables.reduce((n, table) => n + table.length, 0);
  const union = emptyTable(
    length,
    tables.every((t) => t.timed),
    names,
  );
  let at = 0;
  for (const table of tables) {
    const renumbered = table.errorTypes.map((name) => {
      let code = codes.get(name);
      if (code === undefined) {
        code = names.push(name) - 1;
        codes.set(name, code);
      }
      return code;
    });
    union.latencyMs.set(table.latencyMs, at);
    union.timestampMs.set(table.timestampMs, at);
    union.flags.set(table.flags, at);
    for (let i = 0; i < table.length; i++) {
      union.errorCode[at + i] = renumbered[table.errorCode[i]!]!;
    }
    at += table.length;
  }
  if (names.length > 0xffff) throw new RangeError('more than 65,535 error types');
  return union;
}

/**
 * The rows of `union` (the tables one after another) in time order. Each machine's samples
 * are usually in time order already: then a k-way merge, taking from one table for as long
 * as it stays first; else a sort of the row numbers.
 */
function timeOrder(union: SampleTable, tables: readonly SampleTable[]): Uint32Array {
  const time = union.timestampMs;
  const order = new Uint32Array(union.length);
  const starts: number[] = [];
  let start = 0;
  for (const table of tables) {
    starts.push(start);
    start += table.length;
  }
  const ends = tables.map((table, t) => starts[t]! + table.length);
  const sorted = tables.every((_, t) => {
    for (let i = starts[t]! + 1; i < ends[t]!; i++) if (time[i]! < time[i - 1]!) return false;
    return true;
  });
  if (!sorted) {
    for (let i = 0; i < order.length; i++) order[i] = i;
    // The row number breaks ties: the same order as a stable sort.
    return order.sort((a, b) => time[a]! - time[b]! || a - b);
  }
  const next = [...starts];
  let out = 0;
  while (out < order.length) {
    // The table whose next sample comes first (the earliest table on a tie) ...
    let first = -1;
    for (let t = 0; t < tables.length; t++) {
      if (next[t]! < ends[t]! && (first < 0 || time[next[t]!]! < time[next[first]!]!)) first = t;
    }
    // ... gives every sample before the others' next ones (up to an equal one of a later table).
    let before = Infinity;
    let upTo = Infinity;
    for (let t = 0; t < tables.length; t++) {
      if (t === first || next[t]! >= ends[t]!) continue;
      if (t < first) before = Math.min(before, time[next[t]!]!);
      else upTo = Math.min(upTo, time[next[t]!]!);
    }
    let i = next[first]!;
    const end = ends[first]!;
    do order[out++] = i++;
    while (i < end && time[i]! < before && time[i]! <= upTo);
    next[first] = i;
  }
  return order;
}
