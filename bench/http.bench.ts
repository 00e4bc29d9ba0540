/**
 * Load generation against a local HTTP server: requests per second of perfsight's HTTP
 * workload (driven by the runner, recorded by the collector — what `perfsight run <url>`
 * does) against autocannon's, same server, same connections, closed loop, alternating
 * within each repetition (the order swaps every time); the figure is the median of the
 * per-repetition ratios. Goal ≥ 1.0×. Also each tool's own CPU per request (this process
 * only: the server runs in a child process), so the load generator is seen not to be what
 * a test measures.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { runWorkload } from '../src/load/index.js';
import { MetricsCollector } from '../src/metrics/index.js';
import { httpWorkload } from '../src/workloads/http/index.js';
import { median, round } from './_stats.js';

const CONNECTIONS = 10;
const DURATION_S = 3;
const REPETITIONS = 5;

interface AutocannonResult {
  requests: { total: number };
  duration: number;
  errors: number;
  non2xx: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
}) => Promise<AutocannonResult>;
// autocannon ships no types; its programmatic API is this one call.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface Pass {
  requestsPerSecond: number;
  cpuUsPerRequest: number;
  failed: number;
}

/** A hello-world server in a process of its own, so its CPU is not this process's. */
async function startServer(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:http').createServer((q, r) => r.end('hello world'));
       s.keepAliveTimeout = 60000;
       s.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

async function perfsightPass(url: string): Promise<Pass> {
  const workload = httpWorkload({ url, connections: CONNECTIONS });
  const collector = new MetricsCollector();
  try {
    // Warm-up opens the connections, as autocannon's first requests do.
    await runWorkload(workload, collector, { iterations: 200, concurrency: CONNECTIONS });
    const cpu = process.cpuUsage();
    await runWorkload(workload, collector, {
      durationMs: DURATION_S * 1000,
      concurrency: CONNECTIONS,
    });
    const used = process.cpuUsage(cpu);
    const m = collector.recorded().metrics;
    return {
      requestsPerSecond: m.totalSamples / m.durationSeconds,
      cpuUsPerRequest: (used.user + used.system) / m.totalSamples,
      failed: m.failedSamples,
    };
  } finally {
    await workload.teardown?.();
  }
}

async function autocannonPass(url: string): Promise<Pass> {
  const cpu = process.cpuUsage();
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  const used = process.cpuUsage(cpu);
  return {
    requestsPerSecond: result.requests.total / result.duration,
    cpuUsPerRequest: (used.user + used.system) / result.requests.total,
    failed: result.errors + result.non2xx,
  };
}

export default async function httpBench(): Promise<Record<string, unknown>> {
  const server = await startServer();
  try {
    const ours: Pass[] = [];
    const theirs: Pass[] = [];
    for (let rep = 0; rep < REPETITIONS; rep++) {
      if (rep % 2 === 0) {
        ours.push(await perfsightPass(server.url));
        theirs.push(await autocannonPass(server.url));
      } else {
        theirs.push(await autocannonPass(server.url));
        ours.push(await perfsightPass(server.url));
      }
    }
    const ratios = ours.map((o, i) => o.requestsPerSecond / theirs[i]!.requestsPerSecond);
    const cpuRatios = ours.map((o, i) => o.cpuUsPerRequest / theirs[i]!.cpuUsPerRequest);
    return {
      connections: CONNECTIONS,
      duration_s: DURATION_S,
      repetitions: REPETITIONS,
      perfsight_rps_median: round(median(ours.map((o) => o.requestsPerSecond))),
      autocannon_rps_median: round(median(theirs.map((o) => o.requestsPerSecond))),
      rps_ratio_median: round(median(ratios)),
      rps_ratios: ratios.map((r) => round(r, 3)),
      perfsight_rps: ours.map((o) => round(o.requestsPerSecond)),
      autocannon_rps: theirs.map((o) => round(o.requestsPerSecond)),
      goal: 'rps_ratio_median >= 1.0',
      perfsight_cpu_us_per_request_median: round(median(ours.map((o) => o.cpuUsPerRequest))),
      autocannon_cpu_us_per_request_median: round(median(theirs.map((o) => o.cpuUsPerRequest))),
      cpu_ratio_median: round(median(cpuRatios)),
      failed_requests: {
        perfsight: ours.reduce((s, o) => s + o.failed, 0),
        autocannon: theirs.reduce((s, o) => s + o.failed, 0),
      },
    };
  } finally {
    server.stop();
  }
}
