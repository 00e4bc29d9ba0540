/**
 * The CSV readers `samples-read.bench.ts` weighs against perfsight's own (src/samples/_csv.ts):
 * csv-parse as perfsight used it before (with its `info` line bookkeeping), and uDSV. Both feed
 * the same checks (`ReadState.add`) and recorder, so the figures differ only by the parser.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { inferSchema, initParser, type Parser } from 'udsv';
import { MetricsCollector, type AggregatedMetrics } from '../src/metrics/index.js';
import { fromSpreadsheetCell } from '../src/neutralise/index.js';
import { ReadState, validateColumns, type Column } from '../src/samples/_state.js';

/** Reads `path` with csv-parse, as perfsight's reader did until the byte tokenizer. */
export async function readWithCsvParse(path: string): Promise<AggregatedMetrics> {
  const collector = started();
  const state = new ReadState(path, collector);
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, info: true });
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
  return finished(state, collector);
}

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

function started(): MetricsCollector {
  const collector = new MetricsCollector({ sampleResources: false });
  collector.startCollection({ replay: true });
  return collector;
}

/** Ends the collection as `readSamplesFile` does: the figures are computed here. */
function finished(state: ReadState, collector: MetricsCollector): AggregatedMetrics {
  collector.endCollection(
    state.timed ? { startMs: state.startMs, endMs: state.endMs } : { timed: false },
  );
  return collector.aggregatedMetrics;
}
