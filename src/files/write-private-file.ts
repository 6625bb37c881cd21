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
function refuseLinkedFolder(directory: string, target: string): void {
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
export function writePrivateFile(target: string, content: string | Uint8Array | Iterable<string | Uint8Array>, options: WriteOptions = {}): boolean {
  try {
    return writeThroughTemporary(target, content, options);
  } catch (cause) {
    // A missing folder, a full disk, no permission: the user's path, not a bug. The message names the
    // target the user gave, not the temporary file the operating system refused.
    if (!isFileSystemError(cause)) throw cause;
    const folder = path.dirname(path.resolve(target));
    const hint = cause.code === 'ENOENT' && !fs.existsSync(folder) ? `its folder ${folder} does not exist; create it, or name another file` : fileSystemReason(cause);
    throw new TenantctlError(`cannot write ${target}: ${hint}`);
  }
}

function writeThroughTemporary(target: string, content: string | Uint8Array | Iterable<string | Uint8Array>, options: WriteOptions): boolean {
  const mode = options.mode ?? 0o600;
  const file = path.resolve(target);
  const directory = path.dirname(file);
  refuseLinkedFolder(directory, file);
  refuseNonFile(file);
  const temporary = path.join(directory, `.${path.basename(file)}.${randomBytes(12).toString('hex')}.tmp`);
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
  const fd = fs.openSync(temporary, flags, mode);
  try {
    try {
      fs.fchmodSync(fd, mode);
      if (typeof content === 'string' || content instanceof Uint8Array) fs.writeFileSync(fd, content);
      else writePieces(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (options.replace === false) {
      try {
        // link() fails when the target exists: creation without replacing.
        fs.linkSync(temporary, file);
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw cause;
      }
    } else {
      fs.renameSync(temporary, file);
    }
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  syncDirectory(directory);
  return true;
}
