/**
 * `perfsight merge`'s exact path (issue 13, item 2): the shards' samples replayed into one
 * recorder from samples.arrow (columns, no text parsed) against from samples.csv.gz (how
 * folders written before samples.arrow are merged), on two report folders of 500,000 samples
 * each (1,000,000 merged, their times interleaved), in the same process, alternating, median
 * of repetitions. Also checks both give the same figures.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MetricsCollector } from '../src/metrics/index.js';
import { mergeShards, readSamplesFile, readShardReport } from '../src/samples/index.js';
import { readSamplesArrow } from '../src/samples/arrow.js';
import { writeSamplesCsv } from './_samples-files.js';
import { collectGarbage, median, round } from './_stats.js';

const ROWS_PER_SHARD = 500_000;
const REPETITIONS = 3;
const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'perfsight.js');

async function merged(folders: string[]): Promise<string> {
  const { recorded } = await mergeShards(folders.map(readShardReport));
  return JSON.stringify(recorded.metrics);
}

/** Only reading the shards' samples into columns (what the merge then replays). */
async function readOnly(folders: string[], arrow: boolean): Promise<string> {
  let samples = 0;
  for (const folder of folders) {
    if (arrow) {
      samples += (await readSamplesArrow(path.join(folder, 'samples.arrow'))).length;
    } else {
      const collector = new MetricsCollector({ sampleResources: false });
      samples += (await readSamplesFile(path.join(folder, 'samples.csv.gz'), collector)).samples;
    }
  }
  return String(samples);
}

export default async function mergeBench(): Promise<Record<string, unknown>> {
  const folder = mkdtempSync(path.join(tmpdir(), 'perfsight-bench-merge-'));
  try {
    const arrowFolders: string[] = [];
    const csvFolders: string[] = [];
    for (const seed of [1, 2]) {
      const { path: csv } = writeSamplesCsv(ROWS_PER_SHARD, seed, 1, folder);
      const out = path.join(folder, `shard-${seed}`);
      const made = spawnSync(process.execPath, [bin, 'report', csv, '-o', out, '--no-history'], {
        encoding: 'utf8',
      });
      if (made.status === 2 || made.status === 3) throw new Error(made.stderr.slice(0, 300));
      arrowFolders.push(out);
      // A folder written before samples.arrow: only samples.csv.gz.
      const old = path.join(folder, `old-${seed}`);
      cpSync(out, old, { recursive: true });
      rmSync(path.join(old, 'samples.arrow'));
      csvFolders.push(old);
    }
    const ways: Record<string, () => Promise<string>> = {
      arrow: () => merged(arrowFolders),
      csv: () => merged(csvFolders),
      arrow_read: () => readOnly(arrowFolders, true),
      csv_read: () => readOnly(csvFolders, false),
    };
    const times: Record<string, number[]> = {};
    const figures: Record<string, string> = {};
    for (let repetition = 0; repetition <= REPETITIONS; repetition++) {
      for (const [name, way] of Object.entries(ways)) {
        collectGarbage();
        const start = performance.now();
        figures[name] = await way();
        if (repetition > 0) (times[name] ??= []).push(performance.now() - start);
      }
    }
    const ms = (name: string) => median(times[name]!);
    return {
      how: `mergeShards of 2 report folders × ${ROWS_PER_SHARD.toLocaleString('en')} samples (timestamp, latency_ms, success; times interleaved): every sample replayed in time order into one recorder, exact percentiles; ${REPETITIONS} alternating repetitions after a warm-up round, median ms`,
      arrow_ms: round(ms('arrow')),
      csv_ms: round(ms('csv')),
      arrow_vs_csv_ratio: round(ms('arrow') / ms('csv')),
      read_only: 'the shards’ samples read into columns (Arrow) or into a recorder (CSV), no merge',
      arrow_read_ms: round(ms('arrow_read')),
      csv_read_ms: round(ms('csv_read')),
      arrow_vs_csv_read_ratio: round(ms('arrow_read') / ms('csv_read')),
      same_figures: figures.arrow === figures.csv && figures.arrow_read === figures.csv_read,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
