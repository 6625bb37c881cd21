import fs from 'node:fs';
import path from 'node:path';

/**
 * Copies a database folder (files and folders only, modes kept) to `to`, which
 * must not exist. fs.cpSync checks each entry in JavaScript first: for the
 * embedded cluster's 971 files about 0.27 s of CPU against 0.12 s here, on each
 * of the suite's copies of a template database.
 */
export function copyTree(from: string, to: string): void {
  fs.mkdirSync(to, { mode: fs.statSync(from).mode & 0o777 });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target);
    else if (entry.isFile()) fs.copyFileSync(source, target, fs.constants.COPYFILE_EXCL);
    else throw new Error(`${source}: a template database holds only files and folders`);
  }
}
