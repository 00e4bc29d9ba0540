/**
 * Profiling cost: what the model breakdown ("where the time goes") adds to `perfsight run`.
 * The built CLI runs the built-in model (ONNX Runtime and TensorFlow.js) with and without `--no-profile`,
 * alternating, and the wall times' medians are compared (the ratio is the cost a user sees).
 * In-process, the breakdown's own time is set beside the measured run's. Goal: the breakdown
 * adds ≤ 10 % to a default-length run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_PROFILE_CALLS } from '../src/cli/run.js';
import { runWorkload } from '../src/load/index.js';
import { MetricsCollector } from '../src/metrics/index.js';
import { featureExtractionWorkload } from '../src/workloads/feature-extraction/index.js';
import { median, round } from './_stats.js';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'perfsight.js');

/** Wall time of one `perfsight run` of the built-in model, in ms. */
function cliRunMs(runtime: string, iterations: number, profile: boolean): number {
  const dir = mkdtempSync(join(tmpdir(), 'perfsight-bench-profile-'));
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [
      BIN,
      'run',
      '--runtime',
      runtime,
      '-n',
      String(iterations),
      '--no-history',
      '--no-progress',
      '-o',
      join(dir, 'run'),
      ...(profile ? [] : ['--no-profile']),
    ],
    { stdio: 'ignore', env: { ...process.env, CI: 'true' } },
  );
  const elapsed = performance.now() - started;
  // The objectives may fail on a loaded machine: exit 1 is still a finished run.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`perfsight run exited with ${result.status ?? result.signal}`);
  }
  rmSync(dir, { recursive: true, force: true });
  return elapsed;
}

/**
 * The breakdown's own time beside a measured run's, at each of `counts` profiled calls: 5
 * rounds of one measured run then one breakdown per count, medians. The top operator of
 * each round's breakdown at the last count says how stable it is.
 */
async function inProcess(runtime: 'onnx' | 'tfjs', iterations: number, counts: number[]) {
  const workload = featureExtractionWorkload({ runtime });
  await workload.setup!();
  const measured: number[] = [];
  const breakdown = new Map<number, number[]>(counts.map((c) => [c, []]));
  const tops: string[] = [];
  let inferenceMs = NaN;
  for (let round = 0; round < 5; round++) {
    let started = performance.now();
    await runWorkload(workload, new MetricsCollector({ sampleResources: false }), {
      iterations,
      warmup: 10,
      concurrency: 1,
    });
    measured.push(performance.now() - started);
    for (const calls of counts) {
      started = performance.now();
      const profile = await workload.profile!(calls);
      breakdown.get(calls)!.push(performance.now() - started);
      const top = profile?.operators[0];
      if (calls === counts.at(-1) && top) {
        tops.push(`${top.op_type} ${Math.round(top.share * 100)} %`);
        inferenceMs = profile.inference_ms;
      }
    }
  }
  await workload.teardown!();
  const measuredMs = median(measured);
  return {
    measured_run_ms: round(measuredMs),
    breakdown_ms: Object.fromEntries(
      [...breakdown].map(([calls, times]) => [`${calls}_calls`, round(median(times))]),
    ),
    breakdown_share_of_run: Object.fromEntries(
      [...breakdown].map(([calls, times]) => [`${calls}_calls`, round(median(times) / measuredMs)]),
    ),
    profiled_inference_ms: round(inferenceMs),
    top_operator_each_round: tops,
  };
}

export default async function profileBench(): Promise<Record<string, unknown>> {
  const cli: Record<string, unknown> = {};
  const inProcessFigures: Record<string, unknown> = {};
  for (const runtime of ['onnx', 'tfjs'] as const) {
    const withProfile: number[] = [];
    const without: number[] = [];
    const ratios: number[] = [];
    // Alternating pairs, so a burst of load on the shared machine hits both sides alike; the
    // median of the pairs' ratios, as the other benches do.
    for (let i = 0; i < 5; i++) {
      without.push(cliRunMs(runtime, 1000, false));
      withProfile.push(cliRunMs(runtime, 1000, true));
      ratios.push(withProfile[i]! / without[i]!);
    }
    cli[runtime] = {
      without_breakdown_ms: round(median(without)),
      with_breakdown_ms: round(median(withProfile)),
      ratio: round(median(ratios)),
    };
    inProcessFigures[runtime] = await inProcess(runtime, 1000, [10, DEFAULT_PROFILE_CALLS]);
  }
  return {
    note: `perfsight run of the built-in model (--runtime onnx: ONNX Runtime CPU, its profiler in a session of its own; --runtime tfjs: WASM, per layer), default --profile-calls ${DEFAULT_PROFILE_CALLS}; wall time of the whole command (process start to exit), 1,000 calls, median ratio of 5 alternating pairs; in_process: the breakdown's own time at 10 and ${DEFAULT_PROFILE_CALLS} calls beside a 1,000-call measured run, medians of 5 rounds`,
    cli,
    in_process: inProcessFigures,
  };
}
