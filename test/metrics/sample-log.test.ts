import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLAG_SUCCESS, SampleLog } from '../../src/metrics/index.js';

describe('SampleLog', () => {
  it('keeps every sample in order across chunk boundaries and stops at the cap', () => {
    const cap = 200_000;
    const log = new SampleLog(cap);
    for (let i = 0; i < cap + 10 && !log.full; i++) {
      log.push(i * 0.5, 1000 + i, i % 3 === 0 ? 0 : FLAG_SUCCESS, i % 3 === 0 ? 1 : 0);
    }
    expect(log.length).toBe(cap);
    expect(log.full).toBe(true);
    for (const i of [0, 1, 1023, 1024, 65_535, 65_536, 65_537, 131_072, cap - 1]) {
      expect(log.latencyAt(i)).toBe(i * 0.5);
      expect(log.timestampAt(i)).toBe(1000 + i);
      expect(log.flagsAt(i)).toBe(i % 3 === 0 ? 0 : FLAG_SUCCESS);
      expect(log.errorCodeAt(i)).toBe(i % 3 === 0 ? 1 : 0);
    }
    const failures = log.sortedLatencies(false);
    expect(failures.length).toBe(Math.ceil(cap / 3));
    expect(failures[1]).toBe(1.5);
    const successes = log.sortedLatencies(true);
    expect(successes.length + failures.length).toBe(cap);
    expect(successes.every((v, i) => i === 0 || v >= successes[i - 1]!)).toBe(true);
  });

  it('starts over after clear()', () => {
    const log = new SampleLog(100_000);
    for (let i = 0; i < 70_000; i++) log.push(i, i, FLAG_SUCCESS, 0);
    log.clear();
    log.push(7, 8, FLAG_SUCCESS, 0);
    expect(log.length).toBe(1);
    expect(log.latencyAt(0)).toBe(7);
    expect(log.sortedLatencies(true)).toEqual(new Float64Array([7]));
  });
});

describe('SampleLog.sortedLatencies, successes and failures gathered together', () => {
  /** Runs of one outcome: lengths around the block copy's threshold and the chunk's size. */
  const runs = fc.array(
    fc.tuple(
      fc.boolean(),
      fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 70_000 })),
    ),
    { minLength: 1, maxLength: 5 },
  );
  const bytes = (values: Float64Array) =>
    Buffer.from(values.buffer, values.byteOffset, values.byteLength);

  it('gives each outcome the built-in sort of its latencies, in either order, after more samples', () => {
    fc.assert(
      fc.property(runs, runs, fc.boolean(), fc.nat(), (first, more, failuresFirst, seed) => {
        let state = seed || 1;
        const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
        const log = new SampleLog(200_000);
        const pushed: [number[], number[]] = [[], []]; // failures, successes
        const push = (outcomes: Array<[boolean, number]>) => {
          for (const [success, length] of outcomes) {
            for (let i = 0; i < length && !log.full; i++) {
              const latency = Math.round(random() * 1e6) / 1000;
              log.push(latency, i, success ? FLAG_SUCCESS : 0, success ? 0 : 1);
              pushed[success ? 1 : 0].push(latency);
            }
          }
        };
        const check = (order: boolean[]) => {
          for (const success of order) {
            const expected = Float64Array.from(pushed[success ? 1 : 0]).sort();
            expect(bytes(log.sortedLatencies(success)).equals(bytes(expected))).toBe(true);
          }
        };
        push(first);
        check(failuresFirst ? [false, true] : [true, false]);
        push(more); // what was gathered before is not what the log holds now
        check([true, false]);
      }),
      { numRuns: 20 },
    );
  });
});
