/**
 * Sorting latencies at the end of a run (`SampleLog.sortedLatencies`, what `perfsight run`,
 * `report` and `compare` sort): the radix sort (`radixSortAscending`, src/metrics/_sort.ts)
 * against `Float64Array.prototype.sort`, which it reproduces byte for byte. Two kinds of
 * latencies: measured from a clock (a difference of two `performance.now()` readings, whose
 * lowest bits agree, as the runner records them) and read from a file (decimals with every
 * bit of the mantissa in use, the worst case). Sizes from 512 to 1,000,000 (the exact cap):
 * the smallest where radix wins is `RADIX_SORT_FROM`. Each figure is the median of
 * repetitions, the two sorts alternating on copies of the same array; ratio = radix / built-in.
 */
import { RADIX_SORT_FROM, radixSortAscending } from '../src/metrics/_sort.js';
import { normalFrom, seededRandom } from '../src/random/index.js';
import { collectGarbage, median, round } from './_stats.js';

const SIZES = [512, 1024, 2048, 4096, 8192, 32_768, 200_000, 1_000_000];

function latencies(n: number, kind: 'clock' | 'file'): Float64Array {
  const normal = normalFrom(seededRandom(n));
  const values = new Float64Array(n);
  const clockStart = 1_234_567.891; // ms since the process started, as performance.now() reads
  for (let i = 0; i < n; i++) {
    const ms = Math.exp(Math.log(5) + 0.6 * normal());
    values[i] =
      kind === 'clock' ? clockStart + i + ms - (clockStart + i) : Math.round(ms * 1000) / 1000;
  }
  return values;
}

function timeSort(values: Float64Array, sort: (copy: Float64Array) => unknown): number {
  const copy = values.slice();
  const start = performance.now();
  sort(copy);
  return performance.now() - start;
}

function compareAt(n: number, kind: 'clock' | 'file'): Record<string, number> {
  const values = latencies(n, kind);
  const repetitions = Math.max(9, Math.min(201, Math.round(4_000_000 / n)));
  const builtIn: number[] = [];
  const radix: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < repetitions + 2; r++) {
    if (n >= 200_000) collectGarbage();
    const [b, x] =
      r % 2 === 0
        ? [timeSort(values, (c) => c.sort()), timeSort(values, radixSortAscending)]
        : [NaN, timeSort(values, radixSortAscending)];
    const builtInMs = Number.isNaN(b) ? timeSort(values, (c) => c.sort()) : b;
    if (r < 2) continue; // warm-up
    builtIn.push(builtInMs);
    radix.push(x);
    ratios.push(x / builtInMs);
  }
  return {
    built_in_ns_per_value: round((median(builtIn) * 1e6) / n),
    radix_ns_per_value: round((median(radix) * 1e6) / n),
    ratio: round(median(ratios), 3),
  };
}

export default function sortBench(): Promise<Record<string, unknown>> {
  const figures: Record<string, unknown> = {};
  for (const kind of ['clock', 'file'] as const) {
    const byLength: Record<string, unknown> = {};
    for (const n of SIZES) byLength[n] = compareAt(n, kind);
    figures[`${kind}_latencies`] = byLength;
  }
  return Promise.resolve({
    how: 'radixSortAscending vs Float64Array.prototype.sort on copies of the same latencies (log-normal, median 5 ms), alternating, medians of repetitions; clock = differences of two clock readings, file = decimals to the µs',
    radix_sort_from: RADIX_SORT_FROM,
    ...figures,
    goal: 'ratio < 1 from radix_sort_from on; 1,000,000 values well under the built-in sort',
  });
}
