/**
 * uDSV as a reader of raw samples, which `samples-read.bench.ts` weighs against perfsight's own
 * (src/samples/_csv.ts) and the former csv-parse reader (test/samples/_former-read.ts). All
 * feed the same checks (`ReadState.add`) and recorder, so the figures differ only by parser.
 */
import { createReadStream } from 'node:fs';
import { inferSchema, initParser, type Parser } from 'udsv';
import { MetricsCollector, type AggregatedMetrics } from '../src/metrics/index.js';
import { fromSpreadsheetCell } from '../src/neutralise/index.js';
import { ReadState, validateColumns, type Column } from '../src/samples/_state.js';

/** Reads `path` with uDSV's incremental parser (strings, then the same checks). */
export async function readWithUdsv(path: string): Promise<AggregatedMetrics> {
  const collector = started();
  const state = new ReadState(path, collector);
  const decoder = new TextDecoder();
  let parser: Parser | undefined;
  let columns: Column[] = [];
  const onRow = (row: string[]) => {
    state.line++;
    const cells = row.map(fromSpreadsheetCell);
    state.add((column) => {
      const index = columns.indexOf(column);
      return index < 0 ? undefined : cells[index];
    });
  };
  for await (const chunk of createReadStream(path)) {
    const text = decoder.decode(chunk as Buffer, { stream: true });
    if (!parser) {
      const schema = inferSchema(text, { trim: true });
      columns = schema.cols.map((col) => col.name.toLowerCase() as Column);
      validateColumns(columns, state);
      state.line = 1;
      parser = initParser(schema);
    }
    parser.chunk<string[]>(text, parser.stringArrs, onRow);
  }
  parser?.end();
  return finished(state, collector);
}

export function started(): MetricsCollector {
  const collector = new MetricsCollector({ sampleResources: false });
  collector.startCollection({ replay: true });
  return collector;
}

/** Ends the collection as `readSamplesFile` does: the figures are computed here. */
export function finished(state: ReadState, collector: MetricsCollector): AggregatedMetrics {
  collector.endCollection(
    state.timed ? { startMs: state.startMs, endMs: state.endMs } : { timed: false },
  );
  return collector.aggregatedMetrics;
}
