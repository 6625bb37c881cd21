import fs from 'node:fs';
import path from 'node:path';
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { findWorkTree } from '../files/git-work-tree.js';
import { formatCount } from '../diagnostics/message-lists.js';
import { closestSibling } from './closest-sibling.js';
import { isConfigFileName, isYamlFileName, readableSpelling } from './config-file-name.js';
import { INPUT_LIMITS } from './read-input-file.js';
import { subfoldersWithYaml, unreadSubfolders, type SubfolderWithYaml } from './unread-subfolders.js';

/** A path as messages show it: as the user gave it, with POSIX separators. */
export function displayPath(given: string): string {
  return path.sep === '\\' ? given.replaceAll('\\', '/') : given;
}

/** ` (did you mean confg/tenant.yaml?)` for a path that does not exist, or ''. */
export function didYouMeanSibling(given: string): string {
  const sibling = closestSibling(given);
  return sibling === undefined ? '' : ` (did you mean ${displayPath(sibling)}?)`;
}

function describeFsError(cause: unknown): string {
  const e = cause as NodeJS.ErrnoException;
  return e.code ?? e.message;
}

function isMissing(cause: unknown): boolean {
  const code = (cause as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A link out of the repository's files: out of the repository, or into its `.git`. */
interface Outside {
  readonly name: string;
  readonly intoGit: boolean;
}

/** A link to a file of the repository without a YAML name: `.env`, a key, a credentials file a CI step left in the work tree. */
interface NotYaml {
  readonly name: string;
  readonly target: string;
}

/** An entry of a directory to read, and the real path it is known by (one file reached twice is read once). */
interface Entry {
  readonly name: string;
  readonly real: string;
  readonly link: boolean;
}

/** A file by a YAML name but for the case of its extension; `taken` when a file has the name it would be read by. */
interface OtherCase {
  readonly name: string;
  readonly spelt: string;
  readonly taken: boolean;
}

/** The identity of what a name leads to (links followed), or null when it leads nowhere. */
function fileIdentity(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/**
 * Files `-c DIR` skips only for the case of their extension (`users.YAML`).
 * Not a link to a folder (`old.YAML -> archive/`), nor a second name of the
 * file read already (`users.YAML -> users.yaml`): neither holds users left out.
 */
function otherCaseFiles(dir: string, listed: readonly fs.Dirent[]): OtherCase[] {
  const names = new Set(listed.map((entry) => entry.name));
  const found: OtherCase[] = [];
  for (const entry of listed) {
    if (entry.isDirectory()) continue;
    const spelt = readableSpelling(entry.name);
    if (spelt === null) continue;
    const taken = names.has(spelt);
    if (entry.isSymbolicLink() || taken) {
      const target = fileIdentity(path.join(dir, entry.name));
      if (target?.isDirectory()) continue;
      const read = taken ? fileIdentity(path.join(dir, spelt)) : null;
      if (target && read && target.dev === read.dev && target.ino === read.ino) continue;
    }
    found.push({ name: entry.name, spelt, taken });
  }
  return found;
}

/**
 * The entries by a YAML name directly inside `dir`, sorted by name, whatever
 * they are; symbolic links count when they lead inside the repository (the
 * git work tree holding `dir`, else `dir` itself). A pull request can add a
 * link: one to `/proc/self/environ` or a key file on the CI runner would be
 * read and its keys named in the output. Those are `outside`.
 */
function yamlFilesIn(dir: string): {
  names: Entry[];
  outside: Outside[];
  notYaml: NotYaml[];
  broken: { name: string; code: string }[];
  notUtf8: string[];
  /** The folders among the entries (not by a YAML name), for unread-subfolders.ts. */
  folders: string[];
  /** Files by a YAML name but for the case of its extension, which are not read, with the name they would be read by. */
  otherCase: OtherCase[];
} {
  const listed = fs.readdirSync(dir, { withFileTypes: true });
  const entries = listed.filter((entry) => isConfigFileName(entry.name));
  const folders = listed.filter((entry) => entry.isDirectory() && !isConfigFileName(entry.name)).map((entry) => entry.name);
  const otherCase = otherCaseFiles(dir, listed);
  const names: Entry[] = [];
  const outside: Outside[] = [];
  const notYaml: NotYaml[] = [];
  // One realpath for the directory, not one per file: a file that is no link is its entry in the real directory.
  const realDir = realOrResolved(dir);
  const broken: { name: string; code: string }[] = [];
  let root: string | undefined;
  const notUtf8: string[] = [];
  for (const entry of entries) {
    // A name whose bytes are not UTF-8 is listed with U+FFFD in their place, a name no file has: opened by it,
    // it was "no such file", of a file that is there.
    if (entry.name.includes('\ufffd') && fs.lstatSync(path.join(dir, entry.name), { throwIfNoEntry: false }) === undefined) {
      notUtf8.push(entry.name);
      continue;
    }
    // Anything else by a YAML name is read, and refused by the reader as what it is (a folder, a FIFO, a
    // device): skipped in silence, its users would be planned deleted.
    if (!entry.isSymbolicLink()) {
      names.push({ name: entry.name, real: path.join(realDir, entry.name), link: false });
      continue;
    }
    const link = path.join(dir, entry.name);
    const target = realTarget(link);
    if (typeof target !== 'string') broken.push({ name: entry.name, code: target.code });
    else {
      root ??= fs.realpathSync(findWorkTree(link) ?? dir);
      if (!inRepository(root, target)) outside.push({ name: entry.name, intoGit: within(root, target) });
      else if (isFileWithoutYamlName(target)) notYaml.push({ name: entry.name, target: path.relative(root, target) });
      else names.push({ name: entry.name, real: target, link: true });
    }
  }
  const byName = <T extends { name: string }>(list: T[]): T[] => list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { names: byName(names), outside: byName(outside), notYaml: byName(notYaml), broken: byName(broken), notUtf8: notUtf8.sort(), folders, otherCase: byName(otherCase) };
}

/**
 * A regular file whose name is not a YAML one. In the repository a link may
 * share a YAML file between folders; one to `.env` or `deploy-key.json` (which
 * a CI step may have written into the work tree) would have the file parsed
 * as YAML and its keys named in an unknown-field error. A folder is left to
 * the reader, which refuses it as one.
 */
function isFileWithoutYamlName(real: string): boolean {
  try {
    return fs.statSync(real).isFile() && !isYamlFileName(path.basename(real));
  } catch {
    return false;
  }
}

/**
 * The entries in name order, except that a link to a file of the same
 * directory comes after all of them, so the file is read by its own name and
 * the link is the repeat that is warned of. In name order, a pull request's
 * `0.yaml -> users.yaml` would become the name the users are read under: the
 * configuration's hash would change and a plan saved before be refused.
 */
function fileBeforeItsLinks(entries: readonly Entry[]): Entry[] {
  const files = new Set(entries.filter((entry) => !entry.link).map((entry) => entry.real));
  const toFile = (entry: Entry) => entry.link && files.has(entry.real);
  return [...entries.filter((entry) => !toFile(entry)), ...entries.filter(toFile)];
}

/** The real path of what `given` names; as given, made absolute, should it vanish in between. */
function realOrResolved(given: string): string {
  try {
    return fs.realpathSync(given);
  } catch {
    return path.resolve(given);
  }
}

/** Where a symbolic link leads, or why it leads nowhere (ENOENT: dangling, ELOOP: a loop). */
function realTarget(link: string): string | { readonly code: string } {
  try {
    return fs.realpathSync(link);
  } catch (cause) {
    return { code: describeFsError(cause) };
  }
}

function brokenLink(shown: string, link: string, code: string): Diagnostic {
  if (code === 'ELOOP') {
    return error('CONFIG_UNREADABLE', `${shown} is a symbolic link that leads round in a loop, or through more links than the system follows (ELOOP); point it at a file, or remove it`, {
      file: shown,
    });
  }
  let to = '';
  try {
    to = ` to ${JSON.stringify(fs.readlinkSync(link))}`;
  } catch {
    // Removed in between: the code says enough.
  }
  const what = code === 'ENOENT' ? ', which does not exist (ENOENT)' : ` that cannot be followed (${code})`;
  return error('CONFIG_UNREADABLE', `${shown} is a symbolic link${to}${what}; point it at a file of the repository, or remove it`, { file: shown });
}

function linkNotYaml(shown: string, target: string): Diagnostic {
  const message = `${shown} is a symbolic link to ${JSON.stringify(target)}, a file without a .yaml or .yml name; tenantctl follows links only to YAML files, so that no other file of the work tree (.env, a key a CI step wrote) is read as configuration: link to the YAML file itself, or remove the link`;
  return error('CONFIG_LINK_NOT_YAML', message, { file: shown });
}

const within = (root: string, file: string): boolean => file.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`);

/**
 * Whether `real` is one of the repository's files: inside `root`, and not in
 * git's own folder. `.git/` holds the repository's config (remote URLs with
 * tokens in them, credential helpers), hooks and objects, none of it
 * configuration; a link a pull request adds to `.git/config` is no more a
 * file of the repository than one to `/etc/passwd`.
 */
const inRepository = (root: string, real: string): boolean =>
  // The repository's top folder itself too: a link to it is a folder by a YAML name, refused as such when read (helper-75).
  real === root || (within(root, real) && !path.relative(root, real).split(path.sep).some(isGitFolderName));

/** `.git` in any case: on macOS and Windows `.GIT/config` is git's config, and realpath keeps the case it was given. */
const isGitFolderName = (segment: string): boolean => segment.toLowerCase() === '.git';

/**
 * Whether a `-c` path inside a git work tree leads, through a symbolic link
 * (itself, or a folder on its way), out of that work tree or into its `.git`. A pull request can
 * replace `tenant/` with a link to any folder of the CI runner, whose YAML
 * files would then be read and their keys named in the output. Outside git
 * there is no pull request to fear: a path given through a link is the
 * administrator's own choice. Says which: out of the work tree, or into its
 * `.git`.
 */
function leadsOutOfWorkTree(given: string): 'out' | 'git' | { readonly notYaml: string } | null {
  const top = findWorkTree(given);
  if (top === null) return null;
  const root = fs.realpathSync(top);
  const real = fs.realpathSync(given);
  if (real === root) return null;
  if (!within(root, real)) return 'out';
  // Into .git only through a link: one given there by name is the administrator's own choice.
  const throughLink = path.relative(root, real) !== path.relative(path.resolve(top), path.resolve(given));
  if (!throughLink) return null;
  if (!inRepository(root, real)) return 'git';
  return isFileWithoutYamlName(real) ? { notYaml: path.relative(root, real) } : null;
}

/**
 * The command line reaches Node as UTF-8: a name whose bytes are not is
 * given with U+FFFD in their place, a name no file has, so such a path "does
 * not exist" although it is there. Said when the path holds one.
 */
function notUtf8Hint(given: string): string {
  if (!given.includes('\ufffd')) return '';
  return ' (its \ufffd may stand for bytes of a name that are not valid UTF-8: tenantctl cannot open a path by such a name; rename it with UTF-8 characters)';
}

/**
 * Expands `-c` paths into the files to read, in order: a file is taken as
 * given; a directory contributes its `*.yaml`/`*.yml` files (not recursively),
 * sorted by name, except `catalog.yaml`. A file or directory reached twice is read once, with a
 * warning. Returned paths are for
 * messages and for reading (relative paths stay relative to the cwd). Never
 * throws: a missing path, an empty directory or an unreadable directory is a
 * diagnostic.
 */
export function listConfigFiles(paths: readonly string[]): { files: string[]; diagnostics: Diagnostic[] } {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  // Real path → how it was first given, and its path made absolute: a file is read once, and a repeat is said, not swallowed.
  const seen = new Map<string, { readonly described: string; readonly resolved: string }>();
  /**
   * True when `given` (known by the real path `real`) was reached before (a
   * warning says so); else remembers it as `described`. Through a symbolic
   * link the same file would be read twice, each of its users declared twice.
   */
  const repeated = (given: string, described: string, real: string): boolean => {
    const first = seen.get(real);
    if (first === undefined) {
      seen.set(real, { described, resolved: path.resolve(given) });
      return false;
    }
    let message: string;
    if (first.resolved !== path.resolve(given)) {
      message = `${first.described} and ${described} are the same file, one reached through a symbolic link; it is read once: remove the link, or the -c that reaches it again`;
    } else {
      const what = first.described === described ? `${described} is given twice with -c` : `${first.described} and ${described} are the same, each given with -c`;
      message = `${what}; it is read once: remove the repeated -c`;
    }
    diagnostics.push(warning('CONFIG_GIVEN_TWICE', message, { file: given }));
    return true;
  };
  // A directory's entry that leads to a directory given (`self.yaml -> .`) is no repeat of it: read, it is refused as a folder.
  const directories = new Set<string>();
  // Every path given, by its real path; and the subfolders of given directories that hold YAML files.
  const givenReal = new Set<string>();
  const subfolders: SubfolderWithYaml[] = [];
  const add = (file: string, real: string, inDirectory?: string): void => {
    if (directories.has(real) || !repeated(file, inDirectory === undefined ? file : `${file} (in the directory ${inDirectory})`, real)) files.push(file);
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
          ? error('CONFIG_NOT_FOUND', `${shown} does not exist${didYouMeanSibling(given)}; check the path given with -c${notUtf8Hint(given)}`, { file: shown })
          : error('CONFIG_UNREADABLE', `cannot read ${shown} (${describeFsError(cause)}); check its permissions`, { file: shown }),
      );
      continue;
    }
    const real = realOrResolved(given);
    givenReal.add(real);
    const out = leadsOutOfWorkTree(given);
    if (typeof out === 'object' && out !== null) {
      diagnostics.push(linkNotYaml(shown, out.notYaml));
      continue;
    }
    if (out !== null) {
      const what = stat.isDirectory() ? 'a directory' : 'a file';
      const message =
        out === 'git'
          ? `${shown} leads through a symbolic link to ${what} in the .git folder of the repository that holds it, which holds git's own files, not configuration; tenantctl reads a configuration in a repository only from its files: copy the files into the repository, or remove the link`
          : `${shown} leads through a symbolic link to ${what} outside the repository that holds it; tenantctl reads a configuration in a repository only from inside it: copy the files into the repository, or remove the link`;
      diagnostics.push(error('CONFIG_LINK_OUTSIDE', message, { file: shown }));
      continue;
    }
    if (!stat.isDirectory()) {
      add(shown, real);
      continue;
    }
    directories.add(real);
    if (repeated(shown, shown, real)) continue;
    let names: Entry[];
    let outside: Outside[];
    let notYaml: NotYaml[];
    let broken: { name: string; code: string }[];
    let notUtf8: string[];
    let folders: string[];
    try {
      let otherCase: OtherCase[];
      ({ names, outside, notYaml, broken, notUtf8, folders, otherCase } = yamlFilesIn(given));
      for (const { name, spelt, taken } of otherCase) {
        const file = path.posix.join(shown, name);
        // Renamed over a file of that name, it would replace it.
        const fix = taken ? `move what it declares into ${spelt}, which is read, then remove it` : `rename it ${spelt}`;
        const message =
          `${file} is not read: a directory given with -c contributes only its files named *.yaml or *.yml, the extension in lower case; ` +
          `users declared only there count as undeclared, and those tenantctl manages are planned for deletion: ${fix}`;
        diagnostics.push(warning('CONFIG_FILE_NOT_READ', message, { file }));
      }
      for (const name of notUtf8) {
        const file = path.posix.join(shown, name);
        const message = `${file} has a name that is not valid UTF-8 (shown with \ufffd where its bytes are not), by which tenantctl cannot open it; rename the file with UTF-8 characters`;
        diagnostics.push(error('CONFIG_UNREADABLE', message, { file }));
      }
      for (const { name, code } of broken) diagnostics.push(brokenLink(path.posix.join(shown, name), path.join(given, name), code));
      for (const { name, intoGit } of outside) {
        const file = path.posix.join(shown, name);
        const message = intoGit
          ? `${file} is a symbolic link to a file in the repository's .git folder, which holds git's own files, not configuration; tenantctl follows links only to files of the repository: copy the file into the repository, or remove the link`
          : `${file} is a symbolic link to a file outside the repository; tenantctl follows links only to files inside it: copy the file into the repository, or remove the link`;
        diagnostics.push(error('CONFIG_LINK_OUTSIDE', message, { file }));
      }
      for (const { name, target } of notYaml) diagnostics.push(linkNotYaml(path.posix.join(shown, name), target));
    } catch (cause) {
      diagnostics.push(error('CONFIG_UNREADABLE', `cannot list the directory ${shown} (${describeFsError(cause)}); check its permissions`, { file: shown }));
      continue;
    }
    if (names.length === 0 && outside.length === 0 && notYaml.length === 0 && broken.length === 0 && notUtf8.length === 0) {
      diagnostics.push(
        error('CONFIG_NO_FILES', `the directory ${shown} holds no .yaml or .yml files; add one, or point -c at the right directory`, { file: shown }),
      );
      continue;
    }
    for (const { name, real: file } of fileBeforeItsLinks(names)) add(path.posix.join(shown, name), file, shown);
    subfolders.push(...subfoldersWithYaml(given, real, shown, folders));
  }
  diagnostics.push(...unreadSubfolders(subfolders, givenReal, (file) => seen.has(file)));
  const past = files[INPUT_LIMITS.configurationFiles];
  if (past !== undefined) {
    // None is read: each costs a read and a parse, whatever it holds.
    const limit = formatCount(INPUT_LIMITS.configurationFiles);
    const message = `${past} takes the configuration to more than ${limit} YAML files, the limit for one configuration; put many users in each file (one per department, as export --split writes them)`;
    return { files: [], diagnostics: [...diagnostics, error('CONFIG_TOO_LARGE', message, { file: past })] };
  }
  return { files, diagnostics };
}
