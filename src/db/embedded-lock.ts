import fs from 'node:fs';
import os from 'node:os';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';

/** Who holds a lock, for the message the waiting process prints. */
export interface LockHolder {
  readonly actor: string;
  readonly host: string;
  readonly pid: number;
  readonly since: string;
}

export function describeHolder(holder: LockHolder): string {
  return `${holder.actor} on ${holder.host} (pid ${holder.pid}) since ${holder.since}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(lockFile: string): LockHolder | null {
  try {
    return JSON.parse(fs.readFileSync(lockFile, 'utf8')) as LockHolder;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Filesystems without hard links; there the lock file is created and written in two steps. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS']);

/**
 * Creates the lock file already holding `content`, or returns false if it
 * exists. Written beside it first and hard-linked into place, because a
 * process killed between creating the file and writing it would leave an
 * empty lock that names nobody, so nobody could take it over.
 */
function createLockFile(lockFile: string, content: string): boolean {
  const staging = `${lockFile}.${process.pid}.new`;
  fs.rmSync(staging, { force: true });
  fs.writeFileSync(staging, content, { flag: 'wx', mode: 0o600 });
  try {
    fs.linkSync(staging, lockFile);
    return true;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code)) throw cause;
  } finally {
    fs.rmSync(staging, { force: true });
  }
  try {
    fs.writeFileSync(lockFile, content, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw cause;
  }
}

/** An empty lock file is one a process died writing, once it is older than any write takes. */
const EMPTY_LOCK_STALE_MS = 5_000;

/**
 * Only an empty lock names nobody. One this process cannot read (another OS
 * user's, mode 0600) or cannot parse may belong to a live process, so it is
 * waited for, never taken over.
 */
function abandoned(lockFile: string, holder: LockHolder | null): boolean {
  if (holder) return holder.host === os.hostname() && !processAlive(holder.pid);
  try {
    const stat = fs.lstatSync(lockFile);
    return stat.isFile() && stat.size === 0 && Date.now() - stat.mtimeMs > EMPTY_LOCK_STALE_MS;
  } catch {
    return false;
  }
}

/**
 * PGlite keeps a whole PostgreSQL in one process, so two processes must never
 * open the same folder. An exclusive lock file beside the folder serialises
 * them; one left by a process that died (or an empty one, left by a process
 * killed while writing it with an older version) is taken over. Returns the release.
 */
export async function acquireEmbeddedLock(directory: string, actor: string, timeoutMs: number): Promise<() => void> {
  const lockFile = `${directory}.lock`;
  const me: LockHolder = { actor, host: os.hostname(), pid: process.pid, since: new Date().toISOString() };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (createLockFile(lockFile, JSON.stringify(me))) {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (readHolder(lockFile)?.pid === process.pid) fs.rmSync(lockFile, { force: true });
      };
      process.once('exit', release);
      return release;
    }
    const holder = readHolder(lockFile);
    if (abandoned(lockFile, holder)) {
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? describeHolder(holder) : 'another process';
      throw new TenantctlError(
        `the embedded database ${directory} is in use by ${who}; waited ${Math.round(timeoutMs / 1000)}s (raise --lock-timeout to wait longer)`,
      );
    }
    await sleep(100);
  }
}
