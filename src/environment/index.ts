import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

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

/** Reads the environment once (it runs `git`, so call it off the hot path). */
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

function gitCommit(cwd: string): string | null {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
    });
    const commit = out.toString().trim();
    return /^[0-9a-f]{40,64}$/.test(commit) ? commit : null;
  } catch {
    return null;
  }
}
