import fs from 'node:fs';
import path from 'node:path';
import type { Database } from '../db/database.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { confirmPickupFolder, type CheckedFolder } from './pickup-folder.js';
import { RelayUnusable } from './relay-failure.js';

/**
 * The temporary name writePrivateFile gives a pickup message while it writes
 * it: `.credentials-<notification>.<user id>.eml.<24 hex>.tmp` (temporaryName
 * in write-private-file.ts). Nothing else tenantctl writes is named so.
 */
const LEFTOVER = /^\.credentials-([1-9]\d{0,17})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.eml\.[0-9a-f]{24}\.tmp$/;

/** What became of one temporary file found in the pickup folder. */
export interface Leftover {
  /** Its name in the folder (matched LEFTOVER, so plain ASCII). */
  readonly name: string;
  readonly notificationId: number;
  /**
   * `removed`: a deliver of this database stopped while writing it (killed, or
   * the machine went down); the notification is still queued or was sent since.
   * `foreign`: it names no notification of this database (another database
   * sharing the folder, or a user deleted for good since): left, for a person.
   */
  readonly outcome: 'removed' | 'foreign';
}

/**
 * Removes the temporary files an earlier deliver into `folder` left when it
 * was killed between creating one and renaming it (SIGKILL, a power cut):
 * each holds a password in the clear and would otherwise stay for ever. Only
 * what is surely such a file goes: a regular file (lstat, so a symlink is
 * never followed) of this user, named as writePrivateFile names a message of
 * a notification of this database, whose row no other deliver holds right now
 * (the row is locked, SKIP LOCKED, while its message is written: a file a
 * running deliver is writing is left to it). A file naming no notification of
 * this database is left and reported. Returns what it found, in folder order.
 * Throws, removing nothing more, once `folder` is not the folder `checked`
 * (checkPickupFolder) any longer. Null when this user may not list the folder.
 */
export async function sweepPickupLeftovers(db: Database, folder: string, checked: CheckedFolder): Promise<Leftover[] | null> {
  const found: Leftover[] = [];
  const uid = process.getuid?.();
  // Still the folder checked when deliver started (before waiting for the database): the sweep
  // goes by path, so a folder swapped since for a symlink would have it remove files elsewhere.
  const confirm = () => {
    try {
      confirmPickupFolder(folder, checked);
    } catch (cause) {
      throw cause instanceof RelayUnusable ? new TenantctlError(cause.message) : cause;
    }
  };
  confirm();
  let dir: fs.Dir;
  try {
    dir = fs.opendirSync(folder);
  } catch (cause) {
    // A folder this user may write to but not list (mode 0300, a drop box): messages can still be written.
    if ((cause as NodeJS.ErrnoException).code === 'EACCES') return null;
    throw cause;
  }
  try {
    // Read an entry at a time: a pickup folder may hold as many messages as were ever delivered.
    for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
      const match = LEFTOVER.exec(entry.name);
      if (!match || !entry.isFile()) continue;
      const file = path.join(folder, entry.name);
      const before = fs.lstatSync(file, { throwIfNoEntry: false });
      if (!before?.isFile() || (uid !== undefined && before.uid !== uid)) continue;
      const notificationId = Number(match[1]);
      const outcome = await db.transaction(async (tx) => {
        const mine = await tx.query('SELECT 1 FROM credential_notifications WHERE id = $1 AND user_id::text = $2', [notificationId, match[2]]);
        if (mine.length === 0) return 'foreign' as const;
        // Held by a deliver running now: its file, still being written.
        const free = await tx.query('SELECT 1 FROM credential_notifications WHERE id = $1 FOR UPDATE SKIP LOCKED', [notificationId]);
        if (free.length === 0) return null;
        // The same file as looked at: not one put in its place since.
        const now = fs.lstatSync(file, { throwIfNoEntry: false });
        if (!now?.isFile() || now.dev !== before.dev || now.ino !== before.ino) return null;
        confirm();
        try {
          fs.unlinkSync(file);
        } catch (cause) {
          // Removed meanwhile by someone else (a person cleaning up): gone, as wanted; not this run's doing.
          if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return null;
          throw cause;
        }
        return 'removed' as const;
      });
      if (outcome !== null) found.push({ name: entry.name, notificationId, outcome });
    }
  } finally {
    dir.closeSync();
  }
  return found;
}
