import { readFileSync } from 'node:fs';
import os from 'node:os';

import { gitCommit } from './_git-commit.js';

/** Where a run was measured: reports carry it so runs from other machines are not mistaken. */
export interface Environment {
  perfsight_version: string;
  node_version: string;
  v8_version: string;
  platform: string;
  arch: string;
  os_release: string;
  cpu_model: string;
  cpu_cores: number;
  total_memory_mb: number;
  hostname: string;
  git_commit: string | null;
}

export const PERFSIGHT_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** Reads the environment once (the git commit from the repository's files; see `gitCommit`). */
export function describeEnvironment(cwd = process.cwd()): Environment {
  const cpus = os.cpus();
  return {
    perfsight_version: PERFSIGHT_VERSION,
    node_version: process.version,
    v8_version: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    os_release: os.release(),
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    cpu_cores: os.availableParallelism?.() ?? cpus.length,
    total_memory_mb: Math.round(os.totalmem() / 1024 / 1024),
    hostname: os.hostname(),
    git_commit: gitCommit(cwd),
  };
}
