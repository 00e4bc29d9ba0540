import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  LogLinearCounts,
  decodeHdrBase64,
  percentileLinear,
  withinObserved,
} from '../../src/metrics/index.js';
import { readSuccessfulLatencies } from '../../src/samples/arrow.js';
import { ROOT, runCli, tempDir } from '../_helpers.js';

const validate = new Ajv({ allErrors: true, strict: false }).compile(
  JSON.parse(readFileSync(join(ROOT, 'schema', 'report.schema.json'), 'utf8')),
);

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/** The union of the shards' spans, in seconds (they may overlap or leave gaps). */
function unionSeconds(spans: Array<[number, number]>): number {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [start, end] = sorted[0]!;
  for (const [s, e] of sorted.slice(1)) {
    if (s > end) {
      total += end - start;
      [start, end] = [s, e];
    } else end = Math.max(end, e);
  }
  return (total + end - start) / 1000;
}

const SHARD_RUN = [
  'run',
  'synthetic',
  '-n',
  '900',
  '-w',
  '0',
  '-c',
  '4',
  '--latency-ms',
  '0.5',
  '--jitter',
  '0.6',
  '--error-rate',
  '0.05',
  '--cache-hit-rate',
  '0.3',
  '--no-history',
  '--no-progress',
  '--no-profile',
  '--slo',
  'p95<5s',
  '--slo',
  'success>=50%',
];

describe('perfsight merge', () => {
  let dir: string;
  let shards: string[];

  beforeAll(async () => {
    dir = tempDir();
    shards = [1, 2, 3].map((i) => join(dir, `shard-${i}`));
    for (const [i, out] of shards.entries()) {
      const result = await runCli([
        ...SHARD_RUN,
        '--shard',
        `${i + 1}/3`,
        '--group',
        'g',
        '-o',
        out,
      ]);
      expect(result.code, result.stderr).toBe(0);
    }
  }, 120_000);

  it('three shards merged equal one report of the union of their samples', async () => {
    const out = join(dir, 'merged');
    const result = await runCli(['merge', ...shards, '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    const merged = readJson(join(out, 'summary.json'));
    const parts = shards.map((s) => readJson(join(s, 'summary.json')));
    expect(merged.percentile_method).toBe('exact_linear');
    expect(merged.group).toBe('g');

    // numpy's linear percentiles over the union of the shards' own samples.
    const union = Float64Array.from(
      (await Promise.all(shards.map((s) => readSuccessfulLatencies(join(s, 'samples.arrow')))))
        .flatMap((l) => [...l])
        .sort((a, b) => a - b),
    );
    const l = merged.latency_metrics;
    expect(l.median_ms).toBeCloseTo(percentileLinear(union, 50), 6);
    expect(l.p90_ms).toBeCloseTo(percentileLinear(union, 90), 6);
    expect(l.p95_ms).toBeCloseTo(percentileLinear(union, 95), 6);
    expect(l.p99_ms).toBeCloseTo(percentileLinear(union, 99), 6);
    expect(l.p999_ms).toBeCloseTo(percentileLinear(union, 99.9), 6);
    expect(l.min_ms).toBe(union[0]);
    expect(l.max_ms).toBe(union.at(-1));

    // Counts are the shards' summed.
    const sum = (of: (s: (typeof parts)[number]) => number) => parts.reduce((t, s) => t + of(s), 0);
    const p = merged.performance_summary;
    expect(p.total_requests).toBe(sum((s) => s.performance_summary.total_requests));
    expect(p.successful_requests).toBe(union.length);
    expect(p.failed_requests).toBe(sum((s) => s.performance_summary.failed_requests));
    expect(merged.optimization_metrics.cache_hits).toBe(
      sum((s) => s.optimization_metrics.cache_hits),
    );
    expect(merged.optimization_metrics.fallback_uses).toBe(
      sum((s) => s.optimization_metrics.fallback_uses),
    );

    // The shards ran one after another: throughput over the time they ran, not the gaps.
    const spans = parts.map(
      (s) => [Date.parse(s.started_at), Date.parse(s.ended_at)] as [number, number],
    );
    const seconds = unionSeconds(spans);
    expect(merged.test_duration_seconds).toBeCloseTo(seconds, 6);
    expect(p.throughput_rps).toBeCloseTo(p.total_requests / seconds, 6);

    // The objectives the shards were held to decide, as in run.
    const analysis = readJson(join(out, 'analysis.json'));
    expect(analysis.objectives.map((o: { objective: string }) => o.objective)).toEqual(
      readJson(join(shards[0]!, 'analysis.json')).objectives.map(
        (o: { objective: string }) => o.objective,
      ),
    );

    // The per-shard table, in both reports.
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(md).toContain('**Shards**');
    expect(html).toContain('<h2 id="shards-h">Shards</h2>');
    for (const [i, s] of parts.entries()) {
      const row = md.split('\n').find((line) => line.startsWith(`| ${i + 1}/3 (`));
      expect(row).toBeDefined();
      expect(row).toContain(String(s.performance_summary.total_requests));
      expect(html).toContain(`${i + 1}/3 (${shards[i]})`);
    }
    // The same files as run, of the documented shape.
    for (const file of ['summary.json', 'detailed.json']) {
      expect(validate(readJson(join(out, file))), JSON.stringify(validate.errors)).toBe(true);
    }
    for (const file of ['detailed.json', 'samples.arrow', 'samples.csv.gz', 'junit.xml']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
  }, 60_000);

  it('past the exact cap: the sum of the HDR histograms, said in percentile_method', async () => {
    const out = join(dir, 'merged-hdr');
    // A lowered cap (test-only) stands for a million samples: 900 > 500.
    const result = await runCli(['merge', ...shards, '-o', out], {
      env: { PERFSIGHT_TEST_MERGE_EXACT_CAP: '500' },
    });
    expect(result.code, result.stderr).toBe(0);
    const merged = readJson(join(out, 'summary.json'));
    expect(merged.percentile_method).toBe('hdr_histogram');
    expect(existsSync(join(out, 'samples.arrow'))).toBe(false);
    const union = Float64Array.from(
      (await Promise.all(shards.map((s) => readSuccessfulLatencies(join(s, 'samples.arrow')))))
        .flatMap((l) => [...l])
        .sort((a, b) => a - b),
    );
    expect(merged.performance_summary.successful_requests).toBe(union.length);
    // The percentiles of the shards' histograms added up (within the exact min and max)…
    const sum = new LogLinearCounts(3);
    for (const shard of shards) {
      sum.add(decodeHdrBase64(readJson(join(shard, 'detailed.json')).latency_histogram_hdr));
    }
    expect(sum.totalCount).toBe(union.length);
    for (const [key, at] of [
      ['median_ms', 50],
      ['p90_ms', 90],
      ['p95_ms', 95],
      ['p99_ms', 99],
    ] as const) {
      const fromHistograms = withinObserved(sum.percentileMs(at), union[0]!, union.at(-1)!);
      expect(merged.latency_metrics[key]).toBeCloseTo(fromHistograms, 6);
      // …which is a sample's value to 3 significant digits (the bucket holding that rank).
      const rank = union[Math.ceil((at / 100) * union.length) - 1]!;
      expect(Math.abs(merged.latency_metrics[key] - rank)).toBeLessThanOrEqual(rank / 1000 + 0.001);
    }
    expect(merged.latency_metrics.min_ms).toBe(union[0]);
    expect(merged.latency_metrics.max_ms).toBe(union.at(-1));
    const exactMean = union.reduce((t, v) => t + v, 0) / union.length;
    expect(merged.latency_metrics.average_ms).toBeCloseTo(exactMean, 6);
  }, 60_000);

  it('--group: the runs of a group read from the history, merged from their histograms', async () => {
    const db = join(dir, 'history.db');
    const folders: string[] = [];
    for (const i of [1, 2, 3]) {
      const out = join(dir, `saved-${i}`);
      const run = await runCli(
        [...SHARD_RUN, '--shard', `${i}/3`, '--group', 'saved', '-o', out].map((arg) =>
          arg === '--no-history' ? `--history=${db}` : arg,
        ),
      );
      expect(run.code, run.stderr).toBe(0);
      folders.push(out);
    }
    const out = join(dir, 'merged-history');
    const result = await runCli(['merge', '--group', 'saved', '--history', db, '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    const merged = readJson(join(out, 'summary.json'));
    const parts = folders.map((f) => readJson(join(f, 'detailed.json')));
    expect(merged.percentile_method).toBe('hdr_histogram');
    expect(merged.merged_shards.map((s: { shard: unknown }) => s.shard)).toEqual(
      [1, 2, 3].map((index) => ({ index, count: 3 })),
    );
    for (const key of ['total_requests', 'successful_requests', 'failed_requests'] as const) {
      expect(merged.performance_summary[key]).toBe(
        parts.reduce((t, p) => t + p.performance_summary[key], 0),
      );
    }
    const sum = new LogLinearCounts(3);
    for (const p of parts) sum.add(decodeHdrBase64(p.latency_histogram_hdr));
    const min = Math.min(...parts.map((p) => p.latency_metrics.min_ms));
    const max = Math.max(...parts.map((p) => p.latency_metrics.max_ms));
    expect(merged.latency_metrics.p95_ms).toBeCloseTo(
      withinObserved(sum.percentileMs(95), min, max),
      6,
    );
    expect(merged.latency_metrics.min_ms).toBe(min);
    expect(merged.latency_metrics.max_ms).toBe(max);

    for (const [args, message] of [
      [['--group', 'nobody', '--history', db], /no run of group nobody in the history/],
      [[folders[0]!, '--group', 'saved', '--history', db], /not both/],
    ] as const) {
      const bad = await runCli(['merge', ...args, '-o', join(dir, 'bad-history')]);
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr).toMatch(/^perfsight: /);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(message);
      expect(existsSync(join(dir, 'bad-history'))).toBe(false);
    }
  }, 120_000);

  it('objectives decide the exit code as in run', async () => {
    const out = join(dir, 'merged-fail');
    const result = await runCli(['merge', ...shards, '--slo', 'p95<0.001ms', '-o', out]);
    expect(result.code, result.stderr).toBe(1);
    expect(readJson(join(out, 'analysis.json')).objectives_met).toBe(false);
  }, 60_000);

  it('refuses runs of another test or configuration unless --force', async () => {
    const other = join(dir, 'other');
    const run = await runCli([
      ...SHARD_RUN.map((arg) => (arg === '0.5' ? '3' : arg)),
      '--shard',
      '1/3',
      '--group',
      'g',
      '-o',
      other,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const out = join(dir, 'refused');
    const refused = await runCli(['merge', shards[0]!, other, '-o', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(
      /^perfsight: .*workload_options\.latencyMs is 3, not 0\.5.*--force/,
    );
    expect(existsSync(out)).toBe(false);

    const forced = await runCli(['merge', shards[0]!, other, '--force', '-o', out]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readJson(join(out, 'summary.json')).merged_shards).toHaveLength(2);
  }, 60_000);

  it('bad input: one perfsight: line, exit 2, nothing written', async () => {
    const notReport = tempDir();
    const corrupt = tempDir();
    writeFileSync(join(corrupt, 'detailed.json'), '{"schema_version": 3, "report_ty');
    const future = tempDir();
    const detailed = readJson(join(shards[0]!, 'detailed.json'));
    writeFileSync(
      join(future, 'detailed.json'),
      JSON.stringify({ ...detailed, schema_version: 99 }),
    );
    // A shard whose samples file is cut short (a copy interrupted mid-way): samples.arrow,
    // which merge reads, or samples.csv.gz in a folder written before samples.arrow.
    const truncated = join(tempDir(), 'shard');
    cpSync(shards[1]!, truncated, { recursive: true });
    const gz = readFileSync(join(truncated, 'samples.csv.gz'));
    writeFileSync(join(truncated, 'samples.csv.gz'), gz.subarray(0, gz.length >> 1));
    rmSync(join(truncated, 'samples.arrow'));
    const truncatedArrow = join(tempDir(), 'shard');
    cpSync(shards[1]!, truncatedArrow, { recursive: true });
    const arrow = readFileSync(join(truncatedArrow, 'samples.arrow'));
    writeFileSync(join(truncatedArrow, 'samples.arrow'), arrow.subarray(0, arrow.length >> 1));
    const cases: Array<[string[], RegExp]> = [
      [[shards[0]!, truncated], /samples\.csv\.gz: .*(truncated|corrupt)/],
      [[shards[0]!, truncatedArrow], /samples\.arrow: .*(truncated|corrupt)/],
      [[shards[0]!, join(dir, 'nope')], /nope: not a perfsight report folder/],
      [[shards[0]!, notReport], /not a perfsight report folder \(it has no detailed\.json\)/],
      [[shards[0]!, corrupt], /detailed\.json: cannot be read as JSON/],
      [[shards[0]!, future], /schema_version 99 is not supported/],
      [[shards[0]!, shards[0]!], /given twice/],
    ];
    for (const [folders, message] of cases) {
      const out = join(dir, 'bad');
      const result = await runCli(['merge', ...folders, '-o', out]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^perfsight: /);
      expect(result.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    }
  }, 60_000);

  it('one folder is a merge of one: its figures again, with its row', async () => {
    const out = join(dir, 'one');
    const result = await runCli(['merge', shards[0]!, '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    const merged = readJson(join(out, 'summary.json'));
    const own = readJson(join(shards[0]!, 'summary.json'));
    expect(merged.latency_metrics).toEqual(own.latency_metrics);
    expect(merged.merged_shards).toHaveLength(1);
  }, 60_000);
});
