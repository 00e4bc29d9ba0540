/**
 * Memory of a recorder against the number of samples: RSS after 1 M, 10 M and 50 M samples,
 * each in its own process. Below the exact cap (1 M) every sample is kept (≈ 19 bytes
 * each); beyond it only histograms and the timeline grow, so RSS must stay flat.
 * Goal: ≤ 32 MB above the 1 M figure at 50 M.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { round } from './_stats.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), '_memory-child.ts');
const SIZES = [1_000_000, 10_000_000, 50_000_000];

export default async function memoryBench(): Promise<Record<string, unknown>> {
  const figures: Record<string, unknown> = {
    how: 'one child process per size (node --expose-gc), collector.record with 1 s timeline, RSS after a full GC',
  };
  const rss: number[] = [];
  for (const samples of SIZES) {
    const output = execFileSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', child, String(samples)],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    const result = JSON.parse(output) as { rss_mb: number; rss_growth_mb: number };
    const label = `${samples / 1_000_000}M`;
    figures[`rss_mb_${label}`] = round(result.rss_mb);
    figures[`rss_growth_mb_${label}`] = round(result.rss_growth_mb);
    rss.push(result.rss_mb);
  }
  figures.rss_50M_minus_1M_mb = round(rss[2]! - rss[0]!);
  figures.goal = 'rss_50M_minus_1M_mb ≤ 32';
  return figures;
}
