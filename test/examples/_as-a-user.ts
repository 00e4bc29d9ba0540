import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../_helpers.js';

/**
 * Example code checked and run as a user's project would: typechecked by `tsc` with the
 * strictest settings this project itself uses, run by tsx. One definition, so every example
 * test holds the examples to the same bar.
 */
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * `tsc --noEmit --strict --noUncheckedIndexedAccess` over `files` (ES modules resolved as
 * Node resolves them), from `cwd`. What tsc printed: empty when they typecheck.
 */
export function typecheckStrict(
  files: readonly string[],
  cwd: string,
): { output: string; status: number | null } {
  const result = spawnSync(
    process.execPath,
    [
      TSC,
      '--noEmit',
      '--strict',
      '--noUncheckedIndexedAccess',
      ...['--module', 'nodenext', '--moduleResolution', 'nodenext'],
      ...['--target', 'es2022', '--lib', 'es2023'],
      ...['--types', 'node', '--typeRoots', join(ROOT, 'node_modules', '@types')],
      '--skipLibCheck',
      ...files,
    ],
    { cwd, encoding: 'utf8' },
  );
  return { output: result.stdout + result.stderr, status: result.status };
}

/** Runs a TypeScript file with tsx from `cwd`, as `npx tsx file` would. */
export function runTypeScript(file: string, cwd: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', TSX, file], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
}
