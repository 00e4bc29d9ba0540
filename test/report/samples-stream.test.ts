import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MetricsCollector, sampleFlags, type SampleColumns } from '../../src/metrics/index.js';
import { ARROW_BY_ASKER, ARROW_BY_ENCODER } from '../../src/report/_arrow-claim.js';
import {
  MEMBER_BYTES,
  SamplesEncoder,
  encodeSamplesHere,
} from '../../src/report/_samples-encode.js';
import type { SamplesFiles } from '../../src/report/_samples-files.js';
import type { RecordedRun } from '../../src/metrics/index.js';
import { renderSamplesArrow } from '../../src/report/arrow.js';
import { readSamplesFile } from '../../src/samples/index.js';
import { ROOT, runCli, tempDir } from '../_helpers.js';
import { formerSamplesCsvChunks } from './_former-samples-csv.js';

const CHUNK = 65_536;

/** Records `n` samples; error types first seen late, so the name table grows during the run. */
function record(
  n: number,
  timed: boolean,
  onSamples?: (columns: SampleColumns, errorTypes: readonly string[]) => void,
) {
  const collector = new MetricsCollector({ sampleResources: false, onSamples });
  collector.startCollection({ replay: true });
  for (let i = 0; i < n; i++) {
    const failed = i % 97 === 0;
    collector.record(
      Number((0.5 + ((i * 7919) % 100_003) / 997.3).toFixed(i % 4)),
      sampleFlags(!failed, i % 3 === 0 ? undefined : i % 3 === 1, i % 11 === 0),
      failed ? `error after ${Math.floor(i / 40_000)} × 40,000 "samples"` : undefined,
      timed ? 1_700_000_000_000 + i * 1.5 : 0,
    );
  }
  const start = 1_700_000_000_000;
  collector.endCollection(
    timed ? { startMs: start - 10, endMs: start + n * 1.5 } : { timed: false },
  );
  return collector.recorded();
}

const former = (columns: SampleColumns[], errorTypes: readonly string[], timed: boolean) =>
  Buffer.concat([...formerSamplesCsvChunks(columns, errorTypes, timed)]);

describe('samples handed on while they are recorded', () => {
  it('the collector passes each full chunk as soon as it is final, with the names so far', () => {
    const seen: Array<{ length: number; at: number; names: number; first: number }> = [];
    let recordedSoFar = 0;
    const collector = new MetricsCollector({
      sampleResources: false,
      onSamples: (columns, errorTypes) =>
        seen.push({
          length: columns.length,
          at: recordedSoFar,
          names: errorTypes.length,
          first: columns.latencyMs[0]!,
        }),
    });
    collector.startCollection({ replay: true });
    for (let i = 0; i < 3 * CHUNK + 5; i++) {
      collector.record(i, sampleFlags(i % 50_000 !== 1), `e${i}`, 1_700_000_000_000 + i);
      recordedSoFar++;
    }
    collector.endCollection();
    // Three full chunks, each passed while the next sample was being recorded; the partial
    // fourth is not passed.
    expect(seen.map((part) => part.length)).toEqual([CHUNK, CHUNK, CHUNK]);
    expect(seen.map((part) => part.at)).toEqual([CHUNK, 2 * CHUNK, 3 * CHUNK]);
    expect(seen.map((part) => part.first)).toEqual([0, CHUNK, 2 * CHUNK]);
    expect(seen[0]!.names).toBeGreaterThanOrEqual(3);
    const chunks = collector.recorded().samples!.chunkColumns();
    expect(chunks).toHaveLength(4);
  });

  it('the chunks handed on are shared memory (posted to the worker without a copy); others not', () => {
    const handed: SampleColumns[] = [];
    const shared = record(CHUNK + 10, true, (columns) => handed.push(columns));
    expect(handed).toHaveLength(1);
    for (const columns of shared.samples!.chunkColumns()) {
      for (const column of [
        columns.latencyMs,
        columns.timestampMs,
        columns.flags,
        columns.errorCode,
      ]) {
        expect(column.buffer).toBeInstanceOf(SharedArrayBuffer);
      }
    }
    const own = record(CHUNK + 10, true);
    for (const columns of own.samples!.chunkColumns()) {
      expect(columns.latencyMs.buffer).toBeInstanceOf(ArrayBuffer);
    }
    // The same samples either way.
    const [a, b] = [shared, own].map((run) =>
      former(run.samples!.chunkColumns(), run.errorTypes, true),
    );
    expect(a!.equals(b!)).toBe(true);
  });

  it.each([true, false])(
    'encoding the parts as they come gives the bytes of the whole at once (timed: %s)',
    async (timed) => {
      const parts: Array<{ columns: SampleColumns; errorTypes: string[] }> = [];
      const recorded = record(3 * CHUNK + 123, timed, (columns, errorTypes) =>
        parts.push({ columns, errorTypes: [...errorTypes] }),
      );
      expect(parts).toHaveLength(3);
      // Names were added after the first part was passed.
      expect(parts[0]!.errorTypes.length).toBeLessThan(recorded.errorTypes.length);
      const encoder = new SamplesEncoder();
      for (const part of parts) await encoder.add(part.columns, part.errorTypes);
      const all = recorded.samples!.chunkColumns();
      const streamed = await encoder.end({
        columns: all.slice(parts.length),
        errorTypes: recorded.errorTypes,
        timed,
      });
      const csv = gunzipSync(streamed.csvGz);
      expect(csv.equals(former(all, recorded.errorTypes, timed))).toBe(true);
      const whole = await encodeSamplesHere({
        columns: all,
        errorTypes: recorded.errorTypes,
        timed,
      });
      expect(Buffer.from(streamed.csvGz).equals(Buffer.from(whole.csvGz))).toBe(true);
      // The Arrow file's pieces, written one after the other, are the file made in one go.
      const arrow = Buffer.concat(streamed.arrow!);
      expect(arrow.equals(Buffer.from(renderSamplesArrow(recorded)!))).toBe(true);
      expect(streamed.arrow!.length).toBeGreaterThan(1);
    },
  );

  it('a run timed at the epoch’s first instant (guessed untimed from its first part) is rendered again', async () => {
    const collector = new MetricsCollector({ sampleResources: false });
    collector.startCollection({ replay: true });
    for (let i = 0; i < CHUNK + 10; i++) collector.record(1 + (i % 7), 1, undefined, i < 5 ? 0 : i);
    collector.endCollection({ startMs: 0, endMs: CHUNK + 10 });
    const recorded = collector.recorded();
    const all = recorded.samples!.chunkColumns();
    const encoder = new SamplesEncoder();
    await encoder.add(all[0]!, recorded.errorTypes);
    const streamed = await encoder.end({
      columns: all.slice(1),
      errorTypes: recorded.errorTypes,
      timed: true,
    });
    const csv = gunzipSync(streamed.csvGz);
    expect(csv.equals(former(all, recorded.errorTypes, true))).toBe(true);
    expect(csv.toString().split('\n', 3)[1]).toBe('0,1,true,,false,');
  });
});

describe('samples.csv.gz in gzip members', () => {
  const fastest = (text: Buffer) => gzipSync(text, { level: constants.Z_BEST_SPEED });
  /**
   * A Python that can import `modules` (the tests of Python's readers need one), or a loud
   * failure saying how to get it — never a skipped test. The one on PATH may be a version
   * manager's without pandas; Debian's is tried too.
   */
  const pythonWith = (modules: string): string => {
    const found = ['python3', '/usr/bin/python3'].find(
      (python) => spawnSync(python, ['-c', `import ${modules}`]).status === 0,
    );
    if (found) return found;
    throw new Error(
      `no python3 that imports ${modules}: install it with "apt-get install -y python3-pandas" (.ci/run does)`,
    );
  };

  it('a text under MEMBER_BYTES is one member: the bytes gzip makes at its fastest level', async () => {
    const recorded = record(20_000, true);
    const columns = recorded.samples!.chunkColumns();
    const { csvGz } = await encodeSamplesHere({
      columns,
      errorTypes: recorded.errorTypes,
      timed: true,
    });
    const text = former(columns, recorded.errorTypes, true);
    expect(text.length).toBeLessThan(MEMBER_BYTES);
    expect(Buffer.from(csvGz).equals(fastest(text))).toBe(true);
  });

  describe('a longer text', async () => {
    const recorded = record(260_000, true);
    const columns = recorded.samples!.chunkColumns();
    const text = former(columns, recorded.errorTypes, true);
    // Handed over in parts, as the samples worker is: the members do not depend on it.
    const encoder = new SamplesEncoder();
    for (const part of columns.slice(0, 2)) await encoder.add(part, recorded.errorTypes);
    const { csvGz } = await encoder.end({
      columns: columns.slice(2),
      errorTypes: recorded.errorTypes,
      timed: true,
    });
    const dir = tempDir('perfsight-members-');
    const file = join(dir, 'samples.csv.gz');
    writeFileSync(file, csvGz);

    it('is cut every MEMBER_BYTES of text, each piece gzip’s fastest member, in order', () => {
      const pieces: Buffer[] = [];
      for (let at = 0; at < text.length; at += MEMBER_BYTES) {
        pieces.push(fastest(text.subarray(at, at + MEMBER_BYTES)));
      }
      expect(pieces.length).toBeGreaterThanOrEqual(3);
      expect(Buffer.from(csvGz).equals(Buffer.concat(pieces))).toBe(true);
    });

    it('reads back as the one text: Node’s zlib, gzip -dc (zcat)', () => {
      expect(gunzipSync(csvGz).equals(text)).toBe(true);
      const zcat = spawnSync('gzip', ['-dc', file], { maxBuffer: 1 << 30 });
      expect(zcat.status).toBe(0);
      expect(zcat.stdout.equals(text)).toBe(true);
    });

    it('reads back as the one text: perfsight’s own reader', async () => {
      const collector = new MetricsCollector({ sampleResources: false });
      await readSamplesFile(file, collector);
      const again = collector.recorded();
      expect(again.samples!.length).toBe(260_000);
      expect(former(again.samples!.chunkColumns(), again.errorTypes, true).equals(text)).toBe(true);
    });

    it('reads back as the one text: Python’s gzip', () => {
      const read = spawnSync(
        pythonWith('gzip'),
        ['-c', 'import gzip, sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())', file],
        { maxBuffer: 1 << 30 },
      );
      expect(read.status).toBe(0);
      expect(read.stdout.equals(text)).toBe(true);
    });

    it('reads back as the one table: pandas', () => {
      const pandasPython = pythonWith('pandas');
      const script =
        'import pandas, sys; t = pandas.read_csv(sys.argv[1]); print(len(t), t["latency_ms"].sum())';
      const read = spawnSync(pandasPython, ['-c', script, file], { encoding: 'utf8' });
      const plain = join(dir, 'samples.csv');
      writeFileSync(plain, text);
      const expected = spawnSync(pandasPython, ['-c', script, plain], { encoding: 'utf8' });
      expect(read.status).toBe(0);
      expect(read.stdout).toBe(expected.stdout);
      expect(read.stdout.split(' ')[0]).toBe('260000');
    });
  });
});

describe('perfsight report of a large file: samples encoded while read', () => {
  /** A CSV of `n` rows; error types that first appear late; timestamps when `timed`. */
  function samplesFile(dir: string, n: number, timed: boolean, last = ''): string {
    const rows = [`${timed ? 'timestamp,' : ''}latency_ms,success,cache_hit,error_type`];
    for (let i = 0; i < n; i++) {
      const failed = i % 41 === 0;
      rows.push(
        `${timed ? `${1_700_000_000 + i / 1000},` : ''}${(1 + ((i * 7919) % 10_007) / 13).toFixed(i % 5)},` +
          `${!failed},${i % 3 ? 'true' : ''},${failed ? `timeout ${Math.floor(i / 70_000)}` : ''}`,
      );
    }
    if (last) rows.push(last);
    const path = join(dir, `in-${timed}.csv`);
    writeFileSync(path, rows.join('\n') + '\n');
    return path;
  }

  it.each([true, false])(
    'writes the very files of the whole run encoded at once (timed: %s)',
    async (timed) => {
      const dir = tempDir('perfsight-stream-');
      const input = samplesFile(dir, 3 * CHUNK + 777, timed);
      const made = await runCli(['report', input, '-o', join(dir, 'out'), '--no-history']);
      expect(made.stderr).toBe('');
      const collector = new MetricsCollector({ sampleResources: false });
      await readSamplesFile(input, collector);
      const recorded = collector.recorded();
      expect(recorded.errorTypes.length).toBeGreaterThan(3);
      const csv = gunzipSync(readFileSync(join(dir, 'out', 'samples.csv.gz')));
      const expected = former(recorded.samples!.chunkColumns(), recorded.errorTypes, timed);
      expect(csv.equals(expected)).toBe(true);
      const arrow = readFileSync(join(dir, 'out', 'samples.arrow'));
      expect(arrow.equals(Buffer.from(renderSamplesArrow(recorded)!))).toBe(true);
    },
    120_000,
  );

  it('a bad line after chunks were handed on: one message, exit 2, nothing written', async () => {
    const dir = tempDir('perfsight-stream-bad-');
    const input = samplesFile(dir, 2 * CHUNK + 10, true, '1700001000,fast,true,,');
    const out = join(dir, 'out');
    const made = await runCli(['report', input, '-o', out, '--no-history']);
    expect(made.code).toBe(2);
    expect(made.stderr.trim().split('\n')).toHaveLength(1);
    expect(made.stderr).toMatch(/^perfsight: .*in-true\.csv:131084: latency_ms "fast"/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);

  it('a bad objective: the worker started for the file ends, exit 2, nothing written', async () => {
    // The worker is started as soon as the arguments are parsed, before the objectives are
    // read: an error then must not leave the process waiting on it.
    const dir = tempDir('perfsight-stream-slo-');
    const input = samplesFile(dir, 2 * CHUNK + 10, true);
    const out = join(dir, 'out');
    const made = await runCli(['report', input, '-o', out, '--no-history', '--slo', 'p99<']);
    expect(made.code).toBe(2);
    expect(made.stderr).toMatch(/^perfsight: /);
    expect(existsSync(out)).toBe(false);
  }, 120_000);
});

describe('the samples worker’s start', () => {
  it('loads neither apache-arrow nor hdr-histogram-js, from its start to samples.arrow made (built)', () => {
    // samples.arrow is written without apache-arrow (report/_arrow-ipc.ts): loading it took
    // the worker longer than the writing.
    // Every URL the worker's module resolves, by a resolve hook; CommonJS by require's cache.
    const hook = `
      const seen = [];
      export function initialize(port) { globalThis.port = port; }
      export async function resolve(specifier, context, next) {
        const resolved = await next(specifier, context);
        globalThis.port.postMessage(resolved.url);
        return resolved;
      }
    `;
    const script = `
      import { createRequire, register } from 'node:module';
      import { MessageChannel } from 'node:worker_threads';
      const { port1, port2 } = new MessageChannel();
      const urls = [];
      port1.on('message', (url) => urls.push(url));
      port1.unref();
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}), import.meta.url, {
        data: port2,
        transferList: [port2],
      });
      const { SamplesEncoder } = await import(${JSON.stringify(join(ROOT, 'dist', 'report', '_samples-encode.js'))});
      await new Promise((resolve) => setTimeout(resolve, 100));
      const n = 70000;
      const columns = { length: n, latencyMs: new Float64Array(n).fill(1.5), timestampMs: new Float64Array(n),
        flags: new Uint8Array(n).fill(1), errorCode: new Uint16Array(n) };
      const encoded = await new SamplesEncoder().end({ columns: [columns], errorTypes: [''], timed: false });
      if (!encoded.arrow || encoded.arrow.length === 0) throw new Error('no samples.arrow');
      const files = [...Object.keys(createRequire(import.meta.url).cache), ...urls];
      console.log(JSON.stringify(files.filter((file) => file.includes('node_modules'))));
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    const loaded = JSON.parse(result.stdout) as string[];
    expect(loaded.filter((file) => /apache-arrow|hdr-histogram-js/.test(file))).toEqual([]);
  });
});

describe('samples.arrow, made by whichever thread is free first', () => {
  it('the encoder makes it unless the asking thread claimed it first', async () => {
    const recorded = record(CHUNK + 99, true);
    const job = () => ({
      columns: recorded.samples!.chunkColumns(),
      errorTypes: recorded.errorTypes,
      timed: true,
      arrowClaim: new Int32Array(new SharedArrayBuffer(4)),
    });
    const free = job();
    const made = await new SamplesEncoder().end(free);
    expect(free.arrowClaim[0]).toBe(ARROW_BY_ENCODER);
    expect(Buffer.concat(made.arrow!).equals(Buffer.from(renderSamplesArrow(recorded)!))).toBe(
      true,
    );
    const claimed = job();
    claimed.arrowClaim[0] = ARROW_BY_ASKER;
    const skipped = await new SamplesEncoder().end(claimed);
    expect(skipped.arrow).toBeUndefined();
    expect(Buffer.from(skipped.csvGz).equals(Buffer.from(made.csvGz))).toBe(true);
  });

  it('asked before the worker got to it, the main thread makes it: the same file (built)', async () => {
    const { encodeSamples } = (await import(join(ROOT, 'dist', 'report', '_samples-files.js'))) as {
      encodeSamples: (recorded: RecordedRun) => () => SamplesFiles;
    };
    const recorded = record(2 * CHUNK + 5, true);
    const encoded = encodeSamples(recorded);
    // Asked at once: the worker has not even started, so this thread claims the Arrow file.
    const asked = encoded();
    expect(encoded()).toBe(asked);
    const arrow = await asked.arrow;
    expect(Buffer.concat(arrow!).equals(Buffer.from(renderSamplesArrow(recorded)!))).toBe(true);
    const csv = gunzipSync(Buffer.concat(await asked.csvGz));
    const all = recorded.samples!.chunkColumns();
    expect(csv.equals(former(all, recorded.errorTypes, true))).toBe(true);
  }, 60_000);
});
