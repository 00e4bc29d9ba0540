/**
 * Reading raw samples (issue 13, item 1): perfsight's byte tokenizer (src/samples/_csv.ts)
 * against csv-parse, as perfsight used it before, and uDSV, all three feeding the same checks
 * and recorder, on one 1 M-row CSV (timestamp, latency_ms, success), in the same process,
 * interleaved, median of repetitions. `record_only` is the floor any reader can reach: the
 * same samples, parsed beforehand, recorded straight into a collector. Also checks all four
 * agree on every figure.
 */
import { readFileSync, rmSync } from 'node:fs';
import { MetricsCollector, sampleFlags, type AggregatedMetrics } from '../src/metrics/index.js';
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

/** The file's samples as numbers (untimed here), recorded by the timed part alone. */
function parsedBeforehand(path: string): (path: string) => Promise<AggregatedMetrics> {
  const lines = readFileSync(path, 'utf8').split('\n').slice(1).filter(Boolean);
  const latencyMs = new Float64Array(lines.length);
  const timestampMs = new Float64Array(lines.length);
  const flags = new Uint8Array(lines.length);
  let startMs = Infinity;
  let endMs = -Infinity;
  lines.forEach((line, i) => {
    const [timestamp, latency, success] = line.split(',');
    latencyMs[i] = Number(latency);
    timestampMs[i] = Number(timestamp) * 1000;
    flags[i] = sampleFlags(success === 'true');
    startMs = Math.min(startMs, timestampMs[i]! - latencyMs[i]!);
    endMs = Math.max(endMs, timestampMs[i]!);
  });
  return async () => {
    const collector = new MetricsCollector({ sampleResources: false });
    collector.startCollection({ replay: true });
    for (let i = 0; i < lines.length; i++) {
      const ok = flags[i]! !== 0;
      collector.record(latencyMs[i]!, flags[i]!, ok ? undefined : 'unknown', timestampMs[i]!);
    }
    collector.endCollection({ startMs, endMs });
    return collector.aggregatedMetrics;
  };
}

export default async function samplesReadBench(): Promise<Record<string, unknown>> {
  const { path, folder } = writeSamplesCsv(ROWS, 1);
  try {
    const readers: Record<string, (path: string) => Promise<AggregatedMetrics>> = {
      perfsight: readWithPerfsight,
      csv_parse: (path) => formerReadCsv(path),
      udsv: readWithUdsv,
      record_only: parsedBeforehand(path),
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
      record_only_ms: round(ms('record_only')),
      perfsight_vs_csv_parse_ratio: round(ms('perfsight') / ms('csv_parse')),
      perfsight_vs_udsv_ratio: round(ms('perfsight') / ms('udsv')),
      perfsight_vs_record_only_ratio: round(ms('perfsight') / ms('record_only')),
      same_figures: new Set(Object.values(figures)).size === 1,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
