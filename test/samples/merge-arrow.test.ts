/**
 * `perfsight merge` replays the shards' samples from samples.arrow (columns, no text parsed),
 * and from samples.csv.gz only in folders written before it: both give the very same merged
 * run — every figure, the timeline, the failures by type, the fallbacks' reasons — timed or
 * not. A damaged samples.arrow is one `perfsight:` line naming it, exit 2, nothing written.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  Bool,
  Float64,
  Int32,
  RecordBatchReader,
  Table,
  Utf8,
  type Vector,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  FLAG_CACHE_HIT,
  FLAG_CACHE_MISS,
  FLAG_SUCCESS,
  type RecordedRun,
} from '../../src/metrics/index.js';
import { mergeShards, readShardReport } from '../../src/samples/index.js';
import { readSamplesArrow } from '../../src/samples/arrow.js';
import { runCli, tempDir } from '../_helpers.js';

const dir = tempDir('perfsight-merge-arrow-');
const at = (...names: string[]) => join(dir, ...names);

/** A seeded xorshift32: the same rows on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/**
 * A raw-sample CSV with every column: failures of several types, cache hits, misses and
 * unknowns, fallbacks with and without a reason, latencies of all sizes. `shuffled`: rows not
 * in time order (a file `perfsight report` took from a log).
 */
function samplesCsv(seed: number, rows: number, timed: boolean, shuffled = false): string {
  const next = random(seed);
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const failed = next() < 0.08;
    const fallback = !failed && next() < 0.1;
    const errorType = failed
      ? ['timeout', 'http_503', 'ECONNRESET', 'say "hi", twice'][Math.floor(next() * 4)]!
      : fallback && next() < 0.7
        ? 'model_timeout'
        : '';
    const cells = [
      timed ? (1_700_000_000 + i / 97 + next() / 50).toFixed(6) : '',
      String(Math.exp(next() * 8) / 10),
      String(!failed),
      ['', 'true', 'false'][Math.floor(next() * 3)]!,
      String(fallback),
      /[",]/.test(errorType) ? `"${errorType.replaceAll('"', '""')}"` : errorType,
    ];
    if (!timed) cells.shift();
    lines.push(cells.join(','));
  }
  if (shuffled) lines.sort(() => next() - 0.5);
  const header = 'timestamp,latency_ms,success,cache_hit,fallback_used,error_type';
  return [timed ? header : header.replace('timestamp,', ''), ...lines].join('\n') + '\n';
}

/** Copies of `folders` without samples.arrow: how folders written before it look. */
function csvOnly(name: string, folders: string[]): string[] {
  return folders.map((folder, i) => {
    const copy = at(name, String(i + 1));
    cpSync(folder, copy, { recursive: true });
    rmSync(join(copy, 'samples.arrow'));
    return copy;
  });
}

async function merged(folders: string[]): Promise<RecordedRun> {
  return (await mergeShards(folders.map(readShardReport))).recorded;
}

/** A recorded run as plain data: figures, histograms and every sample in recorded order. */
function snapshot(recorded: RecordedRun) {
  const samples = recorded.samples!;
  const columns = samples.chunkColumns();
  const flat = (key: 'latencyMs' | 'timestampMs' | 'flags' | 'errorCode') =>
    columns.flatMap((chunk) => Array.from(chunk[key]));
  return {
    metrics: recorded.metrics,
    errorTypes: recorded.errorTypes,
    success: recorded.successHistogram,
    failure: recorded.failureHistogram,
    latency: flat('latencyMs'),
    timestamp: flat('timestampMs'),
    flags: flat('flags'),
    errorCode: flat('errorCode'),
  };
}

/** A report file without what differs between two merges of the same runs (when, where). */
function reportFile(folder: string, name: string): unknown {
  const report = JSON.parse(readFileSync(join(folder, name), 'utf8')) as Record<string, unknown>;
  delete report.generated_at;
  delete report.timestamp;
  for (const row of (report.merged_shards ?? []) as Array<Record<string, unknown>>) {
    delete row.folder;
  }
  return report;
}

async function mergeCli(folders: string[], out: string) {
  // --force: reports of different raw-sample files differ in their configuration's source.
  return runCli(['merge', ...folders, '-o', out, '--force', '--no-history', '--slo', 'p95<10s']);
}

describe('merge reads samples.arrow: the same merged run as from samples.csv.gz', () => {
  const shards = [1, 2, 3].map((i) => at('run', `shard-${i}`));
  const timed = [1, 2].map((i) => at('timed', `part-${i}`));
  const untimed = [1, 2].map((i) => at('untimed', `part-${i}`));

  beforeAll(async () => {
    // Real runs on three "machines" at once: interleaved times, failures, cache hits.
    const runs = shards.map((out, i) =>
      runCli([
        ...['run', 'synthetic', '-n', '1500', '-w', '0', '-c', '4', '--latency-ms', '0.3'],
        ...['--jitter', '0.6', '--error-rate', '0.06', '--cache-hit-rate', '0.3'],
        ...['--no-history', '--no-progress', '--no-profile', '--slo', 'p95<10s'],
        ...['--shard', `${i + 1}/3`, '--group', 'g', '-o', out],
      ]),
    );
    // Reports of raw-sample files with every column; the second one's rows out of time order.
    mkdirSync(at('csv'));
    const reports = [
      [timed[0]!, samplesCsv(1, 4000, true)],
      [timed[1]!, samplesCsv(2, 3000, true, true)],
      [untimed[0]!, samplesCsv(3, 2500, false)],
      [untimed[1]!, samplesCsv(4, 1800, false)],
    ].map(([out, csv], i) => {
      const file = at('csv', `samples-${i}.csv`);
      writeFileSync(file, csv!);
      return runCli(['report', file, '-o', out!, '--name', 'parts', '--no-history']);
    });
    for (const result of await Promise.all([...runs, ...reports])) {
      expect(result.code, result.stderr).not.toBe(2);
    }
  }, 180_000);

  it.each([
    ['three shards of a real run', () => shards, 'exact_linear'],
    ['reports with every column, one out of time order', () => timed, 'exact_linear'],
    ['untimed reports', () => untimed, 'exact_linear'],
  ])('%s: every figure and sample the same', async (name, folders) => {
    const fromArrow = await merged(folders());
    const fromCsv = await merged(csvOnly(`csv-${name}`, folders()));
    expect(fromArrow.samples!.length).toBeGreaterThan(1000);
    expect(fromArrow.metrics.failedSamples).toBeGreaterThan(0);
    expect(snapshot(fromArrow)).toEqual(snapshot(fromCsv));
  });

  it('the fallbacks, their reasons and the cache are carried over', async () => {
    const run = await merged(timed);
    expect(run.metrics.fallbackUses).toBeGreaterThan(0);
    expect(Object.keys(run.metrics.fallbackReasons)).toEqual(['model_timeout']);
    expect(run.metrics.cacheHits).toBeGreaterThan(0);
    expect(run.metrics.cacheMisses).toBeGreaterThan(0);
    expect(Object.keys(run.metrics.errorCounts).sort()).toEqual(
      ['ECONNRESET', 'http_503', 'say "hi", twice', 'timeout'].sort(),
    );
    expect((await merged(untimed)).metrics.requestsPerSecond).toBeNull();
  });

  it('perfsight merge writes the same reports from either file', async () => {
    for (const [name, folders] of [
      ['run', shards],
      ['timed', timed],
      ['untimed', untimed],
    ] as const) {
      const fromArrow = at(`out-arrow-${name}`);
      const fromCsv = at(`out-csv-${name}`);
      const a = await mergeCli(folders, fromArrow);
      const b = await mergeCli(csvOnly(`cli-${name}`, folders), fromCsv);
      expect([0, 1], a.stderr).toContain(a.code);
      expect(b.code, b.stderr).toBe(a.code);
      for (const file of ['summary.json', 'detailed.json', 'analysis.json']) {
        expect(reportFile(fromArrow, file), `${name} ${file}`).toEqual(reportFile(fromCsv, file));
      }
    }
  }, 120_000);

  it('reads samples.arrow, not samples.csv.gz, when a folder has both', async () => {
    const broken = shards.map((folder, i) => {
      const copy = at('broken-csv', String(i + 1));
      cpSync(folder, copy, { recursive: true });
      writeFileSync(join(copy, 'samples.csv.gz'), 'not gzip at all');
      return copy;
    });
    expect(snapshot(await merged(broken))).toEqual(snapshot(await merged(shards)));
  });
});

describe('merge refuses a damaged samples.arrow', () => {
  let good: string;
  let other: string;

  beforeAll(async () => {
    good = at('damage', 'good');
    other = at('damage', 'other');
    mkdirSync(at('damage'), { recursive: true });
    writeFileSync(at('damage', 'a.csv'), samplesCsv(5, 3000, true));
    writeFileSync(at('damage', 'b.csv'), samplesCsv(6, 2000, true));
    for (const [file, out] of [
      ['a.csv', good],
      ['b.csv', other],
    ] as const) {
      const made = await runCli(['report', at('damage', file), '-o', out, '--no-history']);
      expect(made.code, made.stderr).not.toBe(2);
    }
  }, 60_000);

  /** A copy of the good folder whose samples.arrow is `change`d. */
  function damaged(name: string, change: (arrow: string) => void): string {
    const folder = at('damage', name);
    cpSync(good, folder, { recursive: true });
    change(join(folder, 'samples.arrow'));
    return folder;
  }

  it.each([
    [
      'truncated',
      (arrow: string) => writeFileSync(arrow, readFileSync(arrow).subarray(0, 5000)),
      /samples\.arrow: is not a valid Arrow IPC file \(truncated or corrupt\?\)$/,
    ],
    [
      'of another run (not as many samples as detailed.json counts)',
      (arrow: string) => cpSync(join(other, 'samples.arrow'), arrow),
      /samples\.arrow: has 2000 samples, but its detailed\.json counts 3000 requests$/,
    ],
    [
      'a directory',
      (arrow: string) => {
        rmSync(arrow);
        mkdirSync(arrow);
      },
      /samples\.arrow: is a directory, not a samples file$/,
    ],
    [
      'a symbolic link',
      (arrow: string) => {
        rmSync(arrow);
        symlinkSync(join(good, 'samples.arrow'), arrow);
      },
      /samples\.arrow: is a symbolic link/,
    ],
  ])(
    '%s: one perfsight: line naming it, exit 2, nothing written',
    async (name, change, message) => {
      const folder = damaged(name.replaceAll(/\W+/g, '-'), change);
      const out = at('damage', `out-${name.replaceAll(/\W+/g, '-')}`);
      const result = await mergeCli([other, folder], out);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^perfsight: /);
      expect(result.stderr.trim()).toMatch(message);
      expect(existsSync(out)).toBe(false);
    },
    60_000,
  );

  it('a batch entry of the footer pointing at another message: refused, not read forever', async () => {
    // Apache Arrow's tableFromIPC loops forever on such a file (it never moves past a message
    // that is not a record batch); perfsight reads batch by batch, each one's type checked.
    const folder = damaged('footer', (arrow) => {
      const bytes = readFileSync(arrow);
      const reader = RecordBatchReader.from(bytes);
      reader.open();
      const batch = reader.footer!.getRecordBatch(0)!;
      const dictionary = reader.footer!.getDictionaryBatch(0)!;
      // The footer's Block structs: offset (int64), metadata length (int32, padded), body length.
      const offset = Buffer.alloc(8);
      offset.writeBigInt64LE(BigInt(batch.offset));
      const footerStart = bytes.length - 10 - bytes.readInt32LE(bytes.length - 10);
      const at = bytes.indexOf(offset, footerStart);
      expect(at).toBeGreaterThan(footerStart);
      bytes.writeBigInt64LE(BigInt(dictionary.offset), at);
      bytes.writeInt32LE(dictionary.metaDataLength, at + 8);
      bytes.writeBigInt64LE(BigInt(dictionary.bodyLength), at + 16);
      writeFileSync(arrow, bytes);
    });
    const out = at('damage', 'out-footer');
    const result = await runCli(
      ['merge', other, folder, '-o', out, '--force', '--no-history', '--slo', 'p95<10s'],
      { timeoutMs: 30_000 },
    );
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /^perfsight: .*samples\.arrow: is not a valid Arrow IPC file \(truncated or corrupt\?\)$/,
    );
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('a latency that is not a number: the file and the row named', async () => {
    const table = await readSamplesArrow(join(good, 'samples.arrow'));
    const folder = damaged('nan', (arrow) => {
      // The 100th latency's eight bytes, as the file stores them, made NaN.
      const bytes = readFileSync(arrow);
      const value = Buffer.alloc(8);
      value.writeDoubleLE(table.latencyMs[99]!);
      const offset = bytes.indexOf(value);
      expect(offset).toBeGreaterThan(0);
      Buffer.alloc(8, 0xff).copy(bytes, offset);
      writeFileSync(arrow, bytes);
    });
    const out = at('damage', 'out-nan');
    const result = await mergeCli([other, folder], out);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /^perfsight: .*samples\.arrow: row 100: latency_ms NaN is not a finite number ≥ 0$/,
    );
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('any damage — bytes changed, cut or lost anywhere — is an InputError naming the file, never a crash', async () => {
    const path = join(good, 'samples.arrow');
    const original = readFileSync(path);
    const next = random(7);
    const target = at('damage', 'fuzz.arrow');
    let refused = 0;
    for (let round = 0; round < 300; round++) {
      const bytes = Buffer.from(original);
      const where = Math.floor(next() * bytes.length);
      const kind = round % 3;
      let damagedBytes: Buffer;
      if (kind === 0) {
        // A few bytes overwritten at random.
        for (let k = 0; k < 1 + Math.floor(next() * 8); k++) {
          bytes[Math.min(bytes.length - 1, where + Math.floor(next() * 64))] = Math.floor(
            next() * 256,
          );
        }
        damagedBytes = bytes;
      } else if (kind === 1) {
        damagedBytes = bytes.subarray(0, where); // cut short
      } else {
        // A span lost from the middle.
        damagedBytes = Buffer.concat([
          bytes.subarray(0, where),
          bytes.subarray(Math.min(bytes.length, where + 1 + Math.floor(next() * 4096))),
        ]);
      }
      writeFileSync(target, damagedBytes);
      const outcome = await readSamplesArrow(target).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (outcome === undefined) continue;
      expect(outcome).toBeInstanceOf(InputError);
      expect((outcome as Error).message.startsWith(`${target}: `)).toBe(true);
      refused++;
    }
    // Most damage is caught (a changed latency bit may leave a valid number: no checksum).
    expect(refused).toBeGreaterThan(150);
  }, 120_000);
});

describe('readSamplesArrow: any Arrow file of the sample columns, by the CSV’s rules', () => {
  const file = (name: string, columns: Record<string, Vector>) => {
    const path = at(`${name}.arrow`);
    writeFileSync(path, tableToIPC(new Table(columns), 'file'));
    return path;
  };
  const floats = (values: Array<number | null>) => vectorFromArray(values, new Float64());
  const bools = (values: Array<boolean | null>) => vectorFromArray(values, new Bool());

  it('only latency_ms: every call a success, untimed', async () => {
    const table = await readSamplesArrow(file('latency-only', { latency_ms: floats([1.5, 2.5]) }));
    expect(table.timed).toBe(false);
    expect([...table.latencyMs]).toEqual([1.5, 2.5]);
    expect([...table.flags]).toEqual([FLAG_SUCCESS, FLAG_SUCCESS]);
    expect([...table.errorCode]).toEqual([0, 0]);
  });

  it('error_type as plain strings; cache_hit true, false or unknown', async () => {
    const table = await readSamplesArrow(
      file('plain-strings', {
        timestamp_ms: floats([1000, 2000, 3000]),
        latency_ms: floats([1, 2, 3]),
        success: bools([true, false, false]),
        cache_hit: bools([true, false, null]),
        error_type: vectorFromArray(['', 'timeout', null], new Utf8()),
      }),
    );
    expect(table.timed).toBe(true);
    expect([...table.timestampMs]).toEqual([1000, 2000, 3000]);
    expect([...table.flags]).toEqual([FLAG_SUCCESS | FLAG_CACHE_HIT, FLAG_CACHE_MISS, 0]);
    expect([...table.errorCode].map((code) => table.errorTypes[code])).toEqual(['', 'timeout', '']);
  });

  it.each([
    [
      'a timestamp missing on one row',
      { latency_ms: floats([1, 2, 3]), timestamp_ms: floats([1000, null, 3000]) },
      /row 2: timestamp_ms is missing$/,
    ],
    [
      'a timestamp on one row only',
      { latency_ms: floats([1, 2, 3]), timestamp_ms: floats([null, null, 3000]) },
      /row 3: timestamp_ms given here but not on earlier rows$/,
    ],
    [
      'a negative latency',
      { latency_ms: floats([1, -2]) },
      /row 2: latency_ms -2 is not a finite number ≥ 0$/,
    ],
    ['a missing latency', { latency_ms: floats([1, null]) }, /row 2: latency_ms is missing$/],
    [
      'a missing success',
      { latency_ms: floats([1, 2]), success: bools([true, null]) },
      /row 2: success is missing$/,
    ],
    [
      'latencies that are not float64',
      { latency_ms: vectorFromArray([1, 2], new Int32()) },
      /has no float64 latency_ms column$/,
    ],
    ['no latency_ms column', { latency: floats([1, 2]) }, /has no float64 latency_ms column$/],
    [
      'a success column of numbers',
      { latency_ms: floats([1, 2]), success: floats([1, 0]) },
      /its success column is not of booleans$/,
    ],
  ])('%s: an InputError naming the file and row', async (name, columns, message) => {
    const path = file(name.replaceAll(/\W+/g, '-'), columns);
    const error = await readSamplesArrow(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message.startsWith(`${path}: `)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});
