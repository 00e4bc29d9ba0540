import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MetricsCollector, sampleFlags } from '../../src/metrics/index.js';
import { renderSamplesCsv } from '../../src/report/index.js';
import { renderSamplesCsvBytes } from '../../src/report/csv.js';
import { renderSamplesArrow } from '../../src/report/arrow.js';
import { readSamplesFile } from '../../src/samples/index.js';
import { runCli, tempDir } from '../_helpers.js';

/** A recorded run of `n` samples with every kind of cell: flags, error names, odd doubles. */
function recordedRun(n: number) {
  const collector = new MetricsCollector({ sampleResources: false });
  collector.startCollection({ replay: true });
  const start = 1_700_000_000_000;
  for (let i = 0; i < n; i++) {
    const failed = i % 53 === 0;
    collector.record(
      0.1 + ((i * 7919) % 100_003) / 997.3,
      sampleFlags(!failed, i % 3 === 0 ? undefined : i % 3 === 1, i % 7 === 0),
      failed ? (i % 2 ? 'timeout' : 'naïve "quote", comma') : undefined,
      start + i * 0.37,
    );
  }
  collector.endCollection({ startMs: start - 200, endMs: start + n * 0.37 });
  return collector.recorded();
}

describe('writing samples.csv.gz', () => {
  it('the bytes are the text, row for row', () => {
    const recorded = recordedRun(25_000);
    const text = [...renderSamplesCsv(recorded)].join('');
    const bytes = Buffer.concat([...renderSamplesCsvBytes(recorded, 777)]);
    expect(bytes.toString()).toBe(text);
    expect(text.split('\n')).toHaveLength(25_002);
  });

  it('is compressed at gzip’s fastest level and reads back the same', async () => {
    const dir = tempDir('perfsight-write-');
    const rows = ['timestamp,latency_ms,success'];
    for (let i = 0; i < 2000; i++) rows.push(`${1_700_000_000 + i / 100},${1 + (i % 17)},true`);
    writeFileSync(join(dir, 'in.csv'), rows.join('\n') + '\n');
    const made = await runCli([
      'report',
      join(dir, 'in.csv'),
      '-o',
      join(dir, 'out'),
      '--no-history',
    ]);
    expect(made.stderr).toBe('');
    const gz = readFileSync(join(dir, 'out', 'samples.csv.gz'));
    // RFC 1952: XFL (byte 8) is 4 when the compressor used its fastest algorithm.
    expect(gz[8]).toBe(4);
    const back = gunzipSync(gz).toString().trim().split('\n');
    expect(back).toHaveLength(2001);
    expect(back[1]).toBe('1700000000,1,true,,false,');
  }, 60_000);

  it('a large run’s files, made on the samples worker, are the ones made in-process', async () => {
    const dir = tempDir('perfsight-worker-');
    const rows = ['timestamp,latency_ms,success,cache_hit,error_type'];
    for (let i = 0; i < 60_000; i++) {
      const failed = i % 41 === 0;
      rows.push(
        `${1_700_000_000 + i / 1000},${(1 + ((i * 7919) % 10_007) / 13).toFixed(4)},${!failed},` +
          `${i % 3 ? 'true' : ''},${failed ? 'timeout' : ''}`,
      );
    }
    const input = join(dir, 'in.csv');
    writeFileSync(input, rows.join('\n') + '\n');
    const made = await runCli(['report', input, '-o', join(dir, 'out'), '--no-history']);
    expect(made.stderr).toBe('');
    const collector = new MetricsCollector({ sampleResources: false });
    await readSamplesFile(input, collector);
    const recorded = collector.recorded();
    const csv = gunzipSync(readFileSync(join(dir, 'out', 'samples.csv.gz'))).toString();
    expect(csv).toBe([...renderSamplesCsv(recorded)].join(''));
    const arrow = readFileSync(join(dir, 'out', 'samples.arrow'));
    expect(Buffer.compare(arrow, Buffer.from(renderSamplesArrow(recorded)!))).toBe(0);
  }, 120_000);
});
