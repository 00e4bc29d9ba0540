import { spawn } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDir } from '../_helpers.js';
import { startPostgres } from '../history/_postgres-server.js';
import { unionSeconds } from '../../src/metrics/index.js';

/**
 * examples/kubernetes and examples/github-actions run here as written — their own shell
 * scripts, against a local HTTP server, with a 1 s duration instead of 60 s — so the shards
 * they start and the merge they end with cannot drift from the program.
 */
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/** The shell scripts of a YAML file that call perfsight: literal blocks (`|`) and one-line `run:`s. */
function perfsightScripts(file: string): string[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const scripts: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/(:|-)\s*\|$/.test(line)) {
      const indent = /^\s*/.exec(lines[i + 1] ?? '')![0].length;
      const body: string[] = [];
      while (
        i + 1 < lines.length &&
        (lines[i + 1]!.trim() === '' || /^\s*/.exec(lines[i + 1]!)![0].length >= indent)
      ) {
        body.push(lines[++i]!.slice(indent));
      }
      scripts.push(body.join('\n'));
    } else {
      const run = /^\s*- run: (.+)$/.exec(line);
      if (run) scripts.push(run[1]!);
    }
  }
  return scripts.filter((script) => script.includes('perfsight@'));
}

/** A script as it runs here: the built perfsight, a 1 s load. */
function local(script: string, values: Record<string, string> = {}): string {
  let text = script
    .replaceAll('npx --yes perfsight@0.1.0', 'node "$BIN"')
    .replaceAll('-d 60s', '-d 1s')
    .replaceAll('/reports/', '$REPORTS/');
  for (const [key, value] of Object.entries(values)) text = text.replaceAll(key, value);
  return text;
}

/**
 * A folder for one example's machines, with objectives a loaded test machine meets (the
 * shards take them from perfsight.config.json, the merge from the shards' analysis.json).
 */
function machineDir(): string {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'perfsight.config.json'),
    JSON.stringify({ objectives: ['p95<10s', 'success>=99%'] }),
  );
  return dir;
}

function sh(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const { PERFSIGHT_HISTORY: _inherited, ...environment } = process.env;
    const child = spawn('sh', ['-c', script], {
      cwd,
      env: { ...environment, CI: 'true', BIN, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('examples: a test on several machines', () => {
  let server: Server;
  let target: string;
  beforeAll(async () => {
    server = createServer((_, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('github-actions: the matrix of three shards, their artifacts, then the merge', async () => {
    const [load, merge, ...rest] = perfsightScripts('examples/github-actions/perfsight-shards.yml');
    expect(rest).toEqual([]);
    const dir = machineDir();
    const env = { TARGET: target, SHARDS: '3' };
    const shards = await Promise.all(
      [1, 2, 3].map((i) =>
        sh(
          local(load!, { '${{ matrix.shard }}': String(i), '${{ github.run_id }}': '42' }),
          dir,
          env,
        ),
      ),
    );
    for (const shard of shards) expect(shard.code, shard.stderr).toBe(0);
    // actions/download-artifact puts each artifact in a folder of its name.
    for (const i of [1, 2, 3])
      cpSync(join(dir, 'reports', `shard-${i}`), join(dir, 'shards', `shard-${i}`), {
        recursive: true,
      });
    const merged = await sh(local(merge!), dir, env);
    expect(merged.code, merged.stderr).toBe(0);
    const summary = readJson(join(dir, 'merged', 'summary.json'));
    expect(summary.group).toBe('run-42');
    // Their requests over the time any of them ran (runners at once count once).
    const seconds = unionSeconds(
      summary.merged_shards.map((s: { started_at: string; ended_at: string }) => ({
        startMs: Date.parse(s.started_at),
        endMs: Date.parse(s.ended_at),
      })),
    );
    expect(summary.test_duration_seconds).toBeCloseTo(seconds, 3);
    expect(summary.performance_summary.throughput_rps).toBeCloseTo(
      summary.performance_summary.total_requests / seconds,
      3,
    );
    expect(
      readJson(join(dir, 'merged', 'analysis.json')).objectives.map(
        (o: { objective: string }) => o.objective,
      ),
    ).toEqual(['p95<10000ms', 'success>=99%', 'fallback<1%']);
    expect(summary.merged_shards.map((s: { shard: unknown }) => s.shard)).toEqual(
      [1, 2, 3].map((index) => ({ index, count: 3 })),
    );
  }, 120_000);

  it('kubernetes: the Indexed Job’s three pods on a shared volume, then the merge Job', async () => {
    const [shardScript, ...shardRest] = perfsightScripts('examples/kubernetes/shards.yaml');
    const [mergeScript, ...mergeRest] = perfsightScripts('examples/kubernetes/merge.yaml');
    expect([shardRest, mergeRest]).toEqual([[], []]);
    const yaml = readFileSync(join(ROOT, 'examples/kubernetes/shards.yaml'), 'utf8');
    expect(yaml).toMatch(/completionMode: Indexed/);
    expect(yaml).toMatch(/completions: 3/);
    const dir = machineDir();
    const env = { TARGET: target, SHARDS: '3', GROUP: 'nightly-001', REPORTS: join(dir, 'volume') };
    // The shared PostgreSQL history every pod saves its run to (a real throw-away server).
    const postgres = await startPostgres();
    let historyTotal: number;
    try {
      const pods = await Promise.all(
        [0, 1, 2].map((k) =>
          sh(local(shardScript!), dir, {
            ...env,
            JOB_COMPLETION_INDEX: String(k),
            PERFSIGHT_HISTORY: postgres.url,
          }),
        ),
      );
      for (const pod of pods) expect(pod.code, pod.stderr).toBe(0);
      // Without the shared volume: the group's runs, read back from the history.
      const fromHistory = await runCli(
        ['merge', '--group', 'nightly-001', '-o', join(dir, 'from-history')],
        { cwd: dir, env: { PERFSIGHT_HISTORY: postgres.url } },
      );
      expect(fromHistory.code, fromHistory.stderr).toBe(0);
      const merged = readJson(join(dir, 'from-history', 'summary.json'));
      expect(merged.percentile_method).toBe('hdr_histogram');
      expect(merged.merged_shards).toHaveLength(3);
      historyTotal = merged.performance_summary.total_requests;
    } finally {
      postgres.stop();
    }
    const merged = await sh(local(mergeScript!), dir, env);
    expect(merged.code, merged.stderr).toBe(0);
    const summary = readJson(join(dir, 'volume', 'nightly-001', 'merged', 'summary.json'));
    expect(summary.group).toBe('nightly-001');
    expect(summary.merged_shards).toHaveLength(3);
    expect(summary.performance_summary.total_requests).toBe(
      summary.merged_shards.reduce(
        (t: number, s: { total_requests: number }) => t + s.total_requests,
        0,
      ),
    );
    expect(summary.performance_summary.total_requests).toBe(historyTotal);
  }, 120_000);
});
