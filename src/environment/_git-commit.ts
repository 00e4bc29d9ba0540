import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The commit checked out at `cwd` (what `git rev-parse HEAD` prints), or null when there is none.
 *
 * Why it reads the repository's files instead of running `git rev-parse HEAD`: every report
 * (run, report, merge, monitor export) records the commit, and spawning git cost ~15 ms of
 * main-thread time in spawnSync plus the git process's own CPU — in `perfsight report` of a
 * 1 M-row file, a command of ~0.78 s measured against pandas (issue 13). Measured here (2 cores,
 * loaded): describeEnvironment's first call in a fresh process 5.5 ms with the spawn, 1.5 ms with
 * the files (medians of 15 alternating processes); the commit alone 2.7–3.8 ms spawned, 0.17–0.27 ms
 * read (medians of 41) — and no git process competing for the second core.
 *
 * What it reads: the first `.git` walking up from `cwd` (a directory, or a `gitdir: <path>` file as
 * in linked worktrees and submodules), its `HEAD` (a detached id, or `ref: <name>`), then the loose
 * ref file (in the worktree's git dir or the common dir named by `commondir`) or `packed-refs`.
 * Anything unexpected — a malformed file, a ref with no commit yet (fresh repository), a symbolic
 * ref chain longer than a few links, a ref name that would leave the git dir — gives null, exactly
 * as when git fails. It never throws, and reads a bounded number of files.
 *
 * It falls back to spawning git where the files alone do not tell: when the environment points
 * git elsewhere (GIT_DIR, GIT_COMMON_DIR, GIT_WORK_TREE, GIT_CEILING_DIRECTORIES) and for the
 * reftable ref format (a binary ref store).
 */
export function gitCommit(cwd: string): string | null {
  try {
    if (GIT_ENV_VARS.some((name) => process.env[name] !== undefined)) return gitCommitBySpawn(cwd);
    const dirs = findGitDirs(path.resolve(cwd));
    if (dirs === null) return null;
    if (isDirectory(path.join(dirs.commonDir, 'reftable'))) return gitCommitBySpawn(cwd);
    return resolveHead(dirs);
  } catch {
    return null;
  }
}

/** Today's way, kept for the cases the files alone do not settle. */
export function gitCommitBySpawn(cwd: string): string | null {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
    });
    const commit = out.toString().trim();
    return OBJECT_ID.test(commit) ? commit : null;
  } catch {
    return null;
  }
}

const GIT_ENV_VARS = ['GIT_DIR', 'GIT_COMMON_DIR', 'GIT_WORK_TREE', 'GIT_CEILING_DIRECTORIES'];
/** SHA-1 (40 hex digits) or SHA-256 (64) object ids, as git prints them. */
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** How many `ref:` links are followed (HEAD → branch is one); git itself stops at five. */
const MAX_SYMREF_DEPTH = 5;
/** Files larger than this are not a HEAD, a loose ref, a `.git` file or `commondir`. */
const MAX_SMALL_FILE = 4096;

interface GitDirs {
  /** The git dir of this worktree: HEAD and per-worktree refs. */
  gitDir: string;
  /** Where shared refs and packed-refs live (the main repository's git dir for a linked worktree). */
  commonDir: string;
}

function findGitDirs(start: string): GitDirs | null {
  for (let dir = start; ;) {
    const dotGit = path.join(dir, '.git');
    const stat = statSync(dotGit, { throwIfNoEntry: false });
    if (stat !== undefined) {
      const gitDir = stat.isDirectory() ? dotGit : stat.isFile() ? readGitFile(dotGit) : null;
      if (gitDir === null) return null;
      return { gitDir, commonDir: readCommonDir(gitDir) };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** A `.git` file says `gitdir: <path>`, relative to the file's folder when not absolute. */
function readGitFile(file: string): string | null {
  const text = readSmallFile(file);
  const match = text === null ? null : /^gitdir: (.+?)\r?\n?$/.exec(text);
  if (!match?.[1]) return null;
  const gitDir = path.resolve(path.dirname(file), match[1]);
  return isDirectory(gitDir) ? gitDir : null;
}

/** A linked worktree's git dir names the shared one in `commondir` (usually `../..`). */
function readCommonDir(gitDir: string): string {
  const text = readSmallFile(path.join(gitDir, 'commondir'));
  const line = text?.replace(/\r?\n$/, '');
  return line ? path.resolve(gitDir, line) : gitDir;
}

function resolveHead(dirs: GitDirs): string | null {
  let content = readSmallFile(path.join(dirs.gitDir, 'HEAD'));
  for (let depth = 0; content !== null && depth <= MAX_SYMREF_DEPTH; depth++) {
    const line = content.replace(/\r?\n$/, '');
    if (OBJECT_ID.test(line)) return line;
    const symref = /^ref: ?(.+)$/.exec(line)?.[1]?.trim();
    if (symref === undefined || !isSafeRefName(symref)) return null;
    content = readRef(dirs, symref);
  }
  return null;
}

/** A ref name must stay inside the git dir: under `refs/`, no `..`, no absolute or odd paths. */
function isSafeRefName(name: string): boolean {
  return (
    name.startsWith('refs/') &&
    !name.includes('..') &&
    !name.includes('\\') &&
    !name.includes('\0') &&
    !name.includes('//') &&
    !name.endsWith('/') &&
    !name.endsWith('.lock')
  );
}

/** Per-worktree refs live in the worktree's git dir; every other ref in the common dir. */
const PER_WORKTREE_REFS = ['refs/worktree/', 'refs/bisect/', 'refs/rewritten/'];

/** The loose ref file's content, else the id `packed-refs` gives, else null. */
function readRef(dirs: GitDirs, name: string): string | null {
  const perWorktree = PER_WORKTREE_REFS.some((prefix) => name.startsWith(prefix));
  const loose = readSmallFile(path.join(perWorktree ? dirs.gitDir : dirs.commonDir, name));
  if (loose !== null) return loose;
  return perWorktree ? null : readPackedRef(dirs.commonDir, name);
}

/** `packed-refs` lines are `<id> <name>`; `#` lines are a header, `^` lines a peeled tag. */
function readPackedRef(commonDir: string, name: string): string | null {
  let text: string;
  try {
    text = readFileSync(path.join(commonDir, 'packed-refs'), 'utf8');
  } catch {
    return null;
  }
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('^')) continue;
    const space = line.indexOf(' ');
    if (space > 0 && line.slice(space + 1) === name) {
      const id = line.slice(0, space);
      return OBJECT_ID.test(id) ? id : null;
    }
  }
  return null;
}

function readSmallFile(file: string): string | null {
  try {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat === undefined || !stat.isFile() || stat.size > MAX_SMALL_FILE) return null;
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function isDirectory(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
