import fs from 'node:fs';
import path from 'node:path';
import { refuseLinkedFolder } from './write-private-file.js';

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
  const created = folders.map((folder) => ({ folder, top: fs.mkdirSync(folder, { recursive: true }) }));
  return () => {
    for (const { folder, top } of created) removeEmptyFolders(folder, top);
  };
}

/** From `folder` up to `top` (the first one mkdir created; none when undefined), as long as they are empty. */
function removeEmptyFolders(folder: string, top: string | undefined): void {
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
