import fs from 'node:fs';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { refuseTrackedPath } from '../files/git-work-tree.js';
import { modeText } from '../files/file-mode.js';

/**
 * A pickup folder receives temporary passwords in the clear, so: never one git
 * would commit (a folder inside the configuration repository that git does
 * not ignore), never a symlink, and never one that other users may write (they
 * could plant or swap files there). A missing folder is created 0700.
 */
export function checkPickupFolder(folder: string): void {
  // Asked through a file in it (git matches `outbox/` only against folders it sees), named as the folder.
  refuseTrackedPath(folder, 'the pickup folder', 'pick a folder outside the repository, or have git ignore it', 'credentials-0.eml');
  const stat = fs.lstatSync(folder, { throwIfNoEntry: false });
  if (!stat) {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    fs.chmodSync(folder, 0o700);
    return;
  }
  if (stat.isSymbolicLink()) throw new TenantctlError(`refusing the pickup folder ${folder}: it is a symbolic link; name the real folder`);
  if (!stat.isDirectory()) throw new TenantctlError(`refusing the pickup folder ${folder}: it is not a folder`);
  if ((stat.mode & 0o022) !== 0) {
    throw new TenantctlError(
      `refusing the pickup folder ${folder}: others may write to it (mode ${modeText(stat.mode & 0o777)}), so they could redirect the messages; run chmod go-w on it`,
    );
  }
}
