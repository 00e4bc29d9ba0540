/**
 * Sorting latencies at the end of a run (`SampleLog.sortedLatencies`, what `perfsight run`,
 * `report` and `compare` sort) against `Float64Array.prototype.sort`, whose output both
 * reproduce byte for byte. The radix sort (`radixSortAscending`, src/metrics/_sort.ts) on two
 * kinds of latencies: measured from a clock (a difference of two readings); and
 * `sortAscending` — the sample log's sort — on latencies read from a file (decimals to the
 * µs, which it counts on their decimal grid) and on a no-op's latencies (back-to-back clock
 * readings, few distinct values, which it counts too). Sizes from 512 to 1,000,000 (the exact cap): below `RADIX_SORT_FROM` the
 * built-in sort is faster and is kept (and `sortAscending` keeps it below `SORT_BY_OURS_FROM`,
 * where compiling ours in a fresh process costs more than it saves: figures in _sort.ts). Each figure is the median of repetitions, the two
 * sorts alternating on copies of the same array; ratio = ours / built-in.
 */
import { RADIX_SORT_FROM, radixSortAscending, sortAscending } from '../src/metrics/_sort.js';
import { normalFrom, seededRandom } from '../src/random/index.js';
import { collectGarbage, median, round } from './_stats.js';

const SIZES = [512, 1024, 2048, 4096, 8192, 32_768, 200_000, 1_000_000];

type Kind = 'clock' | 'file' | 'no-op';

function latencies(n: number, kind: Kind): Float64Array {
  if (kind === 'no-op') {
    // Back-to-back clock readings: what a no-op's calls measure, a few hundred distinct values.
    const values = new Float64Array(n);
    let last = performance.now();
    for (let i = 0; i < n; i++) {
      const now = performance.now();
      values[i] = now - last;
      last = now;
    }
    return values;
  }
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

function compareAt(n: number, kind: Kind): Record<string, number> {
  const values = latencies(n, kind);
  // The radix sort itself, or (file and no-op latencies) what the sample log uses.
  const ours = kind === 'clock' ? radixSortAscending : sortAscending;
  const repetitions = Math.max(9, Math.min(201, Math.round(4_000_000 / n)));
  const builtIn: number[] = [];
  const radix: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < repetitions + 2; r++) {
    if (n >= 200_000) collectGarbage();
    const [b, x] =
      r % 2 === 0
        ? [timeSort(values, (c) => c.sort()), timeSort(values, ours)]
        : [NaN, timeSort(values, ours)];
    const builtInMs = Number.isNaN(b) ? timeSort(values, (c) => c.sort()) : b;
    if (r < 2) continue; // warm-up
    builtIn.push(builtInMs);
    radix.push(x);
    ratios.push(x / builtInMs);
  }
  return {
    built_in_ns_per_value: round((median(builtIn) * 1e6) / n),
    ours_ns_per_value: round((median(radix) * 1e6) / n),
    ratio: round(median(ratios), 3),
  };
}

export default function sortBench(): Promise<Record<string, unknown>> {
  const figures: Record<string, unknown> = {};
  for (const kind of ['clock', 'file', 'no-op'] as const) {
    const byLength: Record<string, unknown> = {};
    for (const n of SIZES) byLength[n] = compareAt(n, kind);
    figures[`${kind}_latencies`] = byLength;
  }
  return Promise.resolve({
    how: 'radixSortAscending vs Float64Array.prototype.sort on copies of the same latencies (log-normal, median 5 ms), alternating, medians of repetitions; clock = differences of two clock readings (radix sort); file = decimals to the µs, sorted by sortAscending (counted on their decimal grid from RADIX_SORT_FROM on); no-op = back-to-back clock readings (few distinct values) sorted by sortAscending (counting them)',
    radix_sort_from: RADIX_SORT_FROM,
    ...figures,
    goal: 'ratio < 1 from radix_sort_from on; 1,000,000 values well under the built-in sort',
  });
}
