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
