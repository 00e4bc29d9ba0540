import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  MetricsCollector,
  describeEnvironment,
  loadPolicy,
  loadRunForComparison,
  readSamplesFile,
  runPipeline,
  runWorkload,
  syntheticWorkload,
  writeReportFolder,
} from '../../src/index.js';
import { runCli, tempDir } from '../_helpers.js';

// These spawn dist/: run `npm run build` first (npm test does).

// Report files read back: their fields are reached by name, as a user's script would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Json;

/** Every file of a folder, as text (gzip files unpacked). */
function contents(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(folder).sort()) {
    const bytes = readFileSync(join(folder, name));
    files.set(name, (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
  }
  return files;
}

/** Seeded samples with errors, cache hits and fallbacks, one every 10 ms. */
function writeSamples(path: string, n: number, seed: number): void {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const rows = ['timestamp,latency_ms,success,cache_hit,fallback_used,error_type'];
  for (let i = 0; i < n; i++) {
    const failed = random() < 0.05;
    rows.push(
      [
        1_700_000_000 + i / 100,
        (5 + 20 * random() ** 3).toFixed(3),
        !failed,
        random() < 0.3,
        random() < 0.02,
        failed ? 'TimeoutError' : '',
      ].join(','),
    );
  }
  writeFileSync(path, rows.join('\n') + '\n');
}

describe('the run pipeline as a library call', () => {
  it('writes the very folder `perfsight report` writes: same files, same bytes', async () => {
    const dir = tempDir('perfsight-pipeline-');
    const samples = join(dir, 'samples.csv');
    const baselineSamples = join(dir, 'baseline.csv');
    writeSamples(samples, 400, 7);
    writeSamples(baselineSamples, 400, 8);
    const baselineOut = join(dir, 'baseline');
    expect(
      (await runCli(['report', baselineSamples, '--no-history', '--out', baselineOut])).code,
    ).not.toBe(2);
    const cliOut = join(dir, 'cli');
    const cli = await runCli([
      'report',
      samples,
      '--name',
      'checkout',
      '--no-history',
      '--baseline',
      baselineOut,
      '--out',
      cliOut,
    ]);
    expect(cli.stderr).not.toMatch(/perfsight: (?!warning)/);

    // The library: the same recorded run, the same policy, the same baseline; one call.
    const collector = new MetricsCollector({ sampleResources: false });
    const read = await readSamplesFile(samples, collector);
    const written = readJson(join(cliOut, 'summary.json'));
    const artifacts = runPipeline(
      {
        name: 'checkout',
        description: 'Samples from samples.csv',
        recorded: collector.recorded(),
        uncorrected: null,
        interrupted: false,
        configuration: { source: samples, samples: read.samples, timed: read.timed },
        environment: describeEnvironment(cli.cwd),
        workload: { kind: 'samples_file', path: samples },
        // The CLI's clock, read from its folder: everything else must follow from the run.
        generatedAt: new Date(written.generated_at as string),
      },
      {
        policy: loadPolicy({ cwd: cli.cwd }),
        baseline: await loadRunForComparison(baselineOut),
      },
    );
    const libraryOut = await writeReportFolder(join(dir, 'library'), artifacts.files);

    const fromCli = contents(cliOut);
    const fromLibrary = contents(libraryOut);
    expect([...fromLibrary.keys()]).toEqual([...fromCli.keys()]);
    expect([...fromCli.keys()]).toEqual(
      expect.arrayContaining([
        'summary.json',
        'detailed.json',
        'summary.csv',
        'samples.csv.gz',
        'analysis.json',
        'alerts.json',
        'report.html',
        'report.md',
        'junit.xml',
        'comparison.json',
        'comparison.md',
        'comparison.html',
      ]),
    );
    // comparison.json is stamped when compared: the CLI's stamp stands in for that time.
    const stamp = (text: string) =>
      text
        .replace(/"generated_at": "[^"]*"/, '"generated_at": "…"')
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '…');
    for (const [name, text] of fromCli) {
      if (name.startsWith('comparison.'))
        expect(stamp(fromLibrary.get(name)!), name).toBe(stamp(text));
      else expect(fromLibrary.get(name), name).toBe(text);
    }
    expect(artifacts.comparison?.overall_verdict).toBe(
      readJson(join(cliOut, 'comparison.json')).overall_verdict,
    );
  }, 120_000);

  it('gives what `perfsight run` gives for the same seed and plan: same files, same counts and checks', async () => {
    const dir = tempDir('perfsight-pipeline-run-');
    const cliOut = join(dir, 'cli');
    const options = ['--latency-ms', '1', '--jitter', '0.2', '--error-rate', '0.1'];
    const cli = await runCli([
      'run',
      'synthetic',
      ...options,
      '--cache-hit-rate',
      '0.3',
      '--seed',
      '3',
      '-n',
      '300',
      '--no-history',
      '--slo',
      'p95<500ms',
      '--slo',
      'success>=99%',
      '--out',
      cliOut,
    ]);
    expect(cli.code, cli.stderr).toBe(1); // a tenth of the calls fail: success>=99% does not hold
    const workloadOptions = {
      latencyMs: 1,
      jitter: 0.2,
      errorRate: 0.1,
      cacheHitRate: 0.3,
      seed: 3,
    };
    const workload = syntheticWorkload(workloadOptions);
    const collector = new MetricsCollector();
    const outcome = await runWorkload(workload, collector, { iterations: 300, warmup: 10 });
    const artifacts = runPipeline(
      {
        name: workload.name,
        description: workload.description ?? '',
        recorded: collector.recorded(),
        uncorrected: null,
        interrupted: outcome.interrupted,
        configuration: readJson(join(cliOut, 'summary.json')).configuration,
        environment: describeEnvironment(cli.cwd),
        workload: workload.info!(),
        generatedAt: new Date(),
      },
      { policy: loadPolicy({ slo: ['p95<500ms', 'success>=99%'], cwd: cli.cwd }) },
    );
    const libraryOut = await writeReportFolder(join(dir, 'library'), artifacts.files);
    expect(readdirSync(libraryOut).sort()).toEqual(readdirSync(cliOut).sort());

    const summary = readJson(join(cliOut, 'summary.json'));
    const library = readJson(join(libraryOut, 'summary.json'));
    // Latencies are measured (never the same twice); what the seed decides is.
    for (const key of [
      'test_name',
      'test_description',
      'workload',
      'environment',
      'error_analysis',
    ]) {
      expect(library[key], key).toEqual(summary[key]);
    }
    for (const key of [
      'total_requests',
      'successful_requests',
      'failed_requests',
      'success_rate',
    ]) {
      expect(library.performance_summary[key], key).toBe(summary.performance_summary[key]);
    }
    expect(library.optimization_metrics).toEqual(summary.optimization_metrics);
    expect(keysOf(library)).toEqual(keysOf(summary));
    const analysis = readJson(join(cliOut, 'analysis.json'));
    const libraryAnalysis = readJson(join(libraryOut, 'analysis.json'));
    expect(Object.keys(libraryAnalysis)).toEqual(Object.keys(analysis));
    expect(libraryAnalysis.test_context).toEqual(analysis.test_context);
    const checks = (a: Json) =>
      (a.objectives as Array<Record<string, unknown>>).map((o) => [
        o.objective,
        o.threshold,
        o.passed,
      ]);
    expect(checks(libraryAnalysis)).toEqual(checks(analysis));
    expect(libraryAnalysis.objectives_met).toBe(false);
  }, 120_000);
});

/** Every key path of a JSON value (arrays by their first element): the file's shape. */
function keysOf(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length > 0 ? keysOf(value[0], `${prefix}[]`) : [prefix];
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => [
      `${prefix}.${key}`,
      ...keysOf(inner, `${prefix}.${key}`),
    ]);
  }
  return [];
}

describe('the order the run files are written in', () => {
  it('puts the samples last, after every file rendered here (with a baseline too)', async () => {
    const collector = new MetricsCollector({ sampleResources: false });
    collector.startCollection({ replay: true });
    for (let i = 0; i < 500; i++) {
      collector.record(1 + (i % 13), i % 17 ? 1 : 0, 'Boom', 1_700_000_000_000 + i * 10);
    }
    collector.endCollection({ startMs: 1_700_000_000_000 - 5, endMs: 1_700_000_005_000 });
    const run = {
      name: 'order',
      description: '',
      recorded: collector.recorded(),
      uncorrected: null,
      interrupted: false,
      configuration: {},
      environment: describeEnvironment(),
      workload: { kind: 'samples_file', path: 'order.csv' },
      generatedAt: new Date(),
    };
    const dir = tempDir('perfsight-pipeline-order-');
    const baseline = await writeReportFolder(join(dir, 'baseline'), runPipeline(run).files);
    const names = runPipeline(run, { baseline: await loadRunForComparison(baseline) }).files.map(
      (file) => file.name,
    );
    expect(names.slice(-2)).toEqual(['samples.csv.gz', 'samples.arrow']);
    expect(names).toEqual(expect.arrayContaining(['report.html', 'comparison.json', 'junit.xml']));
  });
});
