/**
 * Report folders: where a name becomes a path, and how a folder comes into being. Nothing a
 * user had is lost or overwritten: a folder is written whole beside its target and renamed
 * into place (complete or absent), it never replaces a non-empty folder, and a name from the
 * command line or the data never leads a write outside the folder the user named.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, parse, resolve } from 'node:path';
import { InputError, PerfsightError } from '../errors.js';
import type { ReportFile } from './files.js';
import { writeFileAtomic, writeFileTo } from './write.js';

/** Marks a folder perfsight created, so `compare -o <run folder>` may add to it. */
export const FOLDER_MARKER = '.perfsight';

type FolderKind = 'run' | 'comparison' | 'monitor';

const marker = (kind: FolderKind) => `${JSON.stringify({ created_by: 'perfsight', kind })}\n`;

/** A name that becomes one folder or file name: one path segment, nothing hidden or special. */
export const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * `folder/name`, only when `name` is one plain segment: `..`, `a/b`, an absolute path or a
 * hidden name would write outside `folder` or over perfsight's own files.
 */
export function insideFolder(folder: string, name: string, what = 'name'): string {
  if (!SAFE_NAME.test(name) || name.length > 200) {
    throw new InputError(
      `${what} "${name.slice(0, 80)}" cannot be a file or folder name: use letters, digits, "_", "-" and "." (not first)`,
    );
  }
  return join(folder, name);
}

/**
 * Checks a report folder before anything is measured or read: it must be absent or empty
 * (`unique`: perfsight chose the name and picks a free one when it is taken), not the
 * filesystem root or the home folder, and not under a file. Throws an InputError (exit 2).
 */
export async function checkReportFolder(
  path: string,
  options: { unique?: boolean; option?: string } = {},
): Promise<void> {
  const option = options.option ?? '--out';
  const absolute = resolve(path);
  if (path.trim() === '') throw new InputError(`${option} is empty: give a folder`);
  if (absolute === parse(absolute).root || absolute === resolve(homedir())) {
    throw new InputError(
      `${option} ${path} is ${absolute === resolve(homedir()) ? 'your home folder' : 'the filesystem root'}: give a folder of its own for the reports`,
    );
  }
  const found = await statOrUndefined(absolute, option, path);
  if (!found) return checkParents(absolute, option, path);
  if (!found.isDirectory()) throw new InputError(`${option} ${path} is a file, not a folder`);
  if (options.unique) return;
  const entries = await readdir(absolute).catch((error: unknown) => {
    throw folderError(path, error);
  });
  if (entries.length === 0) return;
  throw new InputError(
    entries.includes(FOLDER_MARKER)
      ? `${option} ${path} holds earlier perfsight reports: perfsight never overwrites a report folder, give a new one`
      : `${option} ${path} is not empty: perfsight writes only into a new or empty folder`,
  );
}

/**
 * Checks a file perfsight will write or append to while it runs (the monitor's alert log):
 * not a folder, not under a file. Throws an InputError naming the option and the path.
 */
export async function checkOutputFile(path: string, option: string): Promise<void> {
  if (path.trim() === '') throw new InputError(`${option} is empty: give a file`);
  const absolute = resolve(path);
  const found = await statOrUndefined(absolute, option, path);
  if (!found) return checkParents(absolute, option, path);
  if (found.isDirectory()) throw new InputError(`${option} ${path} is a folder, not a file`);
}

/** Whether perfsight created `path` (a run or comparison folder it may add comparisons to). */
export async function isPerfsightFolder(path: string): Promise<boolean> {
  return (await stat(join(path, FOLDER_MARKER)).catch(() => undefined))?.isFile() ?? false;
}

/**
 * A report folder being written: files go into a hidden folder beside the target (same
 * filesystem), which `commit` renames into place. Until then — on an error, on a second
 * Ctrl-C, on any exit — the temporary folder is removed, so the target is complete or absent.
 */
export class StagedFolder {
  private committed = false;
  // Retries: a file the thread pool is still creating can make the folder not empty yet.
  private readonly cleanUp = () =>
    rmSync(this.path, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });

  /** The folder's marker being written (see `create`). */
  private marked: Promise<void> = Promise.resolve();

  private constructor(
    readonly target: string,
    readonly path: string,
  ) {
    process.on('exit', this.cleanUp);
  }

  static async create(target: string, kind: FolderKind): Promise<StagedFolder> {
    const parent = dirname(resolve(target));
    const temp = join(parent, `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
    // Synchronously, as the folder below: at the end of a large report the thread pool is
    // busy with the samples' gzip, and a round trip to it held up the first file (the parent
    // exists, mostly: a system call).
    try {
      mkdirSync(parent, { recursive: true });
    } catch (error) {
      throw folderError(target, error);
    }
    // The exit cleanup is armed before the folder exists, and the folder made synchronously:
    // an asynchronous mkdir could finish on the thread pool while a second Ctrl-C already
    // runs the exit handlers, and leave the temporary folder behind.
    const folder = new StagedFolder(target, temp);
    try {
      mkdirSync(temp);
    } catch (error) {
      process.off('exit', folder.cleanUp);
      throw folderError(target, error);
    }
    // Written with the files (`write` waits for it), not before them, for the same reason.
    folder.marked = writeFile(join(temp, FOLDER_MARKER), marker(kind));
    folder.marked.catch(() => undefined);
    return folder;
  }

  /**
   * Renders the files in turn, each written while the next is rendered (and the samples files,
   * last, while their worker finishes them): one after the other, the main thread waited for
   * every write, the two samples files' 25 MB for a million samples included. Settles once
   * every write has, so nothing is left writing into a folder an error discards.
   */
  async write(files: readonly ReportFile[]): Promise<void> {
    const writes: Promise<void>[] = [this.marked];
    let failure: { error: unknown } | undefined;
    try {
      for (const file of files) {
        writes.push(
          writeFileTo(insideFolder(this.path, file.name), file.render(), {
            gzip: file.gzip ?? false,
          }),
        );
      }
    } catch (error) {
      failure = { error };
    }
    // The first file's error by the files' order, as when they were written one by one.
    for (const written of await Promise.allSettled(writes)) {
      if (written.status === 'rejected') {
        failure ??= { error: written.reason };
        break;
      }
    }
    if (failure) throw folderError(this.target, failure.error);
  }

  /**
   * Renames the folder into place and returns where it went: the target when it is absent
   * or empty, else the first free `<target>-2`, `-3`… (another run took the name meanwhile:
   * its reports and these are both kept). A rename never replaces a non-empty folder.
   */
  async commit(): Promise<string> {
    for (let n = 1; n < 1000; n++) {
      const candidate = n === 1 ? this.target : `${this.target}-${n}`;
      try {
        await rename(this.path, candidate);
        this.committed = true;
        process.off('exit', this.cleanUp);
        return candidate;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // ENOTEMPTY/EEXIST: a non-empty folder; ENOTDIR: a file of that name.
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOTDIR') {
          throw folderError(this.target, error);
        }
      }
    }
    throw new InputError(`${this.target}: no free folder name beside it (tried -2 to -999)`);
  }

  /** Removes the temporary folder (after an error); a no-op once committed. */
  async discard(): Promise<void> {
    if (this.committed) return;
    await this.marked.catch(() => undefined);
    await rm(this.path, { recursive: true, force: true }).catch(() => undefined);
    process.off('exit', this.cleanUp);
  }
}

/** Writes a whole report folder (see StagedFolder); returns the folder it ended in. */
export async function writeReportFolder(
  target: string,
  files: readonly ReportFile[],
  kind: FolderKind = 'run',
): Promise<string> {
  const folder = await StagedFolder.create(target, kind);
  try {
    await folder.write(files);
    return await folder.commit();
  } finally {
    await folder.discard();
  }
}

/**
 * Writes a whole report folder, complete or absent, never over a non-empty folder (see
 * `writeReportFolder`); returns the paths of its files.
 */
export async function writeReportFiles(
  dir: string,
  files: readonly ReportFile[],
): Promise<string[]> {
  const written = await writeReportFolder(dir, files);
  return files.map((file) => join(written, file.name));
}

/**
 * Adds files to a folder perfsight created (comparison files into a run's folder): each file
 * is written whole and renamed into place.
 */
export async function addToReportFolder(
  folder: string,
  files: readonly ReportFile[],
): Promise<void> {
  try {
    for (const file of files) {
      await writeFileAtomic(insideFolder(folder, file.name), file.render(), {
        gzip: file.gzip ?? false,
      });
    }
  } catch (error) {
    throw folderError(folder, error);
  }
}

/**
 * Creates `path` for a command that writes into it while it runs (the monitor's alert log):
 * exclusively, so two commands never share one. `unique`: perfsight chose the name, take the
 * first free `-2`, `-3`…; otherwise an existing folder must be empty.
 */
export async function claimFolder(path: string, unique: boolean): Promise<string> {
  try {
    await mkdir(dirname(resolve(path)), { recursive: true });
  } catch (error) {
    throw folderError(path, error);
  }
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? path : `${path}-${n}`;
    try {
      await mkdir(candidate);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw folderError(path, error);
      if (unique) continue;
      await checkReportFolder(path); // an empty folder is taken; anything else says why
    }
    // `wx`: of two commands given the same empty folder, only one takes it.
    await writeFile(join(candidate, FOLDER_MARKER), marker('monitor'), { flag: 'wx' }).catch(
      (error: unknown) => {
        throw (error as NodeJS.ErrnoException).code === 'EEXIST'
          ? new InputError(`--out ${candidate} was just taken by another perfsight command`)
          : folderError(candidate, error);
      },
    );
    return candidate;
  }
  throw new InputError(`${path}: no free folder name beside it (tried -2 to -999)`);
}

/**
 * An error while creating or writing a report folder, in the user's words: a path that cannot
 * be used is the user's to fix (exit 2); a full disk is not bad input but is no bug either
 * (exit 3 with the reason). Either way nothing of the folder is left behind.
 */
export function folderError(path: string, error: unknown): PerfsightError {
  if (error instanceof PerfsightError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const why: Record<string, string> = {
    ENOTDIR: 'a part of the path is a file, not a folder',
    EEXIST: 'a file of that name is in the way',
    EISDIR: 'a folder is where a file should go',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the filesystem is read-only',
    ENAMETOOLONG: 'the path is too long',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exceeded',
    EFBIG: 'a file exceeds the size limit',
  };
  const reason = why[code];
  if (!reason) {
    const message = error instanceof Error ? error.message : String(error);
    return new PerfsightError(`cannot write the reports to ${path}: ${message.split('\n')[0]}`, 3);
  }
  const full = code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
  return new PerfsightError(
    `cannot write the reports to ${path}: ${reason}${full ? '; nothing was written' : ''}`,
    full ? 3 : 2,
  );
}

async function statOrUndefined(path: string, option: string, given: string) {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new InputError(`${option} ${given}: ${folderError(given, error).message}`);
  }
}

/** The nearest existing ancestor must be a folder: `--out report.json/x` is refused now. */
async function checkParents(absolute: string, option: string, given: string): Promise<void> {
  for (let parent = dirname(absolute); ; parent = dirname(parent)) {
    const found = await stat(parent).catch(() => undefined);
    if (found) {
      if (found.isDirectory()) return;
      throw new InputError(`${option} ${given} is under ${parent}, which is a file, not a folder`);
    }
    if (parent === dirname(parent)) return;
  }
}
