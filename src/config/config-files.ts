import fs from 'node:fs';
import path from 'node:path';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';

/** Names a directory contributes: `*.yaml` and `*.yml`, like a shell glob (so no dotfiles). */
const CONFIG_FILE_NAME = /^[^.].*\.ya?ml$/;

/**
 * The tenant's catalog (`init --catalog`) may live beside the configuration
 * it describes; it is not configuration, so a directory never contributes it.
 */
const CATALOG_FILE_NAME = /^catalog\.ya?ml$/;

/** A path as messages show it: as the user gave it, with POSIX separators. */
export function displayPath(given: string): string {
  return path.sep === '\\' ? given.replaceAll('\\', '/') : given;
}

function describeFsError(cause: unknown): string {
  const e = cause as NodeJS.ErrnoException;
  return e.code ?? e.message;
}

function isMissing(cause: unknown): boolean {
  const code = (cause as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The YAML files directly inside `dir`, sorted by name; symbolic links to files count. */
function yamlFilesIn(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => CONFIG_FILE_NAME.test(entry.name) && !CATALOG_FILE_NAME.test(entry.name))
    .filter((entry) => entry.isFile() || (entry.isSymbolicLink() && isFileTarget(path.join(dir, entry.name))))
    .map((entry) => entry.name)
    .sort();
}

function isFileTarget(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Expands `-c` paths into the files to read, in order: a file is taken as
 * given; a directory contributes its `*.yaml`/`*.yml` files (not recursively),
 * sorted by name, except `catalog.yaml`. A file reached twice is read once. Returned paths are for
 * messages and for reading (relative paths stay relative to the cwd). Never
 * throws: a missing path, an empty directory or an unreadable directory is a
 * diagnostic.
 */
export function listConfigFiles(paths: readonly string[]): { files: string[]; diagnostics: Diagnostic[] } {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const add = (file: string): void => {
    const key = path.resolve(file);
    if (seen.has(key)) return;
    seen.add(key);
    files.push(file);
  };
  if (paths.length === 0) {
    diagnostics.push(error('CONFIG_NOT_FOUND', 'no configuration was given; pass a YAML file or a directory of YAML files with -c PATH'));
  }
  for (const given of paths) {
    const shown = displayPath(given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(given);
    } catch (cause) {
      diagnostics.push(
        isMissing(cause)
          ? error('CONFIG_NOT_FOUND', `${shown} does not exist; check the path given with -c`, { file: shown })
          : error('CONFIG_UNREADABLE', `cannot read ${shown} (${describeFsError(cause)}); check its permissions`, { file: shown }),
      );
      continue;
    }
    if (!stat.isDirectory()) {
      add(shown);
      continue;
    }
    let names: string[];
    try {
      names = yamlFilesIn(given);
    } catch (cause) {
      diagnostics.push(error('CONFIG_UNREADABLE', `cannot list the directory ${shown} (${describeFsError(cause)}); check its permissions`, { file: shown }));
      continue;
    }
    if (names.length === 0) {
      diagnostics.push(
        error('CONFIG_NO_FILES', `the directory ${shown} holds no .yaml or .yml files; add one, or point -c at the right directory`, { file: shown }),
      );
      continue;
    }
    for (const name of names) add(path.posix.join(shown, name));
  }
  return { files, diagnostics };
}
