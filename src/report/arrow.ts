/**
 * `samples.arrow`: every sample of a run as Apache Arrow IPC (the file format, also known as
 * Feather v2), so `compare` — and pandas, polars, DuckDB or R — read the columns without
 * parsing text. One record batch per 65,536 samples, written from the recorder's own typed
 * arrays: the figures are the very doubles perfsight holds, not their decimal text.
 * `samples.csv.gz` stays beside it for people and for `perfsight report`.
 *
 * Written by `_arrow-ipc.ts` without apache-arrow (loading it cost more than the writing;
 * its test pins the bytes to apache-arrow's `tableToIPC`); apache-arrow stays the reader.
 *
 * Columns (the names of the raw-sample format, in the units perfsight records):
 * `timestamp_ms` float64 (epoch ms the call ended; null when the run is untimed),
 * `latency_ms` float64, `success` bool, `cache_hit` bool (null: unknown), `fallback_used`
 * bool, `error_type` dictionary<int16, utf8> (null: none). Schema metadata:
 * `perfsight.samples_version` = "1", `perfsight.timed` = "true" | "false".
 */
import type { RecordedRun, SampleColumns } from '../metrics/index.js';
import { samplesIpcParts } from './_arrow-ipc.js';

/** The Arrow IPC file of a run's samples; undefined when the run kept none. */
export function renderSamplesArrow(recorded: RecordedRun): Uint8Array | undefined {
  return samplesArrowBytes(
    recorded.samples?.chunkColumns() ?? [],
    recorded.errorTypes,
    recorded.metrics.requestsPerSecond !== null,
  );
}

/** The Arrow IPC file from the recorder's columns (what the samples worker is given). */
export function samplesArrowBytes(
  chunks: readonly SampleColumns[],
  errorTypes: readonly string[],
  timed: boolean,
): Uint8Array | undefined {
  const parts = samplesArrowParts(chunks, errorTypes, timed);
  return parts && Buffer.concat(parts);
}

/**
 * `samplesArrowBytes` as pieces (most of them views of the columns themselves), not joined:
 * joining is a copy of the whole file (19 MB for 1 M samples). Written one after the other
 * they are the same bytes.
 */
export function samplesArrowParts(
  chunks: readonly SampleColumns[],
  errorTypes: readonly string[],
  timed: boolean,
): Uint8Array[] | undefined {
  if (chunks.length === 0) return undefined;
  return samplesIpcParts(chunks, errorTypes, timed);
}
