/** Raw-sample files for the data-path benches: seeded, so every run reads the same rows. */
import { closeSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A CSV of `rows` samples (timestamp, latency_ms, success) in a new temporary folder:
 * log-normal latencies around 20 ms × `scale`, 0.5 % failures, one call per millisecond.
 * Written as most tools log: epoch seconds and milliseconds with three decimals.
 */
export function writeSamplesCsv(
  rows: number,
  seed: number,
  scale = 1,
  folder = mkdtempSync(join(tmpdir(), 'perfsight-bench-')),
): { path: string; folder: string } {
  let state = seed >>> 0 || 1;
  // xorshift32: fast, seeded, good enough for test data.
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const path = join(folder, `samples-${seed}-${rows}.csv`);
  const fd = openSync(path, 'w');
  let chunk = 'timestamp,latency_ms,success\n';
  for (let i = 0; i < rows; i++) {
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const latency = 20 * scale * Math.exp(0.5 * normal);
    chunk += `${(1_700_000_000 + i / 1000).toFixed(3)},${latency.toFixed(3)},${random() < 0.995}\n`;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
  return { path, folder };
}
