import { pathToFileURL } from 'node:url';
import { basename, extname, resolve } from 'node:path';
import { access } from 'node:fs/promises';
import { cut, InputError, quote, UsageError } from '../errors.js';
import type { CallOptions, CallResult, Workload } from '../load/index.js';
import type { FeatureExtractionOptions } from './feature-extraction/index.js';
import { syntheticWorkload, type SyntheticOptions } from './synthetic.js';

export { syntheticWorkload } from './synthetic.js';
export { buildModelProfile, parseOnnxTrace, profileOnnx } from './profile/index.js';
export type { OnnxProfileOptions, OperatorTiming, ProfiledInference } from './profile/index.js';
export type { SyntheticOptions } from './synthetic.js';
export type { FeatureExtractionOptions } from './feature-extraction/index.js';

/** Each built-in workload by name, and the options it declares. */
export interface BuiltInWorkloadOptions {
  'feature-extraction': FeatureExtractionOptions;
  synthetic: SyntheticOptions;
}

export type BuiltInWorkload = keyof BuiltInWorkloadOptions;

/** An option of some built-in workload: what `run`'s flags are checked and passed as. */
export type WorkloadOption = {
  [N in BuiltInWorkload]: keyof BuiltInWorkloadOptions[N];
}[BuiltInWorkload];

/** Options for a workload named at run time, each typed as the workload declares it. */
export type WorkloadOptions = Partial<SyntheticOptions & FeatureExtractionOptions>;

const BUILT_IN: {
  [N in BuiltInWorkload]: (options: BuiltInWorkloadOptions[N]) => Workload | Promise<Workload>;
} = {
  // TensorFlow.js is loaded only when this workload is asked for: other commands stay quick.
  'feature-extraction': async (options) =>
    (await import('./feature-extraction/index.js')).featureExtractionWorkload(options),
  synthetic: (options) => syntheticWorkload(options),
};

/**
 * The options each built-in workload reads (keys of its own options type). An option a
 * workload does not read would change nothing while the reports say it was set: the CLI
 * refuses it.
 */
const TAKES: { [N in BuiltInWorkload]: ReadonlyArray<keyof BuiltInWorkloadOptions[N]> } = {
  'feature-extraction': [
    'seed',
    'model',
    'runtime',
    'backend',
    'threads',
    'executionProvider',
    'inputs',
    'batch',
    'repeatRatio',
    'faultRate',
    'modelTimeoutMs',
    'isolate',
  ],
  synthetic: ['latencyMs', 'jitter', 'errorRate', 'cacheHitRate', 'mode', 'seed'],
};

function isBuiltIn(name: string): name is BuiltInWorkload {
  return Object.hasOwn(BUILT_IN, name);
}

/** The options a workload reads: a built-in's list; none for a module (it gets no options). */
export function workloadOptionsTaken(nameOrPath: string): readonly WorkloadOption[] {
  return isBuiltIn(nameOrPath) ? TAKES[nameOrPath] : [];
}

/** What `perfsight run` measures when no workload is named: the seed's question. */
export const DEFAULT_WORKLOAD = 'feature-extraction';

export function builtInWorkloads(): string[] {
  return Object.keys(BUILT_IN);
}

/**
 * A built-in workload by name, or the user's own module given by path: its default export
 * (or `workload` export) is a function to call, or a `Workload` object.
 */
export async function createWorkload<N extends string>(
  nameOrPath: N,
  // A built-in named in the code takes its own options; a name known only at run time
  // (the CLI's) any declared option, checked against `workloadOptionsTaken` first.
  options?: N extends BuiltInWorkload ? BuiltInWorkloadOptions[N] : WorkloadOptions,
): Promise<Workload> {
  // The options were typed (or, from the CLI, checked against TAKES) for this very workload.
  if (isBuiltIn(nameOrPath)) return BUILT_IN[nameOrPath]((options ?? {}) as never);
  if (!/[\\/.]/.test(nameOrPath)) {
    throw new UsageError(
      `unknown workload ${quote(nameOrPath)} (built in: ${builtInWorkloads().join(', ')}; or a path to a module)`,
    );
  }
  const path = resolve(nameOrPath);
  try {
    await access(path);
  } catch {
    throw new UsageError(`workload module not found: ${nameOrPath}`);
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    // A syntax error, a missing import, a throw at the top level: the module is the user's.
    throw new InputError(`${nameOrPath}: the workload module failed to load: ${firstLine(error)}`);
  }
  const exported = module.default ?? module.workload;
  if (typeof exported === 'function') {
    const fn = exported as (i: number, options: CallOptions) => CallResult | Promise<CallResult>;
    return {
      // `export default function () {}` is named "default": the file says more.
      name: fn.name && fn.name !== 'default' ? fn.name : moduleName(nameOrPath),
      call: (i, options) => fn(i, options),
      info: () => ({ kind: 'module', path: nameOrPath }),
    };
  }
  if (
    exported &&
    typeof exported === 'object' &&
    typeof (exported as Workload).call === 'function'
  ) {
    return fromObject(exported as Workload, nameOrPath);
  }
  throw new UsageError(
    `${nameOrPath}: export a function (default export) or a workload object with call()`,
  );
}

/**
 * The user's workload object, its methods called on it (a class instance keeps its
 * prototype); a setup() that throws is the module's mistake, reported as such (exit 2).
 */
function fromObject(workload: Workload, nameOrPath: string): Workload {
  const { setup, teardown, info, profile } = workload;
  return {
    name: workload.name ?? moduleName(nameOrPath),
    description: workload.description,
    call: (i, options) => workload.call(i, options),
    setup:
      setup &&
      (async () => {
        try {
          await setup.call(workload);
        } catch (error) {
          throw new InputError(`${nameOrPath}: setup() failed: ${firstLine(error)}`);
        }
      }),
    teardown: teardown && (() => teardown.call(workload)),
    info: info && (() => info.call(workload)),
    profile: profile && ((calls) => profile.call(workload, calls)),
  };
}

/** `./bench/search.mjs` → `search`: a module's name when it gives none. */
function moduleName(path: string): string {
  const file = basename(path);
  return file.slice(0, file.length - extname(file).length) || file;
}

/** The first line of what user code threw, short: enough to find it, never a stack. */
function firstLine(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    text = 'a value that cannot be shown';
  }
  return cut(text.split('\n')[0]!, 200);
}
