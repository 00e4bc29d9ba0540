import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogLinearCounts, MAX_TRACKABLE_US, withinObserved } from '../../src/metrics/index.js';
import {
  CURVE_PERCENTILES,
  fineHistogramChart,
  percentileCurveChart,
} from '../../src/report/html/_charts.js';
import { round4 } from '../../src/report/html/_page.js';

/** The fine histogram as it was first written: a map of bins, filled bucket by bucket. */
function referenceFine(counts: LogLinearCounts): { x: number[]; values: number[] } {
  const bins = new Map<number, number>();
  counts.forEachNonZero((micros, count) => {
    const bin = Math.floor(Math.log10(Math.max(micros, 1) / 1000) * 20);
    bins.set(bin, (bins.get(bin) ?? 0) + count);
  });
  const keys = [...bins.keys()].sort((a, b) => a - b);
  const x: number[] = [];
  const values: number[] = [];
  for (let k = keys[0] ?? 0; k <= (keys.at(-1) ?? 0); k++) {
    x.push(round4(10 ** ((k + 0.5) / 20)));
    values.push(bins.get(k) ?? 0);
  }
  return { x, values };
}

/** Histograms of either layout, with the lowest and highest buckets often among their counts. */
const histogramArb = fc
  .record({
    digits: fc.constantFrom(2 as const, 3 as const),
    values: fc.array(
      fc.tuple(
        fc.oneof(
          fc.integer({ min: 0, max: 300_000 }),
          fc.integer({ min: 0, max: MAX_TRACKABLE_US }),
          fc.constantFrom(0, 1, 999, 1000, 1001, MAX_TRACKABLE_US),
        ),
        fc.integer({ min: 1, max: 1_000_000 }),
      ),
      { maxLength: 300 },
    ),
  })
  .map(({ digits, values }) => {
    const counts = new LogLinearCounts(digits);
    for (const [us, count] of values) counts.recordMicrosWithCount(us, count);
    return counts;
  });

describe('report.html charts from the HDR histogram', () => {
  it('bins the fine histogram as a map of bins did, from 1 µs to the largest bucket', () => {
    fc.assert(
      fc.property(histogramArb, (counts) => {
        const chart = fineHistogramChart(counts);
        const expected = referenceFine(counts);
        expect(chart.x).toEqual(expected.x);
        expect(chart.series[0]!.values).toEqual(expected.values);
      }),
      { numRuns: 300 },
    );
  });

  it('draws the percentile curve as one percentile scan each did', () => {
    fc.assert(
      fc.property(
        histogramArb,
        fc.option(fc.tuple(fc.double({ min: 0, max: 1e4 }), fc.double({ min: 0, max: 1e4 }))),
        (counts, observed) => {
          const range = observed ? { min: observed[0], max: observed[1] } : undefined;
          const chart = percentileCurveChart([
            { label: 'latency', counts, color: '#000', observed: range },
          ]);
          expect(chart.series[0]!.values).toEqual(
            CURVE_PERCENTILES.map((p) =>
              round4(
                withinObserved(
                  counts.percentileMs(p),
                  range?.min ?? -Infinity,
                  range?.max ?? Infinity,
                ),
              ),
            ),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
