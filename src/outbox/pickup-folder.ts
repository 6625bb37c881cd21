import fs from 'node:fs';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { refuseTrackedPath } from '../files/git-work-tree.js';
import { modeText } from '../files/file-mode.js';
import { RelayUnusable } from './relay-failure.js';

/** Which folder was checked: the same dev and ino later means the same folder, not one put in its place. */
export interface CheckedFolder {
  readonly dev: number;
  readonly ino: number;
  /** The highest folder checkPickupFolder created for it, if it created any: removed again, empty, by a deliver refused. */
  readonly made?: string;
}

/**
 * A pickup folder receives temporary passwords in the clear, so: never one git
 * would commit (a folder inside the configuration repository that git does
 * not ignore), never a symlink, and never one that other users may write (they
 * could plant or swap files there). A missing folder is created 0700.
 */
export function checkPickupFolder(folder: string): CheckedFolder {
  // Asked through a file in it (git matches `outbox/` only against folders it sees), named as the folder.
  refuseTrackedPath(folder, 'the pickup folder', 'pick a folder outside the repository, or have git ignore it', 'credentials-0.eml');
  const stat = fs.lstatSync(folder, { throwIfNoEntry: false });
  if (!stat) {
    const made = fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    fs.chmodSync(folder, 0o700);
    const created = fs.lstatSync(folder);
    return { dev: created.dev, ino: created.ino, ...(made === undefined ? {} : { made }) };
  }
  if (stat.isSymbolicLink()) throw new TenantctlError(`refusing the pickup folder ${folder}: it is a symbolic link; name the real folder`);
  if (!stat.isDirectory()) throw new TenantctlError(`refusing the pickup folder ${folder}: it is not a folder`);
  if ((stat.mode & 0o022) !== 0) {
    throw new TenantctlError(
      `refusing the pickup folder ${folder}: others may write to it (mode ${modeText(stat.mode & 0o777)}), so they could redirect the messages; run chmod go-w on it`,
    );
  }
  return { dev: stat.dev, ino: stat.ino };
}

/**
 * Throws unless `folder` is still the folder checkPickupFolder checked: a
 * folder swapped since for a symlink, or for another folder, would take the
 * messages somewhere else while deliver marks them delivered. Someone who can
 * rename the folder or its parents can do that; the swap is refused as the
 * relay's failure, so nothing more is written or marked delivered.
 */
export function confirmPickupFolder(folder: string, checked: CheckedFolder): void {
  const now = fs.lstatSync(folder, { throwIfNoEntry: false });
  if (now && !now.isSymbolicLink() && now.isDirectory() && now.dev === checked.dev && now.ino === checked.ino) return;
  const what = !now ? 'is gone' : now.isSymbolicLink() ? 'is now a symbolic link' : 'is now another folder or file';
  throw new RelayUnusable(
    `the pickup folder ${folder} ${what}, not the folder deliver checked when it started; nothing more was written: find out who replaced it, then deliver again`,
  );
}
