/** What Node attaches to an error the operating system returned for a file. */
export interface FileSystemError extends Error {
  readonly code: string;
  readonly syscall: string;
  readonly path?: string;
}

/**
 * Whether an error is the operating system refusing a file operation (a
 * missing folder, a file where a folder should be, no permission, a full or
 * read-only disk): something about the user's paths or machine, not a bug.
 */
export function isFileSystemError(cause: unknown): cause is FileSystemError {
  const e = cause as Partial<FileSystemError> | null;
  return cause instanceof Error && typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code) && typeof e.syscall === 'string';
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links on the path',
  EEXIST: 'something of that name exists already',
  EMFILE: 'too many open files',
  EIO: 'an input/output error of the device',
};

/** `permission denied (EACCES)`: the refusal in words, with the code to search for. */
export function fileSystemReason(cause: FileSystemError): string {
  const reason = REASONS[cause.code];
  return reason ? `${reason} (${cause.code})` : cause.message;
}
