import { Command, Option } from 'commander';
import { describeEnvironment } from '../environment/index.js';
import { MetricsCollector, DEFAULT_EXACT_CAP } from '../metrics/index.js';
import { runWorkload, type RunPlan, type Workload } from '../load/index.js';
import type { ModelProfile } from '../model/index.js';
import {
  DEFAULT_WORKLOAD,
  builtInWorkloads,
  createWorkload,
  workloadOptionsTaken,
  type WorkloadOption,
  type WorkloadOptions,
} from '../workloads/index.js';
import type { RunPolicy } from '../analysis/index.js';
import { loadPolicy } from './config.js';
import { finishRun } from './_finish.js';
import { repeatCommand } from './_next.js';
import {
  checkGate,
  defaultOutDir,
  duration,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
  ratio,
  type OutputFlags,
  withOutputOptions,
} from './_options.js';
import { startProgress } from './_progress.js';
import { InputError, thrownMessage, UsageError } from '../errors.js';
import { checkReportFolder } from '../report/index.js';
import { guardRun, stopOnSignals, teardownUnlessStopped, unlessAborted } from './_signals.js';
import { reserveStdout } from './_stdout.js';
import { terminalText } from '../neutralise/index.js';
import { redactText } from '../redact/index.js';
import {
  commandFitToShow,
  httpTargetFrom,
  requestConfiguration,
  refuseHttpFlags,
  withHttpOptions,
  type HttpFlags,
} from './_http.js';
import { isHttpTarget } from '../workloads/http/index.js';
import { DEFAULT_SEED } from '../random/index.js';
import { shardLoad, shardSeed, withShardOptions, type ShardFlags } from './_shard.js';

interface RunFlags extends HttpFlags, ShardFlags, OutputFlags {
  iterations?: number;
  duration?: number;
  warmup: number;
  concurrency: number;
  timeout?: number;
  rate?: number;
  name?: string;
  description?: string;
  progress: boolean;
  latencyMs?: number;
  jitter?: number;
  errorRate?: number;
  cacheHitRate?: number;
  mode?: 'sleep' | 'busy';
  seed?: number;
  model?: string;
  runtime?: 'onnx' | 'tfjs';
  backend?: 'wasm' | 'cpu';
  threads?: number;
  executionProvider?: 'cpu' | 'cuda';
  inputs?: string;
  batch?: number;
  repeatRatio?: number;
  faultRate?: number;
  modelTimeout?: number;
  isolate?: boolean;
  profile: boolean;
  profileCalls?: number;
}

/**
 * Inferences `--profile-calls` profiles by default. Each operator's figure is its median over
 * them, so up to 9 of 20 calls may stall (a busy machine) without moving it, where 10 calls
 * bear 4. The cost is small (bench/profile.bench.ts): an ONNX Runtime breakdown is mostly
 * its profiling session's set-up, whatever the count, and 10 more TensorFlow.js inferences of
 * the built-in model add some 0.1 s to a 9 s run.
 */
export const DEFAULT_PROFILE_CALLS = 20;

export function runCommand(exit: (code: number) => void): Command {
  const command = withOutputOptions(
    new Command('run')
      .description('measure a workload, write the reports and check the objectives')
      .argument(
        '[workload]',
        `built-in workload name, path to a module, or an http(s):// URL (default: ${DEFAULT_WORKLOAD})`,
      )
      .option(
        '-n, --iterations <n>',
        'measured calls (default 1000 unless --duration)',
        positiveInt,
      )
      .option('-d, --duration <time>', 'measure for this long: 30s, 5m…', duration)
      .option('-w, --warmup <n>', 'unmeasured calls first', nonNegativeInt, 10)
      .option(
        '-c, --concurrency <n>',
        'calls in flight at once (open loop: at most)',
        positiveInt,
        1,
      )
      .option('-t, --timeout <time>', 'a call slower than this is a timeout failure', duration)
      .option(
        '-r, --rate <per-second>',
        'open loop: start calls at this rate, latency from intended start',
        positiveNumber,
      )
      .option('--name <name>', 'test name in the reports (default: the workload)')
      .option('--description <text>', 'test description in the reports'),
  )
    .option('--no-progress', 'no progress bar or progress lines')
    .option('--latency-ms <ms>', 'synthetic: median latency', positiveNumber)
    .option('--jitter <sigma>', 'synthetic: σ of the log-normal latency', nonNegativeNumber)
    .option('--error-rate <ratio>', 'synthetic: share of calls that fail', ratio)
    .option('--cache-hit-rate <ratio>', 'synthetic: share of calls served from cache', ratio)
    .addOption(
      new Option('--mode <mode>', 'synthetic: sleep (timer) or busy (CPU)').choices([
        'sleep',
        'busy',
      ]),
    )
    .option('--seed <n>', 'seed for generated inputs and latencies', nonNegativeInt)
    .option(
      '--model <path>',
      'feature-extraction: an .onnx file or a TensorFlow.js model directory (default: the built-in seeded CNN+LSTM)',
    )
    .addOption(
      new Option(
        '--runtime <runtime>',
        'feature-extraction: the built-in model in ONNX Runtime or TensorFlow.js (default: onnx, the faster here)',
      ).choices(['onnx', 'tfjs']),
    )
    .addOption(
      new Option('--backend <backend>', 'feature-extraction: TensorFlow.js backend').choices([
        'wasm',
        'cpu',
      ]),
    )
    .option(
      '--threads <n>',
      "feature-extraction: ONNX Runtime's intra-op threads (default: its choice)",
      positiveInt,
    )
    .addOption(
      new Option(
        '--execution-provider <provider>',
        'feature-extraction: ONNX Runtime execution provider (cuda: needs a GPU and the CUDA provider)',
      ).choices(['cpu', 'cuda']),
    )
    .option(
      '--inputs <file>',
      'feature-extraction: measure on these inputs (.npy float32 or JSON Lines, one window per row), cycled',
    )
    .option(
      '--batch <n>',
      'feature-extraction: items per call (the model’s batch dimension)',
      positiveInt,
    )
    .option(
      '--repeat-ratio <ratio>',
      'feature-extraction: share of repeated inputs (cache hits)',
      ratio,
    )
    .option(
      '--fault-rate <ratio>',
      'feature-extraction: share of model calls that fail (fallback)',
      ratio,
    )
    .option(
      '--model-timeout <time>',
      'feature-extraction: slower model answers are replaced by the fallback',
      duration,
    )
    .option(
      '--isolate',
      'feature-extraction: run the model in a worker thread, so --model-timeout interrupts it',
    )
    .option(
      '--no-profile',
      'skip the model breakdown ("where the time goes") measured after the run',
    )
    .option(
      '--profile-calls <n>',
      `inferences the model breakdown profiles, after the measured calls (default ${DEFAULT_PROFILE_CALLS})`,
      positiveInt,
    );
  return withShardOptions(withHttpOptions(command, 'HTTP target')).action(
    async (workloadName: string | undefined, flags: RunFlags, command: Command) => {
      // Printed as a hint: a URL's credentials and a header's secret stay out of it.
      const again = commandFitToShow(repeatCommand(command, AGAIN_DROPS));
      // The default workload is named, so the hint says what it measures.
      if (workloadName === undefined) again.splice(1, 0, DEFAULT_WORKLOAD);
      exit(await runAction(workloadName ?? DEFAULT_WORKLOAD, flags, again));
    },
  );
}

/** Measured calls without `--iterations` or `--duration`. */
const DEFAULT_ITERATIONS = 1000;

/** Options "run it again" leaves out: the folder and the comparison are the next run's own. */
const AGAIN_DROPS = ['--out', '--baseline', '--fail-on-regression', '--json'];

async function runAction(
  workloadName: string,
  flags: RunFlags,
  again: readonly string[],
): Promise<number> {
  // Objectives are checked before anything runs: a typo costs nothing.
  checkGate(flags);
  if (!flags.profile && flags.profileCalls !== undefined) {
    throw new UsageError('--profile-calls does nothing with --no-profile');
  }
  const policy = loadPolicy({ slo: flags.slo, config: flags.config });
  // From the workload's import to its teardown, its prints stay off a --json stdout, and the
  // process ends only when perfsight says so.
  const reserved = flags.json ? reserveStdout() : undefined;
  const endGuard = guardRun('the workload');
  try {
    return await measureAndReport(workloadName, flags, policy, again, reserved?.stdout);
  } finally {
    endGuard();
    reserved?.restore();
  }
}

async function measureAndReport(
  workloadName: string,
  flags: RunFlags,
  policy: RunPolicy,
  again: readonly string[],
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const http = isHttpTarget(workloadName);
  const workloadOptions = workloadOptionsFrom(workloadName, flags);
  if (!http) {
    refuseHttpFlags(
      flags,
      `is for HTTP targets (perfsight run http://…), not the ${workloadName} workload`,
    );
  }
  // An HTTP target has one keep-alive connection per call in flight (-c).
  const target = http
    ? await httpTargetFrom(workloadName, flags, {
        connections: flags.concurrency,
        timeoutMs: flags.timeout,
      })
    : undefined;
  const workload = target ?? (await createWorkload(workloadName, workloadOptions));
  if (flags.profileCalls !== undefined && !workload.profile) {
    throw new UsageError(
      `--profile-calls does nothing for ${http ? 'an HTTP target' : `the ${workloadName} workload`} (it has no model to break down)`,
    );
  }
  const name = flags.name ?? workload.name;
  const out = flags.out ?? defaultOutDir(name);
  // Checked before anything runs: a folder that cannot take the reports costs nothing.
  await checkReportFolder(out, { unique: flags.out === undefined });
  const plan: RunPlan = {
    // One machine's part of a test spread over several (--shard): its share of the calls or rate.
    ...shardLoad(
      { iterations: flags.iterations, durationMs: flags.duration, rate: flags.rate },
      flags.shard,
      DEFAULT_ITERATIONS,
    ),
    durationMs: flags.duration,
    warmup: flags.warmup,
    concurrency: flags.concurrency,
    timeoutMs: flags.timeout,
  };

  const stop = stopOnSignals((signal) =>
    process.stderr.write(
      `\nperfsight: ${signal} received, stopping and writing the partial report…\n`,
    ),
  );

  const environment = describeEnvironment();
  const collector = new MetricsCollector();
  try {
    // A setup that hangs still answers Ctrl-C: the run goes on to an empty, interrupted report.
    await unlessAborted(workload.setup?.(), stop.signal);
    const iterations =
      plan.iterations ?? (plan.durationMs === undefined ? DEFAULT_ITERATIONS : undefined);
    const stopProgress = flags.progress
      ? startProgress(collector, { iterations, durationMs: plan.durationMs })
      : () => undefined;
    const outcome = await runWorkload(workload, collector, { ...plan, signal: stop.signal });
    stopProgress();
    // After the measured calls and outside the recorder: the breakdown never touches them.
    const modelProfile =
      flags.profile && !outcome.interrupted
        ? await profileModel(workload, flags.profileCalls ?? DEFAULT_PROFILE_CALLS, stop.signal)
        : undefined;
    // A teardown that throws does not cost the reports: they are written, then it is reported.
    // One that hangs does not either: Ctrl-C stops the wait, and the run counts as interrupted.
    let teardownError: unknown;
    let tornDown = true;
    try {
      tornDown = await teardownUnlessStopped(workload.teardown?.(), stop.signal);
    } catch (error) {
      teardownError = error ?? new Error(String(error));
    }
    if (!tornDown) {
      process.stderr.write(
        `perfsight: ${terminalText(redactText(workload.name))}: teardown() did not finish; stopped waiting for it, writing the reports\n`,
      );
    }
    const finished = await finishRun(
      {
        name,
        description: flags.description ?? workload.description ?? '',
        recorded: collector.recorded(),
        uncorrected: outcome.uncorrected?.recorded() ?? null,
        // A signal that cut the breakdown or the teardown short interrupted the run too.
        interrupted: outcome.interrupted || stop.received,
        configuration: {
          workload: workloadName,
          mode: plan.rate ? 'open_loop' : 'closed_loop',
          iterations: iterations ?? null,
          duration_seconds: plan.durationMs === undefined ? null : plan.durationMs / 1000,
          warmup: plan.warmup,
          concurrency: plan.concurrency,
          timeout_ms: plan.timeoutMs ?? null,
          rate_per_second: plan.rate ?? null,
          coordinated_omission_correction: plan.rate !== undefined,
          exact_sample_cap: DEFAULT_EXACT_CAP,
          workload_options: target ? requestConfiguration(target) : workloadOptions,
          abandoned_calls: outcome.abandonedCalls,
        },
        environment,
        workload: workload.info?.() ?? { kind: 'function', name: workload.name },
        http: target?.traffic(),
        group: flags.group,
        shard: flags.shard,
        generatedAt: new Date(),
        modelProfile,
      },
      {
        out,
        defaultOut: flags.out === undefined,
        json: flags.json,
        history: flags.history,
        baseline: flags.baseline,
        failOnRegression: flags.failOnRegression,
        again,
        policy,
      },
      stdout,
    );
    if (teardownError !== undefined) {
      throw new InputError(
        `${workload.name}: teardown() failed: ${thrownMessage(teardownError)}; the reports were written to ${finished.out}`,
      );
    }
    return stop.exitCode(finished.exitCode);
  } finally {
    stop.dispose();
  }
}

/**
 * The workload's breakdown of one inference, if it has one. A breakdown that fails costs the
 * run nothing but the breakdown: the measured figures stand, and the reports leave it out.
 * Ctrl-C while it runs stops waiting for it: the reports are written without it.
 */
async function profileModel(
  workload: Workload,
  calls: number,
  signal: AbortSignal,
): Promise<ModelProfile | undefined> {
  if (!workload.profile) return undefined;
  let profile: ModelProfile | undefined;
  try {
    await unlessAborted(
      workload.profile(calls).then((p) => (profile = p)),
      signal,
    );
  } catch (error) {
    process.stderr.write(
      `perfsight: the model breakdown failed (${thrownMessage(error)}); the reports leave it out\n`,
    );
    return undefined;
  }
  return signal.aborted ? undefined : profile;
}

/** The workload options `run` has: flag key → the option as the user types it → the workload's option. */
const WORKLOAD_FLAGS = {
  latencyMs: ['--latency-ms', 'latencyMs'],
  jitter: ['--jitter', 'jitter'],
  errorRate: ['--error-rate', 'errorRate'],
  cacheHitRate: ['--cache-hit-rate', 'cacheHitRate'],
  mode: ['--mode', 'mode'],
  seed: ['--seed', 'seed'],
  model: ['--model', 'model'],
  runtime: ['--runtime', 'runtime'],
  backend: ['--backend', 'backend'],
  threads: ['--threads', 'threads'],
  executionProvider: ['--execution-provider', 'executionProvider'],
  inputs: ['--inputs', 'inputs'],
  batch: ['--batch', 'batch'],
  repeatRatio: ['--repeat-ratio', 'repeatRatio'],
  faultRate: ['--fault-rate', 'faultRate'],
  modelTimeout: ['--model-timeout', 'modelTimeoutMs'],
  isolate: ['--isolate', 'isolate'],
} as const satisfies Partial<Record<keyof RunFlags, readonly [string, WorkloadOption]>>;

/**
 * The options given for the workload, each checked against what it reads: an option the
 * workload ignores (`run synthetic --model DIR`) would change nothing while the reports say it
 * was set, so it is bad usage, named with the workload.
 */
function workloadOptionsFrom(workloadName: string, flags: RunFlags): WorkloadOptions {
  const http = isHttpTarget(workloadName);
  const takes: readonly WorkloadOption[] = http ? [] : workloadOptionsTaken(workloadName);
  const options: Partial<Record<WorkloadOption, unknown>> = {};
  for (const [key, [flag, option]] of Object.entries(WORKLOAD_FLAGS)) {
    const value = flags[key as keyof typeof WORKLOAD_FLAGS];
    if (value === undefined) continue;
    if (!takes.includes(option)) {
      const builtIn = builtInWorkloads().includes(workloadName);
      const known = Object.values(WORKLOAD_FLAGS)
        .filter(([, o]) => takes.includes(o))
        .map(([f]) => f);
      throw new UsageError(
        http
          ? `${flag} does nothing for an HTTP target (it takes --method, --header, --body, --body-file, --expect-status, --insecure)`
          : builtIn
            ? `${flag} does nothing for the ${workloadName} workload (it takes ${known.join(', ')})`
            : `${flag} does nothing for the workload module ${workloadName} (a module takes no workload options)`,
      );
    }
    options[option] = value;
  }
  // The machines of one test (--shard) do not all replay the same generated numbers.
  if (flags.shard && !http && (!takes || takes.includes('seed'))) {
    options.seed = shardSeed(flags.seed ?? DEFAULT_SEED, flags.shard);
  }
  return options as WorkloadOptions;
}
