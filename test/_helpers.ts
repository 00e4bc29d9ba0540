import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = join(ROOT, 'bin', 'perfsight.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The folder the CLI ran in (set by `runCli`). */
  cwd?: string;
}

/** A fresh temp folder for one test. */
export function tempDir(prefix = 'perfsight-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Runs the built CLI (`npm test` builds first) as a user would, without a TTY.
 * `onSpawn` gets the child, e.g. to send it a signal.
 *
 * Each call runs in a folder of its own (a fresh temp folder unless `cwd` is given) and
 * without the caller's `PERFSIGHT_HISTORY` (unless `env` sets it): the default history
 * (`.perfsight/history.db`), default report folders and `perfsight.config.json` are then the
 * test's own, never the checkout's, which other tests and perfsight processes share.
 */
export function runCli(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string>;
    onSpawn?: (child: ReturnType<typeof spawn>) => void;
    timeoutMs?: number;
  } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const { PERFSIGHT_HISTORY: _inherited, ...environment } = process.env;
    const cwd = options.cwd ?? tempDir('perfsight-cwd-');
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...environment, CI: 'true', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, cwd });
    });
    options.onSpawn?.(child);
  });
}
