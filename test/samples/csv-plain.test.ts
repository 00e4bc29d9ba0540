import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  FLAG_CACHE_HIT,
  FLAG_CACHE_MISS,
  FLAG_FALLBACK,
  FLAG_SUCCESS,
  MetricsCollector,
} from '../../src/metrics/index.js';
import { SAMPLES_HEADER } from '../../src/report/index.js';
import { readSamplesFile } from '../../src/samples/index.js';
import { CsvSamplesReader } from '../../src/samples/_csv.js';
import { NOT_PLAIN, plainDecimal } from '../../src/samples/_csv-plain.js';
import { ReadState } from '../../src/samples/_state.js';
import { tempDir } from '../_helpers.js';
import { formerReadCsv } from './_former-read.js';

const dir = tempDir('perfsight-csv-plain-');
let files = 0;
const file = (content: string) => {
  const path = join(dir, `p${files++}.csv`);
  writeFileSync(path, content);
  return path;
};

/** A decimal as tools write it: 1 to 17 digits, a dot anywhere or none. */
const decimalText = fc
  .tuple(fc.stringMatching(/^[0-9]{1,17}$/), fc.option(fc.nat(), { nil: undefined }))
  .map(([digits, dotAt]) =>
    dotAt === undefined
      ? digits
      : `${digits.slice(0, dotAt % (digits.length + 1))}.${digits.slice(dotAt % (digits.length + 1))}`,
  );

const digitCount = (text: string) => text.replace('.', '').length;

describe('plainDecimal', () => {
  it('is exactly Number(text) for up to 15 digits, and declines longer ones', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const bytes = Buffer.from(`x${text}y`);
        const value = plainDecimal(bytes, 1, bytes.length - 1);
        if (digitCount(text) > 15) expect(value).toBe(NOT_PLAIN);
        else expect(value).toBe(Number(text));
      }),
      { numRuns: 5000 },
    );
    for (const text of ['', '.', '1..2', '-1', '+1', '1e3', ' 1', '0x10']) {
      expect(plainDecimal(Buffer.from(text), 0, text.length)).toBe(NOT_PLAIN);
    }
  });
});

const COLUMNS = ['timestamp', 'latency_ms', 'success', 'cache_hit', 'fallback_used', 'error_type'];
const PLAIN_BOOLS = ['true', 'false', '1', '0'];
/** An empty cell is plain too: the column's default (perfsight leaves cache_hit empty). */
const PLAIN_OR_EMPTY = [...PLAIN_BOOLS, ''];

/** Rows of plain cells, all six columns in a random order, \n or \r\n line ends. */
const plainCsv = fc
  .record({
    order: fc.shuffledSubarray(COLUMNS, { minLength: COLUMNS.length }),
    newline: fc.constantFrom('\n', '\r\n'),
    rows: fc.array(
      fc.record({
        // Below 1e11 s: a timestamp in seconds, not one the reader takes for milliseconds.
        timestamp: decimalText.filter((t) => digitCount(t) <= 15 && Number(t) <= 1e11),
        latency_ms: decimalText.filter((t) => digitCount(t) <= 15),
        success: fc.constantFrom(...PLAIN_OR_EMPTY),
        cache_hit: fc.constantFrom(...PLAIN_OR_EMPTY),
        fallback_used: fc.constantFrom(...PLAIN_OR_EMPTY),
      }),
      { minLength: 1, maxLength: 60 },
    ),
  })
  .map(({ order, newline, rows }) => ({
    rows,
    text:
      [
        order.join(','),
        ...rows.map((row) => order.map((c) => (row as Record<string, string>)[c] ?? '').join(',')),
      ].join(newline) + newline,
  }));

const yes = (text: string) => text === 'true' || text === '1';

describe('the CSV fast path (rows of plain cells)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('records every latency and timestamp exactly as Number() reads the text, and every flag', async () => {
    await fc.assert(
      fc.asyncProperty(plainCsv, async ({ rows, text }) => {
        const collector = new MetricsCollector({ sampleResources: false });
        await readSamplesFile(file(text), collector);
        const samples = collector.recorded().samples!;
        expect(samples.length).toBe(rows.length);
        rows.forEach((row, i) => {
          expect(samples.latencyAt(i)).toBe(Number(row.latency_ms));
          expect(samples.timestampAt(i)).toBe(Number(row.timestamp) * 1000);
          const flags =
            (row.success === '' || yes(row.success) ? FLAG_SUCCESS : 0) |
            (row.cache_hit === '' ? 0 : yes(row.cache_hit) ? FLAG_CACHE_HIT : FLAG_CACHE_MISS) |
            (yes(row.fallback_used) ? FLAG_FALLBACK : 0);
          expect(samples.flagsAt(i)).toBe(flags);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('gives every figure of the former csv-parse reader on long files of plain rows', async () => {
    await fc.assert(
      // A timestamp written `.5` was read by Date.parse before the byte reader (a date in
      // 2000); since, it is 0.5 s like any other decimal: such files are left out here.
      fc.asyncProperty(
        plainCsv.filter(({ rows }) => rows.every((row) => !row.timestamp.startsWith('.'))),
        async ({ text }) => {
          const path = file(text);
          const now = new MetricsCollector({ sampleResources: false });
          await readSamplesFile(path, now);
          expect(now.aggregatedMetrics).toEqual(await formerReadCsv(path));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reads plain rows without the general path, and hands it each row that is not plain', async () => {
    // ReadState.record is the general path's way in; the fast path records by recordPlain.
    const general = vi.spyOn(ReadState.prototype, 'record');
    const rows = Array.from(
      { length: 5000 },
      (_, i) =>
        `${(1_700_000_000 + i / 1000).toFixed(3)},${(i % 97) / 4},${i % 50 ? 'true' : '0'},1,false,`,
    );
    // Rows the fast path leaves: a named error, a quoted cell, spaces, an exponent, TRUE.
    const odd = [
      '1700000010.5,3,false,0,0,timeout',
      '1700000010.6,"4",true,0,0,',
      '1700000010.7, 5 ,true,0,0,',
      '1700000010.8,6e0,true,0,0,',
      '1700000010.9,7,TRUE,0,0,',
    ];
    for (const [newline, at] of [
      ['\n', 2500],
      ['\r\n', 17],
    ] as const) {
      general.mockClear();
      const lines = [...rows];
      lines.splice(at, 0, ...odd);
      const text = [
        'timestamp,latency_ms,success,cache_hit,fallback_used,error_type',
        ...lines,
      ].join(newline);
      const collector = new MetricsCollector({ sampleResources: false });
      const read = await readSamplesFile(file(text + newline), collector);
      expect(read.samples).toBe(rows.length + odd.length);
      // The first row decides whether the samples are timed: the general path reads it, and
      // after a row it declines, the fast path waits a few rows before trying again.
      expect(general.mock.calls.length).toBeGreaterThanOrEqual(1 + odd.length);
      expect(general.mock.calls.length).toBeLessThanOrEqual(1 + 2 * odd.length);
      expect(collector.aggregatedMetrics).toEqual(await formerReadCsv(file(text)));
    }
  });

  it('reads the common header timestamp,latency_ms,success exactly, plain rows or not', async () => {
    // Its own loop (readCommonRows): each cell as Number() reads it, and each row it cannot
    // read — a quoted, spaced or exponent cell, TRUE, 16+ digits — handed to the general path.
    const odd = (text: string) =>
      fc.constantFrom(
        `"${text}"`,
        ` ${text}`,
        `${text}e0`,
        // The same number in more than 15 digits.
        `${text}${text.includes('.') ? '' : '.'}0000000000000000`,
      );
    const commonCsv = fc.record({
      newline: fc.constantFrom('\n', '\r\n'),
      rows: fc.array(
        fc.record({
          timestamp: decimalText
            .filter((t) => digitCount(t) <= 15 && Number(t) <= 1e5 && !t.startsWith('.'))
            .chain((t) => fc.oneof({ arbitrary: fc.constant(t), weight: 9 }, odd(t))),
          latency_ms: decimalText
            .filter((t) => digitCount(t) <= 15)
            .chain((t) => fc.oneof({ arbitrary: fc.constant(t), weight: 9 }, odd(t))),
          success: fc.oneof(
            { arbitrary: fc.constantFrom(...PLAIN_OR_EMPTY), weight: 9 },
            fc.constantFrom('TRUE', 'False', ' 1'),
          ),
        }),
        { minLength: 1, maxLength: 60 },
      ),
    });
    const number = (cell: string) => Number(cell.replaceAll('"', '').trim());
    await fc.assert(
      fc.asyncProperty(commonCsv, async ({ newline, rows }) => {
        const lines = rows.map((row) => `${row.timestamp},${row.latency_ms},${row.success}`);
        const text = ['timestamp,latency_ms,success', ...lines].join(newline) + newline;
        const path = file(text);
        const collector = new MetricsCollector({ sampleResources: false });
        await readSamplesFile(path, collector);
        const samples = collector.recorded().samples!;
        expect(samples.length).toBe(rows.length);
        rows.forEach((row, i) => {
          expect(samples.latencyAt(i)).toBe(number(row.latency_ms));
          expect(samples.timestampAt(i)).toBe(number(row.timestamp) * 1000);
          const success = ['true', '1', ''].includes(row.success.trim().toLowerCase());
          expect(samples.flagsAt(i)).toBe(success ? FLAG_SUCCESS : 0);
        });
        expect(collector.aggregatedMetrics).toEqual(await formerReadCsv(path));
      }),
      { numRuns: 300 },
    );
  });

  it('reads the common header without the general path, across batches, odd rows to it', async () => {
    const general = vi.spyOn(ReadState.prototype, 'record');
    const rows = Array.from(
      { length: 9000 },
      (_, i) => `${(1_700_000_000 + i / 1000).toFixed(3)},${(i % 97) / 4},${i % 50 ? 'true' : '0'}`,
    );
    const odd = ['1700000010.5,"4",true', '1700000010.6, 5 ,true', '1700000010.7,6e0,FALSE'];
    for (const [newline, at] of [
      ['\n', 4096],
      ['\r\n', 8190],
    ] as const) {
      general.mockClear();
      const lines = [...rows];
      lines.splice(at, 0, ...odd);
      const text = ['timestamp,latency_ms,success', ...lines].join(newline) + newline;
      const collector = new MetricsCollector({ sampleResources: false });
      const read = await readSamplesFile(file(text), collector);
      expect(read.samples).toBe(rows.length + odd.length);
      expect(general.mock.calls.length).toBeGreaterThanOrEqual(1 + odd.length);
      expect(general.mock.calls.length).toBeLessThanOrEqual(1 + 2 * odd.length);
      expect(collector.aggregatedMetrics).toEqual(await formerReadCsv(file(text)));
    }
  });

  it.each([
    ['timestamp,latency_ms,success', (timestamp: string) => `${timestamp},5,true`],
    ['latency_ms,timestamp,success,error_type', (timestamp: string) => `5,${timestamp},true,`],
  ])(
    'leaves a timestamp in milliseconds to the general path, which names its line (%s)',
    async (header, row) => {
      // Rows the fast path reads, then one whose timestamp is above MAX_EPOCH_SECONDS.
      const lines = Array.from({ length: 6000 }, (_, i) => row(String(1_700_000_000 + i)));
      lines.push(row('1700000006000'));
      const collector = new MetricsCollector({ sampleResources: false });
      await expect(
        readSamplesFile(file([header, ...lines].join('\n') + '\n'), collector),
      ).rejects.toThrow(/:6002: timestamp 1700000006000 looks like milliseconds/);
    },
  );

  it("gives a failure 'unknown' as its error type, and the fallback answers of the next batch none", async () => {
    // The fast path's batches are 4,096 rows, from the second row on (the first is the
    // general path's): failures fill the first batch, answers of the fallback the second
    // (their reason would be a stale error type).
    const rows = Array.from({ length: 3 * 4096 }, (_, i) => {
      const failure = i >= 1 && i <= 4096;
      const fallback = i > 4096;
      return `${1_700_000_000 + i / 1000},${i % 89},${failure ? 'false' : 'true'},0,${fallback ? 'true' : 'false'}`;
    });
    const text =
      ['timestamp,latency_ms,success,cache_hit,fallback_used', ...rows].join('\n') + '\n';
    const collector = new MetricsCollector({ sampleResources: false });
    await readSamplesFile(file(text), collector);
    const metrics = collector.aggregatedMetrics;
    expect(metrics.errorCounts).toEqual({ unknown: 4096 });
    expect(metrics.fallbackReasons).toEqual({});
    expect(metrics).toEqual(await formerReadCsv(file(text)));
  });

  it("reads perfsight's own samples CSV (cache_hit and error_type empty) without the general path", async () => {
    // As samples.csv.gz has it: a failure names its error type (the general path reads that
    // row), an unknown cache answer is an empty cell.
    const general = vi.spyOn(ReadState.prototype, 'record');
    const rows = Array.from({ length: 9000 }, (_, i) =>
      i % 1000 === 999
        ? `${1_700_000_000 + i / 1000},${i % 89},false,,false,timeout`
        : `${1_700_000_000 + i / 1000},${i % 89}.5,true,${i % 7 ? '' : i % 2},${i % 11 ? 'false' : 'true'},`,
    );
    const text = [SAMPLES_HEADER, ...rows].join('\n') + '\n';
    const collector = new MetricsCollector({ sampleResources: false });
    await readSamplesFile(file(text), collector);
    // The first row, the 9 failures, and the rows the fast path waits after each.
    expect(general.mock.calls.length).toBeLessThanOrEqual(1 + 2 * 9);
    expect(collector.aggregatedMetrics).toEqual(await formerReadCsv(file(text)));
  });

  it('does not hold a chunk once feed returns: the caller may fill it again', async () => {
    const text =
      'timestamp,latency_ms,success\n' +
      Array.from(
        { length: 300 },
        (_, i) => `${1_700_000_000 + i},${i % 13}.25,${i % 7 ? 'true' : 'false'}`,
      ).join('\n') +
      '\n';
    const bytes = Buffer.from(text);
    const whole = new MetricsCollector({ sampleResources: false });
    await readSamplesFile(file(text), whole);
    // Chunks of 5 bytes through one buffer, overwritten after each feed: rows are longer, so
    // the reader must keep (copy) the start of each row while it waits for the rest.
    const collector = new MetricsCollector({ sampleResources: false });
    collector.startCollection({ replay: true });
    const state = new ReadState('x.csv', collector);
    const reader = new CsvSamplesReader(state);
    const buffer = Buffer.alloc(5);
    for (let at = 0; at < bytes.length; at += buffer.length) {
      const n = bytes.copy(buffer, 0, at, at + buffer.length);
      reader.feed(buffer.subarray(0, n));
      buffer.fill(0x39); // '9'
    }
    reader.end();
    collector.endCollection({ startMs: state.startMs, endMs: state.endMs });
    expect(collector.aggregatedMetrics).toEqual(whole.aggregatedMetrics);
  });
});
