import { describe, expect, it } from 'vitest';
import { unionSeconds } from '../../src/metrics/index.js';

describe('unionSeconds: the time a merge divides its requests by', () => {
  it('machines running at once count their shared time once', () => {
    // Three machines over the same 10 s, one starting 2 s late: 10 s, not 28 s.
    const spans = [
      { startMs: 0, endMs: 10_000 },
      { startMs: 0, endMs: 10_000 },
      { startMs: 2_000, endMs: 10_000 },
    ];
    expect(unionSeconds(spans)).toBe(10);
  });

  it('runs that did not overlap: their own times, not the gap between them', () => {
    const spans = [
      { startMs: 20_000, endMs: 25_000 },
      { startMs: 0, endMs: 5_000 },
      { startMs: 4_000, endMs: 6_000 },
    ];
    expect(unionSeconds(spans)).toBe(11);
  });

  it('a span of no length (a run that recorded nothing) adds nothing', () => {
    expect(unionSeconds([{ startMs: 5_000, endMs: 5_000 }])).toBe(0);
    expect(unionSeconds([])).toBe(0);
  });
});
