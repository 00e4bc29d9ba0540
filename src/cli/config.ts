/**
 * Reading `perfsight.config.json` (the file access; analysis/config.ts checks what it says).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CONFIG_FILE,
  parseConfig,
  policyOf,
  type Config,
  type RunPolicy,
} from '../analysis/index.js';
import { InputError } from '../errors.js';
import { readTextFileSync } from '../input.js';

/**
 * The policy for a run: `--slo` objectives win over the config file's; the config file is
 * `--config`, else `perfsight.config.json` in the working directory when present. Whichever
 * they are, the fallback objective (`fallback<1%`) joins them unless they name their own.
 */
export function loadPolicy(options: {
  slo?: readonly string[];
  config?: string;
  cwd?: string;
}): RunPolicy {
  const path = options.config ?? discover(options.cwd ?? process.cwd());
  return policyOf({
    slo: options.slo,
    config: path ? loadConfig(path) : undefined,
    configPath: path,
  });
}

function discover(cwd: string): string | undefined {
  const path = resolve(cwd, CONFIG_FILE);
  return existsSync(path) ? path : undefined;
}

/** A config file, read and checked (an InputError naming the file when it is not right). */
export function loadConfig(path: string): Config {
  let text: string;
  try {
    text = readTextFileSync(path);
  } catch {
    throw new InputError(`${path}: cannot read the config file (does it exist?)`);
  }
  return parseConfig(text, path);
}
