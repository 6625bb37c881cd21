import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { fileSystemReason, isFileSystemError } from './file-system-refusal.js';
import { findWorkTree } from './git-work-tree.js';

export interface WriteOptions {
  /** The file's mode, set explicitly (the umask does not apply). Default 0600. */
  readonly mode?: number;
  /** false: never replace an existing file (the call returns false instead). Default true. */
  readonly replace?: boolean;
}

function refuseNonFile(target: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw cause;
  }
  if (stat.isSymbolicLink()) {
    throw new TenantctlError(`refusing to write ${target}: it is a symbolic link (remove it, or name the real file)`);
  }
  if (!stat.isFile()) throw new TenantctlError(`refusing to write ${target}: it exists and is not a regular file`);
}

/**
 * A folder on the way to the target that is a symbolic link inside a git
 * work tree: a checkout may carry one (`reports -> /home/runner/.ssh`), and a
 * pipeline's `--out reports/plan.json` would write through it. Links outside
 * any work tree are the machine's own layout (`/tmp` on macOS, a dotfiles
 * `~/.config`) and are followed.
 */
export function refuseLinkedFolder(directory: string, target: string): void {
  for (let folder = directory; path.dirname(folder) !== folder; folder = path.dirname(folder)) {
    let link: boolean;
    try {
      link = fs.lstatSync(folder).isSymbolicLink();
    } catch {
      // A missing folder fails the write itself, with the system's message.
      continue;
    }
    // The work tree is looked for above the link, so one pointing into another repository is no way out.
    const top = link ? findWorkTree(folder) : null;
    if (top !== null) {
      throw new TenantctlError(
        `refusing to write ${target}: the folder ${folder} on its path is a symbolic link inside the git work tree ${top} (a checked-out repository may carry one); name the real folder`,
      );
    }
  }
}

/** Text written in pieces goes out through a buffer of this size. */
const PIECE_BUFFER_BYTES = 1 << 20;

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * Writes content given in pieces (a 200 MB plan, say) as they come: text
 * through one reused buffer, so that neither the whole text nor its UTF-8
 * copy is ever in memory; bytes (planJsonChunks' megabyte chunks) as they
 * are, small ones gathered into the buffer.
 */
function writePieces(fd: number, pieces: Iterable<string | Uint8Array>): void {
  const buffer = Buffer.allocUnsafe(PIECE_BUFFER_BYTES);
  let used = 0;
  const flush = () => {
    writeAll(fd, buffer.subarray(0, used));
    used = 0;
  };
  for (const piece of pieces) {
    if (typeof piece !== 'string') {
      // Large ones go out directly, after what the buffer holds.
      if (piece.length * 2 > buffer.length || used + piece.length > buffer.length) flush();
      if (piece.length * 2 > buffer.length) writeAll(fd, piece);
      else {
        buffer.set(piece, used);
        used += piece.length;
      }
      continue;
    }
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    if (used + piece.length * 3 > buffer.length) flush();
    if (piece.length * 3 > buffer.length) writeAll(fd, Buffer.from(piece, 'utf8'));
    else used += buffer.write(piece, used, 'utf8');
  }
  flush();
}

function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(directory, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the file itself is synced.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Content given whole, or in pieces (strings or bytes) that are written as they come. */
export type FileContent = string | Uint8Array | Iterable<string | Uint8Array>;

export interface PrivateFile {
  readonly target: string;
  readonly content: FileContent;
}

/**
 * The one way tenantctl writes a file (plans, exports, .eml messages, keys).
 * No folder on the way to it inside a git work tree may be a symbolic link.
 * The content goes to a random name in the target's folder, created with
 * O_CREAT|O_EXCL|O_NOFOLLOW (a file or symlink planted there makes the open
 * fail rather than redirect it), gets its mode set explicitly, is synced,
 * and is then renamed over the target, which replaces a symlink planted at
 * the target instead of following it. Readers see the old file or the whole
 * new one. Returns false only when `replace` is false and the target exists.
 * `content` may be given in pieces (strings or bytes), which are written as
 * they come.
 */
export function writePrivateFile(target: string, content: FileContent, options: WriteOptions = {}): boolean {
  return writePrivateFiles([{ target, content }], options).length === 0;
}

/**
 * Several files as writePrivateFile writes one, all or none (an export split
 * over a folder): every target is checked before any is written, all are
 * written to temporary names, and only then renamed into place one after the
 * other. Should a rename fail, the files already placed are put back as they
 * were (the old ones were kept under another name until all were placed).
 * Returns the targets that exist already, having written nothing, when
 * `replace` is false and any does; otherwise an empty list.
 */
export function writePrivateFiles(files: readonly PrivateFile[], options: WriteOptions = {}): string[] {
  const replace = options.replace !== false;
  const wanted = files.map((f) => ({ ...f, file: path.resolve(f.target) }));
  for (const { target, file } of wanted) {
    refusedAt(target, () => {
      refuseLinkedFolder(path.dirname(file), file);
      refuseNonFile(file);
    });
  }
  if (!replace) {
    const existing = wanted.filter(({ target, file }) => refusedAt(target, () => fs.lstatSync(file, { throwIfNoEntry: false })) !== undefined);
    if (existing.length > 0) return existing.map((w) => w.target);
  }
  const staged: Staged[] = [];
  try {
    for (const w of wanted) staged.push(refusedAt(w.target, () => stage(w.target, w.file, w.content, options.mode ?? 0o600)));
    return commit(staged, replace);
  } finally {
    for (const { temporary } of staged) fs.rmSync(temporary, { force: true });
  }
}

/**
 * Runs one step on `target`, turning the operating system's refusal (a
 * missing folder, a full disk, no permission: the user's path, not a bug)
 * into a message that names the target the user gave, not the temporary
 * file the operating system refused.
 */
function refusedAt<T>(target: string, step: () => T): T {
  try {
    return step();
  } catch (cause) {
    if (!isFileSystemError(cause)) throw cause;
    const folder = path.dirname(path.resolve(target));
    const hint = cause.code === 'ENOENT' && !fs.existsSync(folder) ? `its folder ${folder} does not exist; create it, or name another file` : fileSystemReason(cause);
    throw new TenantctlError(`cannot write ${target}: ${hint}`);
  }
}

/** A file written under its temporary name; dev and ino tell it from whatever else may take its name. */
interface Staged {
  readonly target: string;
  readonly file: string;
  readonly temporary: string;
  readonly dev: number;
  readonly ino: number;
}

const temporaryName = (file: string, suffix: string): string =>
  path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(12).toString('hex')}.${suffix}`);

function stage(target: string, file: string, content: FileContent, mode: number): Staged {
  const temporary = temporaryName(file, 'tmp');
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
  const fd = fs.openSync(temporary, flags, mode);
  try {
    fs.fchmodSync(fd, mode);
    if (typeof content === 'string' || content instanceof Uint8Array) fs.writeFileSync(fd, content);
    else writePieces(fd, content);
    fs.fsyncSync(fd);
    const { dev, ino } = fs.fstatSync(fd);
    return { target, file, temporary, dev, ino };
  } catch (cause) {
    fs.rmSync(temporary, { force: true });
    throw cause;
  } finally {
    fs.closeSync(fd);
  }
}

/** A file renamed or linked into place, and where the file it replaced was kept (null: there was none, or one file only is written). */
interface Placed {
  readonly staged: Staged;
  readonly kept: string | null;
}

/** Puts every staged file in place, or (should one fail) none; returns the target that appeared meanwhile, if `replace` is false. */
function commit(staged: readonly Staged[], replace: boolean): string[] {
  const placed: Placed[] = [];
  // One file needs nothing kept: a failed rename leaves the old file as it was.
  const keepOld = staged.length > 1;
  for (const file of staged) {
    let done: Placed | null;
    try {
      done = refusedAt(file.target, () => place(file, replace, keepOld));
    } catch (cause) {
      throw withStuck(cause, putBack(placed));
    }
    if (done === null) {
      const stuck = putBack(placed);
      if (stuck.length > 0) throw withStuck(new TenantctlError(`not overwriting ${file.target}: it appeared while writing`), stuck);
      return [file.target];
    }
    placed.push(done);
  }
  for (const { kept } of placed) if (kept !== null) fs.rmSync(kept, { force: true });
  for (const directory of new Set(staged.map((s) => path.dirname(s.file)))) syncDirectory(directory);
  return [];
}

/** The failure, saying which files it left changed: rare (the folder changed meanwhile), but then they need a look. */
function withStuck(cause: unknown, stuck: readonly string[]): unknown {
  if (stuck.length === 0 || !(cause instanceof TenantctlError)) return cause;
  const one = stuck.length === 1;
  return new TenantctlError(`${cause.message}; ${stuck.join(', ')} could not be put back as ${one ? 'it was' : 'they were'} before: check ${one ? 'it' : 'them'}`);
}

/** Null when `replace` is false and the target appeared since it was checked. */
function place(file: Staged, replace: boolean, keepOld: boolean): Placed | null {
  if (!replace) {
    try {
      // link() fails when the target exists: creation without replacing.
      fs.linkSync(file.temporary, file.file);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return null;
      throw cause;
    }
    return { staged: file, kept: null };
  }
  const kept = keepOld ? keep(file.file) : null;
  try {
    fs.renameSync(file.temporary, file.file);
  } catch (cause) {
    if (kept !== null) restore(kept, file.file);
    throw cause;
  }
  return { staged: file, kept };
}

/**
 * The file about to be replaced, under a second name in its folder, so that
 * it can be put back. A hard link leaves it where it is; where there are none
 * (FAT, some network shares) or the file is another user's (Linux's
 * protected_hardlinks), it is moved aside, missing for a moment instead.
 * Null when there is no file to keep.
 */
function keep(file: string): string | null {
  // Checked again: what took the target's name since (a folder, say) must not be moved aside as if it were the file.
  refuseNonFile(file);
  const kept = temporaryName(file, 'old');
  try {
    fs.linkSync(file, kept);
    return kept;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return null;
  }
  try {
    fs.renameSync(file, kept);
    return kept;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw cause;
  }
}

/** Renaming a hard link over its twin does nothing (POSIX), so the kept name is removed after. */
function restore(kept: string, file: string): void {
  fs.renameSync(kept, file);
  fs.rmSync(kept, { force: true });
}

/** Undoes `placed`, last first; returns the targets it could not put back. */
function putBack(placed: readonly Placed[]): string[] {
  const stuck: string[] = [];
  for (const { staged, kept } of [...placed].reverse()) {
    try {
      if (kept !== null) restore(kept, staged.file);
      else removeIfOurs(staged);
    } catch {
      stuck.push(staged.target);
    }
  }
  return stuck;
}

/** A file this call created is removed; whatever has taken its name since is left alone. */
function removeIfOurs(file: Staged): void {
  const now = fs.lstatSync(file.file, { throwIfNoEntry: false });
  if (now && now.dev === file.dev && now.ino === file.ino) fs.unlinkSync(file.file);
}
