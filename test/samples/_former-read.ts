/**
 * The raw-sample CSV reader as it was before the byte tokenizer (issue 13): csv-parse with its
 * `info` line bookkeeping, every cell a string through `ReadState.add`. Frozen here as the
 * reference the new reader must agree with (test/samples/csv.test.ts) and the baseline of
 * bench/samples-read.bench.ts.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { InputError } from '../../src/errors.js';
import { MetricsCollector, type AggregatedMetrics } from '../../src/metrics/index.js';
import { fromSpreadsheetCell } from '../../src/neutralise/index.js';
import { ReadState, validateColumns, type Column } from '../../src/samples/_state.js';

/** Reads `path` into `collector` (started here, ended as readSamplesFile ends it). */
export async function formerReadCsv(
  path: string,
  collector = new MetricsCollector({ sampleResources: false }),
): Promise<AggregatedMetrics> {
  collector.startCollection({ replay: true });
  const state = new ReadState(path, collector);
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, info: true });
  try {
    await pipeline(createReadStream(path), parser, async (records) => {
      let columns: Column[] | undefined;
      for await (const { record, info } of records as AsyncIterable<{
        record: string[];
        info: { lines: number };
      }>) {
        state.line = info.lines;
        if (!columns) {
          columns = record.map((name) => name.trim().toLowerCase() as Column);
          validateColumns(columns, state);
          continue;
        }
        const row = record.map(fromSpreadsheetCell);
        const cols = columns;
        state.add((column) => {
          const index = cols.indexOf(column);
          return index < 0 ? undefined : row[index];
        });
      }
    });
  } catch (error) {
    throw state.failure ?? error;
  }
  if (state.samples === 0) throw InputError.at(path, undefined, 'no samples');
  collector.endCollection(
    state.timed ? { startMs: state.startMs, endMs: state.endMs } : { timed: false },
  );
  return collector.aggregatedMetrics;
}
