import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { MetricsCollector } from '../../src/metrics/index.js';
import { renderSamplesCsv } from '../../src/report/index.js';
import { readSamplesFile } from '../../src/samples/index.js';
import { CsvSamplesReader } from '../../src/samples/_csv.js';
import { ReadState } from '../../src/samples/_state.js';
import { tempDir } from '../_helpers.js';
import { formerReadCsv } from './_former-read.js';

const dir = tempDir('perfsight-csv-');
let files = 0;
const file = (content: string | Buffer) => {
  const path = join(dir, `s${files++}.csv`);
  writeFileSync(path, content);
  return path;
};

/** What a read gives: every figure and every sample, or the error's file:line. */
async function outcome(read: (collector: MetricsCollector) => Promise<unknown>) {
  const collector = new MetricsCollector({ sampleResources: false });
  try {
    await read(collector);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { error: /^[^:]+:(\d+)?/.exec(error.message)?.[0] };
  }
  const recorded = collector.recorded();
  return { metrics: recorded.metrics, samples: [...renderSamplesCsv(recorded)].join('') };
}

// Cells as people and tools write them: plain and long decimals, exponents, signs, spaces,
// quotes, booleans in several spellings, ISO dates, empties, and some bad ones.
const latency = fc.oneof(
  fc.integer({ min: 0, max: 5000 }).map(String),
  fc.double({ min: 0, max: 1e4, noNaN: true }).map(String),
  fc.double({ min: 0, max: 1e4, noNaN: true }).map((v) => v.toFixed(3)),
  fc.constantFrom('1e2', '.5', '7.', ' 12.5 ', '"3.25"', '+4', '0012.50', '1234567890123456.5'),
  fc.constantFrom('-1', 'fast', '', 'NaN', '1e999', '.'),
);
const timestamp = fc.oneof(
  fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }).map((ms) => String(ms / 1000)),
  fc.constantFrom('2026-01-01T00:00:00.000Z', '"2026-01-01T00:00:01Z"', '1700000000'),
  // Epoch seconds in the forms latency_ms accepts, quoted or not: one meaning on every path
  // (the former reader shares ReadState.timestamp, so it agrees since that rule was fixed).
  fc.constantFrom('.5', '".5"', '5.', '"1.7e9"', ' 1700000000 ', '+1700000000.5'),
  fc.constantFrom('', '1700000000000', 'yesterday', '"March 7 2020"', '2026-02-30'),
);
const bool = fc.constantFrom('true', 'false', '1', '0', 'TRUE', ' False ', '', '"true"', 'maybe');
const errorType = fc.constantFrom('', 'timeout', '"a,b"', '"say ""hi"""', '"two\nlines"', "'=x");

const rowsOf = (columns: string[]) =>
  fc.array(
    fc.tuple(timestamp, latency, bool, bool, bool, errorType).map(([t, l, s, c, f, e]) => {
      const cells: Record<string, string> = {
        timestamp: t,
        latency_ms: l,
        success: s,
        cache_hit: c,
        fallback_used: f,
        error_type: e,
      };
      return columns.map((name) => cells[name]!).join(',');
    }),
    { minLength: 0, maxLength: 12 },
  );

const csvText = fc
  .subarray(['timestamp', 'success', 'cache_hit', 'fallback_used', 'error_type'])
  .chain((others) => {
    const columns = ['latency_ms', ...others];
    return fc.tuple(
      fc.constant(columns.join(',')),
      rowsOf(columns),
      fc.constantFrom('\n', '\r\n', '\r'),
      fc.boolean(),
      fc.boolean(),
    );
  })
  .map(([header, rows, newline, bom, emptyLine]) => {
    const lines = [header, ...rows];
    if (emptyLine && lines.length > 2) lines.splice(2, 0, '');
    return (bom ? '\uFEFF' : '') + lines.join(newline) + (rows.length % 2 ? newline : '');
  });

/**
 * What readSamplesFile does around the reader, with the bytes handed to it by `feed` in
 * pieces: the run's collection, the reader's end, its failure, the no-samples check.
 */
async function readInPieces(
  collector: MetricsCollector,
  feed: (reader: CsvSamplesReader) => void,
): Promise<void> {
  collector.startCollection({ replay: true });
  const state = new ReadState('x.csv', collector);
  const reader = new CsvSamplesReader(state);
  try {
    feed(reader);
    reader.end();
  } catch (error) {
    throw state.failure ?? error;
  }
  if (state.samples === 0) throw InputError.at('x.csv', undefined, 'no samples');
  collector.endCollection(
    state.timed ? { startMs: state.startMs, endMs: state.endMs } : { timed: false },
  );
}

describe('the CSV reader', () => {
  it('gives every figure of the former csv-parse reader, or fails on the same line', async () => {
    await fc.assert(
      fc.asyncProperty(csvText, async (text) => {
        const path = file(text);
        const now = await outcome((collector) => readSamplesFile(path, collector));
        const before = await outcome((collector) => formerReadCsv(path, collector));
        if ('error' in before) expect(now.error).toBe(before.error);
        else expect(now).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('reads the same however the bytes are cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(csvText, fc.array(fc.nat(), { maxLength: 6 }), async (text, cuts) => {
        const bytes = Buffer.from(text);
        const whole = await outcome((collector) => readSamplesFile(file(bytes), collector));
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const pieces = await outcome((collector) =>
          readInPieces(collector, (reader) => {
            let from = 0;
            for (const to of [...at, bytes.length]) {
              reader.feed(bytes.subarray(from, to));
              from = to;
            }
          }),
        );
        if ('error' in whole)
          expect(pieces.error?.replace(/^[^:]+/, '')).toBe(whole.error?.replace(/^[^:]+/, ''));
        else expect(pieces).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('reads the same when each chunk comes after a free stretch of a reused buffer (feedAt)', async () => {
    await fc.assert(
      fc.asyncProperty(
        csvText,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.nat({ max: 12 }),
        async (text, cuts, room) => {
          const bytes = Buffer.from(text);
          const whole = await outcome((collector) => readSamplesFile(file(bytes), collector));
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          // Two buffers in turn, as read.ts has: each overwritten once the reader returns,
          // with `room` free bytes before each chunk (a kept row longer than that is joined).
          const buffers = [0, 1].map(() => Buffer.alloc(room + bytes.length));
          const pieces = await outcome((collector) =>
            readInPieces(collector, (reader) => {
              let from = 0;
              for (const [i, to] of [...at, bytes.length].entries()) {
                const buffer = buffers[i % 2]!;
                bytes.copy(buffer, room, from, to);
                reader.feedAt(buffer, room, room + to - from);
                buffer.fill(0x39); // '9'
                from = to;
              }
            }),
          );
          if ('error' in whole)
            expect(pieces.error?.replace(/^[^:]+/, '')).toBe(whole.error?.replace(/^[^:]+/, ''));
          else expect(pieces).toEqual(whole);
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    ['latency_ms,success\n1,true\n2\n', /:3: malformed CSV: 1 field where the header has 2/],
    ['latency_ms,error_type\n1,"open\n2,x\n', /:2: malformed CSV: a quoted field is not closed/],
    ['latency_ms,error_type\n1,ab"c\n', /:2: malformed CSV: a quote inside a field/],
    ['latency_ms,error_type\n1,"ab"c\n', /:2: malformed CSV: text after the closing quote/],
    ['latency_ms,error_type\n1,"a\nb"\nx,y\n', /:4: latency_ms "x" is not a finite number/],
  ])('names the file and line of malformed CSV (%j)', async (content, expected) => {
    const path = file(content);
    const error = await readSamplesFile(
      path,
      new MetricsCollector({ sampleResources: false }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(new RegExp(`^${path.replaceAll('.', '\\.')}`));
    expect((error as Error).message).toMatch(expected);
  });
});
