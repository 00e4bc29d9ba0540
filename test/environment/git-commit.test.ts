import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitCommit } from '../../src/environment/_git-commit.js';
import { describeEnvironment } from '../../src/environment/index.js';

// Real repositories made by the real git, with no global or system configuration.
const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};
for (const name of ['GIT_DIR', 'GIT_COMMON_DIR', 'GIT_WORK_TREE', 'GIT_CEILING_DIRECTORIES']) {
  delete GIT_ENV[name];
}
const IDENTITY = ['-c', 'user.name=perfsight', '-c', 'user.email=perfsight@example.invalid'];

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...IDENTITY, ...args], {
    cwd,
    env: GIT_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .toString()
    .trim();
}

/** What git says, or null where git fails (as `describeEnvironment` always recorded it). */
function revParseHead(cwd: string): string | null {
  try {
    return git(cwd, 'rev-parse', 'HEAD');
  } catch {
    return null;
  }
}

const root = mkdtempSync(path.join(os.tmpdir(), 'perfsight-git-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
function newRepo(commits = 1): string {
  const dir = path.join(root, `repo${count++}`);
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  for (let i = 0; i < commits; i++) {
    writeFileSync(path.join(dir, 'file.txt'), `version ${i}\n`);
    git(dir, 'add', 'file.txt');
    git(dir, 'commit', '-q', '-m', `commit ${i}`);
  }
  return dir;
}

function expectSameAsGit(cwd: string): void {
  const expected = revParseHead(cwd);
  expect(expected).toMatch(/^[0-9a-f]{40}$/);
  expect(gitCommit(cwd)).toBe(expected);
}

describe('gitCommit reads the repository like git rev-parse HEAD', () => {
  it('a normal repository, at its root and in a subfolder', () => {
    const repo = newRepo(2);
    const sub = path.join(repo, 'a', 'b');
    mkdirSync(sub, { recursive: true });
    expectSameAsGit(repo);
    expectSameAsGit(sub);
  });

  it('a detached HEAD', () => {
    const repo = newRepo(3);
    git(repo, 'checkout', '-q', '--detach', 'HEAD~1');
    expectSameAsGit(repo);
    expect(gitCommit(repo)).not.toBe(git(repo, 'rev-parse', 'main'));
  });

  it('refs packed by git pack-refs --all (with a peeled annotated tag in the file)', () => {
    const repo = newRepo(2);
    git(repo, 'tag', '-a', '-m', 'annotated', 'v1');
    git(repo, 'branch', 'other', 'HEAD~1');
    git(repo, 'pack-refs', '--all');
    git(repo, 'checkout', '-q', 'other');
    expectSameAsGit(repo);
    git(repo, 'checkout', '-q', 'main');
    expectSameAsGit(repo);
  });

  it('a linked worktree (a .git file, refs in the common dir)', () => {
    const repo = newRepo(2);
    const worktree = path.join(root, `worktree${count++}`);
    git(repo, 'worktree', 'add', '-q', '-b', 'side', worktree, 'HEAD~1');
    expectSameAsGit(worktree);
    expectSameAsGit(path.join(repo));
    expect(gitCommit(worktree)).not.toBe(gitCommit(repo));
    git(repo, 'pack-refs', '--all');
    expectSameAsGit(worktree);
  });

  it('a submodule (a .git file with a relative gitdir)', () => {
    const library = newRepo(2);
    const parent = newRepo(1);
    git(parent, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', library, 'lib');
    git(parent, 'commit', '-q', '-m', 'add lib');
    git(path.join(parent, 'lib'), 'checkout', '-q', 'HEAD~1');
    expect(readFileSync(path.join(parent, 'lib', '.git'), 'utf8')).toMatch(/^gitdir: \.\.\//);
    expectSameAsGit(path.join(parent, 'lib'));
    expectSameAsGit(parent);
    expect(gitCommit(path.join(parent, 'lib'))).not.toBe(gitCommit(parent));
  });

  it('a separate git dir named by an absolute gitdir', () => {
    const store = path.join(root, `store${count++}.git`);
    const work = path.join(root, `work${count++}`);
    mkdirSync(work);
    git(work, 'init', '-q', '-b', 'main', `--separate-git-dir=${store}`);
    writeFileSync(path.join(work, 'f'), 'x');
    git(work, 'add', 'f');
    git(work, 'commit', '-q', '-m', 'one');
    expectSameAsGit(work);
  });

  it('a fresh repository with no commit: null, as git fails', () => {
    const repo = newRepo(0);
    expect(revParseHead(repo)).toBeNull();
    expect(gitCommit(repo)).toBeNull();
  });

  it('no repository at all: null', () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'perfsight-norepo-'));
    try {
      expect(revParseHead(outside)).toBeNull();
      expect(gitCommit(outside)).toBeNull();
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('malformed or escaping HEAD contents: null, never a throw', () => {
    const repo = newRepo(1);
    const head = path.join(repo, '.git', 'HEAD');
    const branchFile = path.join(repo, '.git', 'refs', 'heads', 'main');
    const cases = [
      'not a ref\n',
      'ref: refs/heads/missing\n',
      'ref: refs/heads/../../../../etc/passwd\n',
      'ref: /etc/passwd\n',
      'ref: HEAD\n',
      '0123456789abcdef\n',
      '',
    ];
    for (const content of cases) {
      writeFileSync(head, content);
      expect(revParseHead(repo)).toBeNull();
      expect(gitCommit(repo)).toBeNull();
    }
    // A branch file that is no object id.
    writeFileSync(head, 'ref: refs/heads/main\n');
    writeFileSync(branchFile, 'garbage\n');
    expect(gitCommit(repo)).toBeNull();
  });

  it('a symbolic ref chain is followed a few links, not forever', () => {
    const repo = newRepo(1);
    const commit = git(repo, 'rev-parse', 'HEAD');
    const heads = path.join(repo, '.git', 'refs', 'heads');
    writeFileSync(path.join(heads, 'alias'), 'ref: refs/heads/main\n');
    writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/alias\n');
    expect(gitCommit(repo)).toBe(commit);
    expect(revParseHead(repo)).toBe(commit);
    // A loop: git gives up, and so does gitCommit.
    writeFileSync(path.join(heads, 'a'), 'ref: refs/heads/b\n');
    writeFileSync(path.join(heads, 'b'), 'ref: refs/heads/a\n');
    writeFileSync(path.join(repo, '.git', 'HEAD'), 'ref: refs/heads/a\n');
    expect(gitCommit(repo)).toBeNull();
  });

  it('finds the commit without running git (no git on PATH)', () => {
    const repo = newRepo(1);
    const commit = git(repo, 'rev-parse', 'HEAD');
    const emptyBin = mkdtempSync(path.join(os.tmpdir(), 'perfsight-nobin-'));
    const savedPath = process.env.PATH;
    process.env.PATH = emptyBin;
    try {
      expect(gitCommit(repo)).toBe(commit);
      expect(describeEnvironment(repo).git_commit).toBe(commit);
    } finally {
      process.env.PATH = savedPath;
      rmSync(emptyBin, { recursive: true, force: true });
    }
  });

  it('GIT_DIR set: git is asked, as before (it decides what GIT_DIR means)', () => {
    const repo = newRepo(1);
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'perfsight-gitdir-'));
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = path.join(repo, '.git');
    try {
      expect(gitCommit(elsewhere)).toBe(git(repo, 'rev-parse', 'HEAD'));
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('describeEnvironment keeps its shape', () => {
    const repo = newRepo(1);
    const environment = describeEnvironment(repo);
    expect(Object.keys(environment)).toEqual([
      'perfsight_version',
      'node_version',
      'v8_version',
      'platform',
      'arch',
      'os_release',
      'cpu_model',
      'cpu_cores',
      'total_memory_mb',
      'hostname',
      'git_commit',
    ]);
    expect(environment.git_commit).toBe(git(repo, 'rev-parse', 'HEAD'));
  });
});
