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
  const parts = tables.filter((table) => table.length > 0);
  if (parts.every(inTimeOrder)) mergeInTimeOrder(parts, recorder);
  else replaySorted(concatenated(parts), recorder);
}

function inTimeOrder({ timestampMs: time, length }: SampleTable): boolean {
  for (let i = 1; i < length; i++) if (time[i]! < time[i - 1]!) return false;
  return true;
}

/**
 * Each machine's samples are in time order (they are, unless a report was made from a log
 * out of order): a k-way merge, taking from one table for as long as it stays first.
 */
function mergeInTimeOrder(parts: readonly SampleTable[], recorder: Recorder): void {
  const k = parts.length;
  const next = new Int32Array(k);
  // The time of each table's next sample; Infinity once it has none left.
  const heads = new Float64Array(k);
  let left = 0;
  for (let t = 0; t < k; t++) {
    heads[t] = parts[t]!.timestampMs[0]!;
    left += parts[t]!.length;
  }
  const names = parts.map(namesOf);
  while (left > 0) {
    // The table whose next sample comes first (the earliest table on a tie) gives every
    // sample before the others' next ones (up to one equal to a later table's).
    let first = 0;
    for (let t = 1; t < k; t++) if (heads[t]! < heads[first]!) first = t;
    let before = Infinity;
    let upTo = Infinity;
    for (let t = 0; t < first; t++) if (heads[t]! < before) before = heads[t]!;
    for (let t = first + 1; t < k; t++) if (heads[t]! < upTo) upTo = heads[t]!;
    const { length, latencyMs, timestampMs, flags, errorCode } = parts[first]!;
    const errorNames = names[first]!;
    const from = next[first]!;
    let i = from;
    do {
      recorder.record(latencyMs[i]!, flags[i]!, errorNames[errorCode[i]!], timestampMs[i]!);
      i++;
    } while (i < length && timestampMs[i]! < before && timestampMs[i]! <= upTo);
    left -= i - from;
    next[first] = i;
    heads[first] = i < length ? timestampMs[i]! : Infinity;
  }
}

/** Rows out of time order: a sort of the row numbers (ties by row, as a stable sort). */
function replaySorted(union: SampleTable, recorder: Recorder): void {
  const { latencyMs, timestampMs: time, flags, errorCode } = union;
  const order = new Uint32Array(union.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => time[a]! - time[b]! || a - b);
  const names = namesOf(union);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    recorder.record(latencyMs[i]!, flags[i]!, names[errorCode[i]!], time[i]!);
  }
}

/** The names `record` takes: undefined for none. */
const namesOf = (table: SampleTable) => table.errorTypes.map((name) => name || undefined);

/** The tables one after another, their error codes renumbered into one list of names. */
function concatenated(tables: readonly SampleTable[]): SampleTable {
  const names = [''];
  const codes = new Map<string, number>([['', 0]]);
  const length = tables.reduce((n, table) => n + table.length, 0);
  const union = emptyTable(
    length,
    tables.every((t) => t.timed),
    names,
  );
  const unionCodes = union.errorCode;
  let at = 0;
  for (const table of tables) {
    const renumbered = Uint16Array.from(table.errorTypes, (name) => {
      let code = codes.get(name);
      if (code === undefined) {
        if (names.length > 0xffff) throw new RangeError('more than 65,535 error types');
        code = names.push(name) - 1;
        codes.set(name, code);
      }
      return code;
    });
    union.latencyMs.set(table.latencyMs, at);
    union.timestampMs.set(table.timestampMs, at);
    union.flags.set(table.flags, at);
    const own = table.errorCode;
    for (let i = 0; i < table.length; i++) unionCodes[at + i] = renumbered[own[i]!]!;
    at += table.length;
  }
  return union;
}
