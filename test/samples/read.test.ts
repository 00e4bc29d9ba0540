import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { MetricsCollector } from '../../src/metrics/index.js';
import { renderSamplesCsv } from '../../src/report/index.js';
import { readSamplesFile } from '../../src/samples/index.js';
import { tempDir } from '../_helpers.js';

const dir = tempDir('perfsight-samples-');

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function read(path: string) {
  const collector = new MetricsCollector({ sampleResources: false });
  const result = await readSamplesFile(path, collector);
  return { result, metrics: collector.aggregatedMetrics };
}

async function problem(path: string): Promise<string> {
  const error = await read(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  return (error as InputError).message;
}

describe('readSamplesFile', () => {
  it('keeps why the fallback answered a successful call (error_type), apart from the errors', async () => {
    const path = file(
      'fallback-reasons.csv',
      [
        'timestamp,latency_ms,success,cache_hit,fallback_used,error_type',
        '1700000000.0,10,true,false,true,model_timeout',
        '1700000000.1,11,true,false,true,model_error:ModelCrash',
        '1700000000.2,12,true,false,true,model_timeout',
        '1700000000.3,13,false,false,false,timeout',
        '1700000000.4,14,true,true,false,',
      ].join('\n'),
    );
    const collector = new MetricsCollector({ sampleResources: false });
    await readSamplesFile(path, collector);
    const recorded = collector.recorded();
    expect(recorded.metrics.fallbackReasons).toEqual({
      model_timeout: 2,
      'model_error:ModelCrash': 1,
    });
    expect(recorded.metrics.errorCounts).toEqual({ timeout: 1 });
    expect(recorded.metrics.successRate).toBe(0.8);
    // Written back as read: the reasons stay on their samples.
    const rows = [...renderSamplesCsv(recorded)].join('').trim().split('\n').slice(1);
    expect(rows.map((r) => r.split(',').slice(2).join(','))).toEqual([
      'true,false,true,model_timeout',
      'true,false,true,model_error:ModelCrash',
      'true,false,true,model_timeout',
      'false,false,false,timeout',
      'true,true,false,',
    ]);
  });

  it('reads CSV with every column, booleans in both spellings', async () => {
    const path = file(
      'ok.csv',
      [
        'timestamp,latency_ms,success,cache_hit,fallback_used,error_type',
        '1700000000.0,10,true,1,false,',
        '1700000000.5,20,1,0,0,',
        '1700000001.0,30,false,,true,timeout',
      ].join('\n'),
    );
    const { result, metrics } = await read(path);
    expect(result.samples).toBe(3);
    expect(metrics.totalSamples).toBe(3);
    expect(metrics.successfulSamples).toBe(2);
    expect(metrics.cacheHits).toBe(1);
    expect(metrics.cacheMisses).toBe(1);
    expect(metrics.fallbackUses).toBe(1);
    expect(metrics.errorCounts).toEqual({ timeout: 1 });
    expect(metrics.latencyPercentiles.avg).toBe(15);
  });

  it('reads gzipped JSON Lines with ISO timestamps', async () => {
    const lines = [
      { timestamp: '2026-01-01T00:00:00.000Z', latency_ms: 5 },
      { timestamp: '2026-01-01T00:00:01.000Z', latency_ms: 7, success: false, error_type: 'E' },
    ];
    const path = file('ok.jsonl.gz', gzipSync(lines.map((l) => JSON.stringify(l)).join('\n')));
    const { result, metrics } = await read(path);
    expect(result.samples).toBe(2);
    expect(result.timed).toBe(true);
    expect(metrics.failedSamples).toBe(1);
  });

  it.each([
    ['empty.csv', '', /empty\.csv.*(empty|no samples)/i],
    ['header.csv', 'latency_ms,success\n', /header\.csv.*no samples/i],
    ['unknown.csv', 'latency_ms,colour\n1,red\n', /unknown\.csv:1.*colour/],
    ['nolatency.csv', 'success\ntrue\n', /nolatency\.csv:1.*latency_ms/],
    ['text.csv', 'latency_ms\n1\nfast\n', /text\.csv:3.*fast/],
    ['nan.csv', 'latency_ms\n1\nNaN\n', /nan\.csv:3/],
    ['negative.csv', 'latency_ms\n-3.2\n', /negative\.csv:2.*negative/],
    ['infinite.csv', 'latency_ms\nInfinity\n', /infinite\.csv:2/],
    ['bool.csv', 'latency_ms,success\n1,maybe\n', /bool\.csv:2.*maybe/],
    ['bad.jsonl', '{"latency_ms": 1}\n{"latency_ms": \n', /bad\.jsonl:2/],
    [
      'millis.csv',
      'timestamp,latency_ms\n1700000000000,1\n',
      /millis\.csv:2.*(millisecond|seconds)/i,
    ],
  ])('rejects %s with the file and line', async (name, content, expected) => {
    expect(await problem(file(name, content))).toMatch(expected);
  });

  it('names a file that does not exist', async () => {
    expect(await problem(join(dir, 'missing.csv'))).toMatch(/missing\.csv/);
  });

  it.each([
    ['truncated.csv.gz', gzipSync('latency_ms\n' + '1\n'.repeat(5000)).subarray(0, 40)],
    ['plain.csv.gz', 'latency_ms\n1\n'],
    ['truncated.jsonl.gz', gzipSync('{"latency_ms":1}\n'.repeat(5000)).subarray(0, 40)],
  ])('refuses %s as gzip that is not, whole or at all', async (name, content) => {
    expect(await problem(file(name, content))).toMatch(
      new RegExp(`${name.replaceAll('.', '\\.')}: is not valid gzip`),
    );
  });

  it('refuses a directory', async () => {
    const path = join(dir, 'folder.csv');
    mkdirSync(path);
    expect(await problem(path)).toMatch(/folder\.csv: is a directory/);
  });

  it.each([
    ['huge.csv', `latency_ms\n${'x'.repeat(10_000_000)}\n`],
    ['huge.jsonl', `{"latency_ms": "${'x'.repeat(10_000_000)}"}\n`],
    ['huge-column.csv', `latency_ms,${'y'.repeat(1_000_000)}\n1,2\n`],
    ['huge-number.jsonl', `{"latency_ms": 1${'0'.repeat(1_000_000)}}\n`],
  ])('quotes a bad 10 MB value in %s cut short', async (name, content) => {
    const message = await problem(file(name, content));
    expect(message.length).toBeLessThan(dir.length + 200);
    expect(message).toMatch(/…/);
  });

  it('reports an out-of-range JSON number as the file wrote it', async () => {
    expect(await problem(file('inf.jsonl', '{"latency_ms": 1e999}\n'))).toMatch(
      /inf\.jsonl:1: latency_ms 1e999 is not a finite number/,
    );
    expect(
      await problem(file('inf-ts.jsonl', '{"timestamp": -1E+999, "latency_ms": 1}\n')),
    ).toMatch(/inf-ts\.jsonl:1: timestamp -1E\+999 is not valid/);
  });

  it.each([
    ['bom.jsonl', '\uFEFF{"latency_ms": 1}\n{"latency_ms": 3}\n'],
    ['bom.csv', '\uFEFFlatency_ms\n1\n3\n'],
    ['bom.jsonl.gz', gzipSync('\uFEFF{"latency_ms": 1}\r\n{"latency_ms": 3}')],
  ])('accepts a byte-order mark at the start of %s', async (name, content) => {
    const { result, metrics } = await read(file(name, content));
    expect(result.samples).toBe(2);
    expect(metrics.latencyPercentiles.avg).toBe(2);
  });

  it('untimed samples stay untimed when written back as samples.csv.gz and read again', async () => {
    const collector = new MetricsCollector({ sampleResources: false });
    const first = await readSamplesFile(
      file('untimed.csv', 'latency_ms,success\n1.5,true\n2.5,true\n3,false\n4,true\n'),
      collector,
    );
    expect(first.timed).toBe(false);
    const written = gzipSync([...renderSamplesCsv(collector.recorded())].join(''));
    const again = await read(file('untimed-again.csv.gz', written));
    expect(again.result.timed).toBe(false);
    expect(again.metrics.requestsPerSecond).toBeNull();
    expect(again.metrics).toEqual(collector.aggregatedMetrics);
  });
});
