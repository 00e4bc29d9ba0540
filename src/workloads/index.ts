import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { access } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { CallResult, Workload } from '../load/index.js';
import { syntheticWorkload, type SyntheticOptions } from './synthetic.js';

export { syntheticWorkload } from './synthetic.js';
export type { SyntheticOptions } from './synthetic.js';
export { seededRandom, normalFrom } from './random.js';

/** Options the CLI passes to every workload factory; each takes what it knows. */
export type WorkloadOptions = SyntheticOptions & Record<string, unknown>;

type WorkloadFactory = (options: WorkloadOptions) => Workload | Promise<Workload>;

const BUILT_IN: Record<string, WorkloadFactory> = {
  // TensorFlow.js is loaded only when this workload is asked for: other commands stay quick.
  'feature-extraction': async (options) =>
    (await import('./feature-extraction/index.js')).featureExtractionWorkload(options),
  synthetic: (options) => syntheticWorkload(options),
};

/** What `perfsight run` measures when no workload is named: the seed's question. */
export const DEFAULT_WORKLOAD = 'feature-extraction';

export function builtInWorkloads(): string[] {
  return Object.keys(BUILT_IN);
}

/** Lets a later module (or a user) add a named workload. */
export function registerWorkload(name: string, factory: WorkloadFactory): void {
  BUILT_IN[name] = factory;
}

/**
 * A built-in workload by name, or the user's own module given by path: its default export
 * (or `workload` export) is a function to call, or a `Workload` object.
 */
export async function createWorkload(
  nameOrPath: string,
  options: WorkloadOptions,
): Promise<Workload> {
  const factory = BUILT_IN[nameOrPath];
  if (factory) return factory(options);
  if (!/[\\/.]/.test(nameOrPath)) {
    throw new UsageError(
      `unknown workload "${nameOrPath}" (built in: ${builtInWorkloads().join(', ')}; or a path to a module)`,
    );
  }
  const path = resolve(nameOrPath);
  try {
    await access(path);
  } catch {
    throw new UsageError(`workload module not found: ${nameOrPath}`);
  }
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const exported = module.default ?? module.workload;
  if (typeof exported === 'function') {
    const fn = exported as (i: number) => CallResult | Promise<CallResult>;
    return {
      name: fn.name || nameOrPath,
      call: (i) => fn(i),
      info: () => ({ kind: 'module', path: nameOrPath }),
    };
  }
  if (
    exported &&
    typeof exported === 'object' &&
    typeof (exported as Workload).call === 'function'
  ) {
    const workload = exported as Workload;
    return { ...workload, name: workload.name ?? nameOrPath };
  }
  throw new UsageError(
    `${nameOrPath}: export a function (default export) or a workload object with call()`,
  );
}
