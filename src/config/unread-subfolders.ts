import fs from 'node:fs';
import path from 'node:path';
import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { isConfigFileName } from './config-file-name.js';

/**
 * `-c DIR` reads DIR's own YAML files, not its subfolders': users declared
 * only in a subfolder would count as undeclared, and those tenantctl manages
 * would be planned deleted without a word. CONFIG_SUBFOLDER_NOT_READ says so.
 */

/** How many subfolders of one `-c` directory are looked into, and how many entries of each. */
const SUBFOLDERS_LOOKED_AT = 1_000;
const SUBFOLDER_ENTRIES_LOOKED_AT = 10_000;

export interface SubfolderWithYaml {
  /** Its real path, and as messages show it. */
  readonly folder: string;
  readonly shown: string;
  /** The YAML files directly in it, by name, sorted. */
  readonly files: readonly string[];
  /** The `-c` directory it is in, as messages show it. */
  readonly directory: string;
}

/**
 * The `folders` of the `-c` directory `dir` (real path `real`, shown as
 * `shown`) that directly hold files by a name `-c` would read: not hidden ones
 * such as `.git` or `.github`, nor `node_modules`.
 */
export function subfoldersWithYaml(dir: string, real: string, shown: string, folders: readonly string[]): SubfolderWithYaml[] {
  const looked = folders
    .filter((name) => !name.startsWith('.') && name !== 'node_modules')
    .sort()
    .slice(0, SUBFOLDERS_LOOKED_AT);
  const found: SubfolderWithYaml[] = [];
  for (const name of looked) {
    const files = yamlNamesIn(path.join(dir, name));
    if (files.length > 0) found.push({ folder: path.join(real, name), shown: path.posix.join(shown, name), files, directory: shown });
  }
  return found;
}

function yamlNamesIn(folder: string): string[] {
  let listing: fs.Dir | undefined;
  const files: string[] = [];
  try {
    listing = fs.opendirSync(folder);
    for (let i = 0; i < SUBFOLDER_ENTRIES_LOOKED_AT; i++) {
      const entry = listing.readSync();
      if (entry === null) break;
      if (isConfigFileName(entry.name)) files.push(entry.name);
    }
  } catch {
    // A subfolder that cannot be listed is not configuration either; nothing to say of it.
  } finally {
    listing?.closeSync();
  }
  return files.sort();
}

/**
 * CONFIG_SUBFOLDER_NOT_READ for each subfolder with a YAML file no `-c` reads:
 * not one given with `-c` itself, nor one holding (or above) a path given,
 * and not for files a link in a read directory already reads (`read`, by real path).
 */
export function unreadSubfolders(subfolders: readonly SubfolderWithYaml[], givenReal: ReadonlySet<string>, read: (real: string) => boolean): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const { folder, shown, files, directory } of subfolders) {
    if ([...givenReal].some((real) => real === folder || real.startsWith(`${folder}${path.sep}`))) continue;
    const file = files.find((name) => !read(path.join(folder, name)));
    if (file === undefined) continue;
    const message =
      `${shown} holds YAML files (${path.posix.join(shown, file)}, maybe more) that -c ${directory} does not read: a directory contributes only its own files, not its subfolders'; ` +
      `users declared only there count as undeclared, and those tenantctl manages are planned for deletion: give the folder with its own -c (-c ${directory} -c ${shown}), or move its files up`;
    diagnostics.push(warning('CONFIG_SUBFOLDER_NOT_READ', message, { file: shown }));
  }
  return diagnostics;
}
