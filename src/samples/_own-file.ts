import { lstat } from 'node:fs/promises';
import { InputError } from '../errors.js';

/**
 * Whether a report folder's samples file is there (a folder there is for the reader to
 * refuse). A symbolic link is refused, not followed: a report folder from elsewhere must not
 * make perfsight read a file outside it.
 */
export async function ownFile(path: string): Promise<boolean> {
  const found = await lstat(path).catch(() => undefined);
  if (found?.isSymbolicLink()) {
    throw InputError.at(
      path,
      undefined,
      'is a symbolic link: perfsight reads only the report folder’s own files',
    );
  }
  return found !== undefined;
}
