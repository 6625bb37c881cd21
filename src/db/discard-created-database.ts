import fs from 'node:fs';
import path from 'node:path';
import { removeEmptyFolders } from '../files/create-folders.js';

/**
 * What opening an embedded database created, to remove again when the command
 * that created it (init) is refused after opening it: a refusal leaves no
 * database, no `.tenantctl/` and no folders behind. Judged while the embedded
 * lock is held, so a database another process made meanwhile is never taken for ours.
 */
export interface CreatedDatabase {
  readonly directory: string;
  /** The folder was there, empty, before: only its contents are removed. */
  readonly folderExisted: boolean;
  /** The highest folder made above it (prepareDatabaseParent), if any. */
  readonly firstMade: string | undefined;
}

/** The database's files, once it is closed (the lock still held). */
export function removeDatabaseFiles(created: CreatedDatabase): void {
  if (!created.folderExisted) {
    fs.rmSync(created.directory, { recursive: true, force: true });
    return;
  }
  for (const entry of fs.readdirSync(created.directory)) fs.rmSync(path.join(created.directory, entry), { recursive: true, force: true });
}

/**
 * The folders made for it, once the lock (a file beside the database) is
 * released: `.tenantctl/`'s `.gitignore` goes with a `.tenantctl/` made for
 * this database, when nothing else came into it meanwhile.
 */
export function removeMadeFolders(created: CreatedDatabase): void {
  if (created.firstMade === undefined) return;
  const parent = path.dirname(created.directory);
  const ignore = path.join(parent, '.gitignore');
  try {
    if (path.basename(parent) === '.tenantctl' && fs.readdirSync(parent).join('/') === '.gitignore') fs.rmSync(ignore);
  } catch {
    // Gone already, or the folder cannot be read: what is left stays.
  }
  removeEmptyFolders(parent, created.firstMade);
}
