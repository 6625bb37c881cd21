import fs from 'node:fs';
import path from 'node:path';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';

/**
 * From here on, whatever this process creates (PGlite's table files, its
 * WAL, lock files) is private to its owner, whatever umask it started with.
 * Worker threads cannot change the umask; the chmod below still applies.
 */
export function restrictUmask(): void {
  try {
    process.umask(0o077);
  } catch {
    // Not allowed in a worker thread.
  }
}

/** Makes a folder 0700 and everything in it 0700 (folders) or 0600 (files); symlinks are left alone, not followed. */
export function makeTreePrivate(directory: string): void {
  try {
    chmodTree(directory);
  } catch (cause) {
    throw new TenantctlError(`cannot make ${directory} private to its owner: ${(cause as Error).message}; fix its owner or modes (chmod -R go= ${directory})`);
  }
}

function chmodTree(directory: string): void {
  const stack = [directory];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    const stat = fs.lstatSync(current, { throwIfNoEntry: false });
    if (!stat || stat.isSymbolicLink()) continue;
    if (stat.isDirectory()) {
      if ((stat.mode & 0o777) !== 0o700) fs.chmodSync(current, 0o700);
      for (const name of fs.readdirSync(current)) stack.push(path.join(current, name));
    } else if ((stat.mode & 0o777) !== 0o600) {
      fs.chmodSync(current, 0o600);
    }
  }
}
