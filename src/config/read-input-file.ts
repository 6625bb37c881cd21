import fs from 'node:fs';
import { formatCount } from '../diagnostics/message-lists.js';
import { fileSystemReason, isFileSystemError } from '../files/file-system-refusal.js';

const MiB = 1024 * 1024;

/**
 * Limits on what tenantctl reads (README "Limits on input"). A configuration
 * file of 100,000 users is about 40 MiB; a saved plan that creates them all
 * is larger, so plans get their own limit.
 */
export const INPUT_LIMITS = {
  /** One configuration or catalog file. */
  file: 64 * MiB,
  /** All files of one `-c` configuration together. */
  configuration: 256 * MiB,
  /**
   * Values (keys, list items, scalars) of one configuration's files together:
   * parsed, each costs 150-250 bytes of memory, so 256 MiB of short values
   * would not fit in Node's default heap. 100,000 users are about 3.3 million.
   */
  configurationValues: 10_000_000,
  /**
   * Files of one configuration: each costs a read and a parse of its own
   * (about 80 µs and a few KB here), whatever it holds. A file per user of
   * 100,000 users fits.
   */
  configurationFiles: 100_000,
  /**
   * Keys of one mapping in a configuration or catalog file. The widest real
   * ones are spareSeats and maxSeats, a key per subscription (a catalog has
   * at most 1,000); a user has a few dozen. One mapping of 4,000,000 keys
   * (44 MB) cost 36 s and 3 GB before it was refused; now it is refused once
   * parsed, before its values are built.
   */
  mappingKeys: 10_000,
  /**
   * Characters of one key (a field, a SKU, a domain: a few dozen at most; YAML's own limit for a key
   * without `?`). V8 hashes a string of more than 16,383 characters by its length alone, so keys of one
   * such length collide: 2,000 of them in one mapping (33 MB) cost 22 s, quadratic in their number.
   */
  keyCharacters: 1_024,
  /** A plan saved by `plan --out`, read by `apply --plan`. */
  plan: 256 * MiB,
} as const;

export function formatBytes(bytes: number): string {
  if (bytes < MiB) return `${formatCount(bytes)} bytes`;
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${(bytes / MiB).toFixed(1)} MiB`;
}

/** Why an input file was not read: it is not a regular file, it is too large, or the system refused. */
export type InputProblem =
  | { readonly kind: 'not-a-file'; readonly message: string }
  | { readonly kind: 'too-large'; readonly message: string }
  /**
   * `reason`: why, in words with the code (`no such file or folder (ENOENT)`), for callers that name the file their own way;
   * `code`: the system's code, when the system refused, for callers to whom a missing file is no error.
   */
  | { readonly kind: 'unreadable'; readonly message: string; readonly reason: string; readonly code?: string };

export type InputRead = { readonly bytes: Buffer; readonly problem?: undefined } | { readonly bytes?: undefined; readonly problem: InputProblem };

function describeType(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notAFile(file: string, stat: fs.Stats): InputProblem {
  return { kind: 'not-a-file', message: `${file} is ${describeType(stat)}, not a regular file; tenantctl reads only regular files (save the content to a file and give its path)` };
}

const SPLIT_IT = 'split it into several files';

function tooLarge(file: string, limit: number, what: string, advice: string): InputProblem {
  return { kind: 'too-large', message: `${file} is larger than ${formatBytes(limit)}, the limit for ${what}; ${advice}` };
}

/**
 * Reads a regular file of at most `limit` bytes. A device, FIFO or socket is
 * refused before it is opened for reading (`/dev/zero` never ends, a FIFO
 * blocks forever); the file is opened non-blocking and checked again by its
 * descriptor, in case the path changed in between; and at most limit + 1
 * bytes are read, whatever size the file claims (a file may grow, a /proc
 * file says 0). Never throws. `advice` ends the message of a file too large;
 * messages name the file as `shown`.
 */
export function readInputFile(file: string, limit: number, what: string, advice = SPLIT_IT, shown = file): InputRead {
  let fd: number | undefined;
  try {
    const before = fs.statSync(file);
    if (!before.isFile()) return { problem: notAFile(shown, before) };
    if (before.size > limit) return { problem: tooLarge(shown, limit, what, advice) };
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const opened = fs.fstatSync(fd);
    if (!opened.isFile()) return { problem: notAFile(shown, opened) };
    // Sized for what the file claims, plus one byte to notice that it grew; 64 KiB for a file that claims
    // nothing (/proc). Not 64 KiB for every file: each file's bytes are kept, and 50,000 small files kept 3 GB.
    let chunk = Buffer.allocUnsafe(Math.min(limit + 1, opened.size > 0 ? opened.size + 1 : 64 * 1024));
    let length = 0;
    for (;;) {
      if (length === chunk.length) {
        if (length > limit) break;
        const grown = Buffer.allocUnsafe(Math.min(limit + 1, chunk.length * 2));
        chunk.copy(grown, 0, 0, length);
        chunk = grown;
      }
      const read = fs.readSync(fd, chunk, length, chunk.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > limit) return { problem: tooLarge(shown, limit, what, advice) };
    return { bytes: chunk.subarray(0, length) };
  } catch (cause) {
    // In words, with the code to search for: `no such file or folder (ENOENT)`, `permission denied (EACCES)`.
    const why = isFileSystemError(cause) ? fileSystemReason(cause) : (cause as Error).message;
    const code = isFileSystemError(cause) ? { code: cause.code } : {};
    return { problem: { kind: 'unreadable', message: `cannot read ${shown}: ${why}`, reason: why, ...code } };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
