import fs from 'node:fs';
import path from 'node:path';
import { refuseLinkedFolder } from './write-private-file.js';

/**
 * Runs `write` once the folders the `targets` go in exist (createFoldersFor),
 * and removes those it created again if `write` throws: `plan --out`,
 * `drift --out` and `export --out` write their files so.
 */
export function writeInFoldersFor<T>(targets: readonly string[], write: () => T): T {
  const undo = createFoldersFor(targets);
  try {
    return write();
  } catch (cause) {
    undo();
    throw cause;
  }
}

/**
 * Creates the missing folders the `targets` go in (`--out reports/2026/plan.json`),
 * as `mkdir -p` does, and returns how to remove again those it created, for a
 * write that then fails: a refused write leaves no empty folders behind.
 * Before anything is created, a folder on the way that is a symbolic link
 * inside a git work tree is refused, as writePrivateFile refuses it: the new
 * folders would otherwise be made wherever the link leads.
 */
export function createFoldersFor(targets: readonly string[]): () => void {
  const files = targets.map((target) => path.resolve(target));
  for (const file of files) refuseLinkedFolder(path.dirname(file), file);
  // A folder that exists, even as a file, is left to the write, which names what is wrong with it.
  const folders = [...new Set(files.map((file) => path.dirname(file)))].filter((folder) => !fs.existsSync(folder));
  const created: { folder: string; top: string | undefined }[] = [];
  try {
    for (const folder of folders) created.push({ folder, top: makeFolders(folder) });
  } catch (cause) {
    for (const { folder, top } of created) removeEmptyFolders(folder, top);
    throw cause;
  }
  return () => {
    for (const { folder, top } of created) removeEmptyFolders(folder, top);
  };
}

/**
 * `mkdir -p`, one level at a time, returning the first folder it created.
 * Not mkdirSync's `recursive`: on Node 20 that spins forever where a folder
 * exists but refuses a new entry with ENOENT (`--out /proc/self/x/plan.json`).
 * A name that exists in any form (a dangling link too) ends the walk up.
 */
function makeFolders(folder: string): string | undefined {
  const missing: string[] = [];
  for (let current = folder; path.dirname(current) !== current; current = path.dirname(current)) {
    try {
      fs.lstatSync(current);
      break;
    } catch {
      missing.push(current);
    }
  }
  missing.reverse();
  let top: string | undefined;
  for (const [index, level] of missing.entries()) {
    try {
      fs.mkdirSync(level);
      top ??= level;
    } catch (cause) {
      // Made meanwhile by another process: its own, not ours to remove.
      if ((cause as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(level, { throwIfNoEntry: false })?.isDirectory()) continue;
      if (top !== undefined) removeEmptyFolders(missing[index - 1]!, top);
      throw cause;
    }
  }
  return top;
}

/** From `folder` up to `top` (the first one mkdir created; none when undefined), as long as they are empty. */
export function removeEmptyFolders(folder: string, top: string | undefined): void {
  if (top === undefined) return;
  for (let current = folder; ; current = path.dirname(current)) {
    try {
      fs.rmdirSync(current);
    } catch {
      return;
    }
    if (current === path.resolve(top)) return;
  }
}
