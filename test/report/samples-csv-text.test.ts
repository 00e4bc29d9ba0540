import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLAG_CACHE_MISS, type SampleColumns } from '../../src/metrics/index.js';
import { NUMBER_ROOM, ShortestNumbers } from '../../src/report/_samples-numbers.js';
import { SAMPLES_HEADER, SamplesCsvText, samplesCsvChunks } from '../../src/report/csv.js';
import { formerSamplesCsvChunks } from './_former-samples-csv.js';

/** `digits` with a decimal point `places` from the right: how a CSV writes a figure. */
const decimalText = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 18 }), fc.nat(12))
  .map(([digits, places]) => {
    const whole = digits.join('').padStart(places + 1, '0');
    return places === 0 ? whole : `${whole.slice(0, -places)}.${whole.slice(-places)}`;
  });

/** The figures a samples file holds: any double, and the decimals CSVs are made of. */
const figure = fc.oneof(
  fc.double(),
  fc.double({ min: 0, max: 1e12, noNaN: true }),
  decimalText.map(Number),
  // A timestamp: read as seconds, kept in ms, written as seconds again.
  decimalText.map((text) => (Number(text) * 1000) / 1000),
  fc.integer({ min: 0, max: 2 ** 53 }),
);

/**
 * What `numbers` writes for `value`, into a view of exactly its room (a store past it
 * throws) over bytes of '0': the writer reads back the digits it drops, and must not
 * read any it did not write.
 */
function written(numbers: ShortestNumbers, value: number): string {
  const out = Buffer.alloc(NUMBER_ROOM + 16, '0');
  const end = numbers.write(new DataView(out.buffer, out.byteOffset + 8, NUMBER_ROOM), 0, value);
  return out.toString('latin1', 8, 8 + end);
}

/** `values` written one after the other by one writer, each as String() writes it. */
function allAsString(values: readonly number[]): boolean {
  const numbers = new ShortestNumbers();
  return values.every((value) => written(numbers, value) === String(value));
}

describe('samples CSV numbers (ShortestNumbers)', () => {
  it('are String()’s text for any double and any decimal a CSV holds', () => {
    const numbers = new ShortestNumbers();
    fc.assert(
      fc.property(figure, (value) => written(numbers, value) === String(value)),
      { numRuns: 200_000 },
    );
  });

  it('are String()’s text whatever the decimal places of the value before', () => {
    fc.assert(
      fc.property(fc.array(figure, { minLength: 2, maxLength: 20 }), (values) => {
        const numbers = new ShortestNumbers();
        return values.every((value) => written(numbers, value) === String(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('at the edges of the fast path', () => {
    const numbers = new ShortestNumbers();
    const edges = [
      0,
      -0,
      1e-6,
      9.99e-7,
      1e-7,
      1.5e-6,
      0.1,
      0.2,
      0.1 + 0.2,
      1 / 3,
      999_999_999_999_999,
      1e15,
      1e15 + 1,
      2 ** 31,
      2 ** 31 - 1,
      999_999_999.5,
      1e9,
      1_700_000_000.001,
      1e21,
      5e-324,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      NaN,
      Infinity,
      -Infinity,
      -16.5,
      123_456.000_001,
    ];
    for (const value of edges) expect(written(numbers, value)).toBe(String(value));
  });

  it('repeat a whole part of 10^8 or more, or change it, from one value to the next', () => {
    // A timestamp's whole seconds are the bytes of the value before when they are the same:
    // a few whole parts, so that values repeat them, change them and come back to them.
    const large = fc.oneof(
      fc.integer({ min: 1e8, max: 2e9 }),
      fc.integer({ min: 1e8, max: 1e15 - 1 }),
      fc.constantFrom(1e8, 1e9, 1e15 - 1, 1_700_000_000, 99_999_999),
    );
    const fraction = fc.oneof(
      fc.constant(''),
      fc.integer({ min: 0, max: 999 }).map((n) => `.${String(n).padStart(3, '0')}`),
      fc
        .tuple(fc.nat(9), fc.nat(999_999_999))
        .map(([places, n]) => `.${String(n).slice(0, places + 1)}`),
    );
    fc.assert(
      fc.property(
        fc.array(large, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(3), fraction, fc.boolean()), { minLength: 2, maxLength: 40 }),
        (wholes, picks) => {
          const values = picks.map(([pick, tail, asMs]) => {
            const value = Number(`${wholes[pick % wholes.length]!}${tail}`);
            // A timestamp as the CSV renderer has it: kept in ms, written as seconds.
            return asMs ? (value * 1000) / 1000 : value;
          });
          return allAsString(values);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('write a timestamp in ms as String(ms / 1000), whole ms of the second before or not', () => {
    // The ms of a few seconds (as tools log them, and at the edges: 10^8 s, past 10^12 s where
    // a second's ms reach 10^15, and 2^53), whole or not, and the values around them.
    const second = fc.oneof(
      fc.integer({ min: 1e8, max: 2e9 }),
      fc.integer({ min: 1e8, max: 1e13 }),
      fc.constantFrom(1e8, 1_700_000_000, 1e12 - 1, 1e12, 2 ** 53 / 1000, 99_999_999, 0),
    );
    const offset = fc.oneof(
      fc.integer({ min: -2, max: 1001 }),
      fc.double({ min: -1, max: 1001, noNaN: true }),
      fc.integer({ min: -2, max: 1001 }).map((ms) => ms + 0.5),
    );
    const edges = fc.constantFrom(-500, -1000, -0, 0, NaN, Infinity, 1e15 - 1, 1e15, 2 ** 53);
    fc.assert(
      fc.property(
        fc.array(second, { minLength: 1, maxLength: 3 }),
        fc.array(fc.oneof(fc.tuple(fc.nat(2), offset), edges), { minLength: 2, maxLength: 40 }),
        (seconds, picks) => {
          const numbers = new ShortestNumbers();
          return picks.every((pick) => {
            const ms =
              typeof pick === 'number' ? pick : seconds[pick[0] % seconds.length]! * 1000 + pick[1];
            const out = Buffer.alloc(NUMBER_ROOM + 16, '0');
            const view = new DataView(out.buffer, out.byteOffset + 8, NUMBER_ROOM);
            const end = numbers.writeMilliseconds(view, 0, ms);
            return out.toString('latin1', 8, 8 + end) === String(ms / 1000);
          });
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('drop trailing zeros whatever the decimal places tried first', () => {
    // The places of the value before are tried first: 16.7 after 16.707 is 16700 thousandths.
    const decimal = fc
      .tuple(fc.integer({ min: 0, max: 2e9 }), fc.nat(9), fc.nat(999_999_999), fc.nat(9))
      .map(([whole, places, digits, zeros]) => {
        const fraction = String(digits).padStart(9, '0').slice(0, places) + '0'.repeat(zeros);
        return Number(fraction ? `${whole}.${fraction}` : String(whole));
      });
    fc.assert(fc.property(fc.array(decimal, { minLength: 2, maxLength: 20 }), allAsString), {
      numRuns: 20_000,
    });
  });

  it('of values below 1, near 1e-6, and huge', () => {
    const value = fc.oneof(
      fc
        .integer({ min: 1, max: 999_999_999 })
        .chain((n) => fc.nat(9).map((places) => n / 10 ** places)),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 5e-7, max: 2e-6, noNaN: true }),
      fc.integer({ min: -3, max: 3 }).map((ulps) => 1e-6 + ulps * 2 ** -72),
      fc.double({ min: 1e14, max: 1e16, noNaN: true }),
      fc.integer({ min: 2 ** 50, max: 2 ** 53 }),
      fc.double({ min: -1e9, max: 0 }),
      fc.constantFrom(-0, NaN, Infinity, -Infinity, 0.5, 0.05, 0.001, 0.0001, 1e-6, 1e15 - 0.5),
    );
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 20 }), allAsString), {
      numRuns: 20_000,
    });
  });
});

interface Row {
  latencyMs: number;
  timestampMs: number;
  flags: number;
  errorCode: number;
}

const ERROR_TYPES = ['', 'timeout', 'naïve "quote", comma', 'unknown', 'x'.repeat(300), 'other'];

const row: fc.Arbitrary<Row> = fc.record({
  latencyMs: fc.oneof(decimalText.map(Number), fc.double({ min: 0, max: 1e7, noNaN: true })),
  timestampMs: fc.oneof(
    decimalText.map((text) => Number(text) * 1000),
    fc.double({ min: 0, max: 1e14, noNaN: true }),
  ),
  flags: fc.integer({ min: 0, max: 15 }),
  errorCode: fc.integer({ min: 0, max: ERROR_TYPES.length - 1 }),
});

function columnsOf(rows: readonly Row[]): SampleColumns {
  return {
    length: rows.length,
    latencyMs: Float64Array.from(rows, (r) => r.latencyMs),
    timestampMs: Float64Array.from(rows, (r) => r.timestampMs),
    flags: Uint8Array.from(rows, (r) => r.flags),
    errorCode: Uint16Array.from(rows, (r) => r.errorCode),
  };
}

/** `rows` cut into parts at `cuts` (fractions). */
function parts(rows: readonly Row[], cuts: readonly number[]): SampleColumns[] {
  const at = [...new Set(cuts.map((cut) => Math.floor(cut * rows.length)))].sort((a, b) => a - b);
  const bounds = [0, ...at, rows.length];
  return bounds.slice(1).map((end, i) => columnsOf(rows.slice(bounds[i], end)));
}

const text = (chunks: Iterable<Buffer>) => Buffer.concat([...chunks]);

describe('samples CSV bytes', () => {
  it('are the former renderer’s, byte for byte, for any samples', () => {
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 300 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 400 }),
        (rows, cuts, timed, rowsPerChunk) => {
          const columns = parts(rows, cuts);
          const now = text(samplesCsvChunks(columns, ERROR_TYPES, timed, rowsPerChunk));
          const former = text(formerSamplesCsvChunks(columns, ERROR_TYPES, timed, rowsPerChunk));
          return now.equals(former);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('are the same when the parts come one by one, each with the error names it needs', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 300 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
        fc.boolean(),
        (rows, cuts, timed) => {
          const csv = new SamplesCsvText(timed, 50);
          const chunks: Buffer[] = [];
          let known = 1;
          for (const part of parts(rows, cuts)) {
            // The collector's table only grows: a part is given the names seen so far.
            known = Math.max(known, ...Array.from(part.errorCode, (code) => code + 1));
            chunks.push(...csv.rows(part, ERROR_TYPES.slice(0, known)));
          }
          chunks.push(...csv.end());
          const former = text(formerSamplesCsvChunks([columnsOf(rows)], ERROR_TYPES, timed));
          return Buffer.concat(chunks).equals(former);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('are the former renderer’s for a large file as tools write them', () => {
    // Epoch seconds and milliseconds with three decimals, as bench/_samples-files.ts writes.
    let state = 7;
    const random = () => ((state = (state * 48_271) % 2_147_483_647) - 1) / 2_147_483_646;
    const rows: Row[] = Array.from({ length: 200_000 }, (_, i) => ({
      latencyMs: Number((20 * Math.exp(random() - 0.5)).toFixed(3)),
      timestampMs: Number((1_700_000_000 + i / 1000).toFixed(3)) * 1000,
      flags: random() < 0.995 ? 1 : 0,
      errorCode: 0,
    }));
    const columns = parts(rows, [0.3, 0.6]);
    for (const timed of [true, false]) {
      const now = text(samplesCsvChunks(columns, ERROR_TYPES, timed, 50_000));
      expect(now.equals(text(formerSamplesCsvChunks(columns, ERROR_TYPES, timed, 50_000)))).toBe(
        true,
      );
    }
  });

  it('are the former renderer’s when rows share whole seconds, across parts and chunks', () => {
    // Consecutive timestamps in the same second reuse its bytes; a few seconds, so that
    // rows repeat one, move on, come back, and do so across the parts and chunks.
    const timestampMs = fc
      .tuple(fc.nat(3), fc.nat(999), fc.boolean())
      .map(([second, ms, whole]) => (1_700_000_000 + second) * 1000 + (whole ? 0 : ms));
    const timedRow = fc.record({
      latencyMs: fc.oneof(decimalText.map(Number), fc.integer({ min: 0, max: 2e9 })),
      timestampMs,
      flags: fc.integer({ min: 0, max: 15 }),
      errorCode: fc.integer({ min: 0, max: ERROR_TYPES.length - 1 }),
    });
    fc.assert(
      fc.property(
        fc.array(timedRow, { maxLength: 300 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
        fc.integer({ min: 1, max: 100 }),
        (rows, cuts, rowsPerChunk) => {
          const columns = parts(rows, cuts);
          const now = text(samplesCsvChunks(columns, ERROR_TYPES, true, rowsPerChunk));
          const former = text(formerSamplesCsvChunks(columns, ERROR_TYPES, true, rowsPerChunk));
          return now.equals(former);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('have room for rows of the longest kind, however many fill a chunk', () => {
    // The longest number String() writes (25 characters), the longest flags (a cache
    // miss, neither success nor fallback), with and without the longest error name: the
    // row loop writes words past a row's end and must stay in its chunk, whichever row
    // ends up last in it.
    const longest = Number('-0.0000012345678901234567');
    const row = `${String(longest)},${String(longest)},false,false,false,`;
    expect(row.length).toBe(25 + 1 + 25 + 19);
    for (const [errorCode, name] of [
      [0, ''],
      [ERROR_TYPES.indexOf('x'.repeat(300)), 'x'.repeat(300)],
    ] as const) {
      const rows: Row[] = Array.from({ length: 1500 }, () => ({
        latencyMs: longest,
        timestampMs: longest * 1000,
        flags: FLAG_CACHE_MISS,
        errorCode,
      }));
      expect(String(rows[0]!.timestampMs / 1000)).toBe(String(longest));
      const expected = `${SAMPLES_HEADER}\n${`${row}${name}\n`.repeat(rows.length)}`;
      for (let rowsPerChunk = 1; rowsPerChunk <= 1500; rowsPerChunk += rowsPerChunk < 50 ? 1 : 7) {
        const csv = text(samplesCsvChunks([columnsOf(rows)], ERROR_TYPES, true, rowsPerChunk));
        expect(csv.toString()).toBe(expected);
      }
    }
  });

  it('hold only the header when there are no samples', () => {
    expect(text(samplesCsvChunks([], ERROR_TYPES, true)).toString()).toBe(
      text(formerSamplesCsvChunks([], ERROR_TYPES, true)).toString(),
    );
  });
});
