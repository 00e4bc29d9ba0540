/**
 * Reading raw samples (issue 13, item 1): perfsight's byte tokenizer (src/samples/_csv.ts)
 * against csv-parse, as perfsight used it before, and uDSV, all three feeding the same checks
 * and recorder, on one 1 M-row CSV (timestamp, latency_ms, success), in the same process,
 * interleaved, median of repetitions. Also checks the three agree on every figure.
 */
import { rmSync } from 'node:fs';
import { MetricsCollector, type AggregatedMetrics } from '../src/metrics/index.js';
import { readSamplesFile } from '../src/samples/index.js';
import { readWithUdsv } from './_samples-readers.js';
import { formerReadCsv } from '../test/samples/_former-read.js';
import { writeSamplesCsv } from './_samples-files.js';
import { collectGarbage, median, round } from './_stats.js';

const ROWS = 1_000_000;
const REPETITIONS = 3;

async function readWithPerfsight(path: string): Promise<AggregatedMetrics> {
  const collector = new MetricsCollector({ sampleResources: false });
  await readSamplesFile(path, collector);
  return collector.aggregatedMetrics;
}

export default async function samplesReadBench(): Promise<Record<string, unknown>> {
  const { path, folder } = writeSamplesCsv(ROWS, 1);
  try {
    const readers: Record<string, (path: string) => Promise<AggregatedMetrics>> = {
      perfsight: readWithPerfsight,
      csv_parse: (path) => formerReadCsv(path),
      udsv: readWithUdsv,
    };
    const times: Record<string, number[]> = {};
    const figures: Record<string, string> = {};
    for (let repetition = 0; repetition <= REPETITIONS; repetition++) {
      for (const [name, read] of Object.entries(readers)) {
        collectGarbage();
        const start = performance.now();
        figures[name] = JSON.stringify(await read(path));
        if (repetition > 0) (times[name] ??= []).push(performance.now() - start);
      }
    }
    const ms = (name: string) => median(times[name]!);
    return {
      how: `${ROWS.toLocaleString('en')} rows (timestamp, latency_ms, success) read into a recorder with every check; ${REPETITIONS} interleaved repetitions after a warm-up round, median ms`,
      perfsight_ms: round(ms('perfsight')),
      csv_parse_ms: round(ms('csv_parse')),
      udsv_ms: round(ms('udsv')),
      perfsight_vs_csv_parse_ratio: round(ms('perfsight') / ms('csv_parse')),
      perfsight_vs_udsv_ratio: round(ms('perfsight') / ms('udsv')),
      same_figures: new Set(Object.values(figures)).size === 1,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
