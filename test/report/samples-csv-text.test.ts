import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SampleColumns } from '../../src/metrics/index.js';
import { ShortestNumbers } from '../../src/report/_samples-numbers.js';
import { SamplesCsvText, samplesCsvChunks } from '../../src/report/csv.js';
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

function written(numbers: ShortestNumbers, value: number): string {
  const out = Buffer.alloc(32);
  return out.toString('latin1', 0, numbers.write(out, 0, value));
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

  it('hold only the header when there are no samples', () => {
    expect(text(samplesCsvChunks([], ERROR_TYPES, true)).toString()).toBe(
      text(formerSamplesCsvChunks([], ERROR_TYPES, true)).toString(),
    );
  });
});
