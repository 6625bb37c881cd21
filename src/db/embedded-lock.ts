import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { readInputFile } from '../config/read-input-file.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { terminalText } from '../render/escape-terminal.js';

/** Who holds a lock, for the message the waiting process prints. */
export interface LockHolder {
  readonly actor: string;
  readonly host: string;
  readonly pid: number;
  readonly since: string;
  /**
   * When that process started, as the kernel counts it (processStart); absent
   * where /proc is, and in locks of older versions. Tells a dead holder from
   * an unrelated process that was given its pid since.
   */
  readonly started?: string;
}

/** The lock file is another process's word (its --actor, any text): shown, never obeyed, on one line. */
export function describeHolder(holder: LockHolder): string {
  const shown = (value: unknown) => terminalText(String(value));
  // The CLI's actor is `user@host` (as PostgreSQL's application_name shows it): the host is said once.
  const actor = String(holder.actor);
  const who = actor.endsWith(`@${String(holder.host)}`) ? actor.slice(0, actor.length - String(holder.host).length - 1) : actor;
  return `${shown(who)} on ${shown(holder.host)} (pid ${shown(holder.pid)}) since ${shown(holder.since)}`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * On Linux: the boot's id and the process's start time in clock ticks since
 * boot (field 22 of /proc/PID/stat), which together name one process for
 * good. null where there is no /proc, or no such process.
 */
export function processStart(pid: number): string | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
  const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  if (ticks === undefined || !/^\d+$/.test(ticks)) return null;
  let boot = '';
  try {
    boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // The start time alone still tells most reused pids apart.
  }
  return `${boot}/${ticks}`;
}

/** The holder's pid is alive but is some other process, started since it was recorded. */
function pidReused(holder: LockHolder): boolean {
  if (holder.started === undefined) return false;
  const now = processStart(holder.pid);
  return now !== null && now !== holder.started;
}

/** A holder is a line of JSON; a lock file larger than this is no lock tenantctl wrote. */
const LOCK_FILE_LIMIT = 64 * 1024;

/**
 * Read as every input is (readInputFile): a FIFO in the lock's place hung the
 * waiting process for good instead of letting it time out; /dev/zero was read
 * until memory ran out.
 */
function readHolder(lockFile: string): LockHolder | null {
  const read = readInputFile(lockFile, LOCK_FILE_LIMIT, 'a lock file');
  if (read.problem) return null;
  try {
    return JSON.parse(read.bytes.toString('utf8')) as LockHolder;
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
  // Not the pid alone: processes in two containers sharing the folder may have the same one.
  const staging = `${lockFile}.${process.pid}.${randomBytes(6).toString('hex')}.new`;
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
 * A lock naming a process of this host is abandoned when that process is
 * dead, or when its pid now belongs to a process that started at another
 * time. Only an empty lock names nobody. One this process cannot read (another OS
 * user's, mode 0600) or cannot parse may belong to a live process, so it is
 * waited for, never taken over.
 */
function abandoned(stat: fs.BigIntStats, holder: LockHolder | null): boolean {
  if (holder) return holder.host === os.hostname() && (!processAlive(holder.pid) || pidReused(holder));
  return stat.isFile() && stat.size === 0n && Date.now() - Number(stat.mtimeMs) > EMPTY_LOCK_STALE_MS;
}

function identify(file: string): fs.BigIntStats | null {
  try {
    return fs.lstatSync(file, { bigint: true });
  } catch {
    return null;
  }
}

/** The same file, unchanged: a removed file's inode number may be given to the next one, its time and size hardly. */
const sameFile = (a: fs.BigIntStats, b: fs.BigIntStats): boolean => a.dev === b.dev && a.ino === b.ino && a.mtimeNs === b.mtimeNs && a.size === b.size;

/**
 * Removes the lock file `judged` abandoned, only if it is still that file.
 * Two waiters may judge the same dead lock; the second to remove it must
 * not remove the lock the first has created since. So it is moved aside
 * (one atomic step) and compared with what was judged, and another
 * process's lock is put back.
 */
export function takeOverAbandoned(lockFile: string, judged: fs.BigIntStats): void {
  const aside = `${lockFile}.${process.pid}.stale`;
  try {
    fs.renameSync(lockFile, aside);
  } catch {
    return;
  }
  const moved = identify(aside);
  if (!moved || !sameFile(moved, judged)) {
    try {
      fs.linkSync(aside, lockFile);
    } catch (cause) {
      // EEXIST: another lock was created meanwhile; it holds. Without hard links, moved back if none was.
      if (NO_HARD_LINKS.has((cause as NodeJS.ErrnoException).code ?? '') && identify(lockFile) === null) {
        fs.renameSync(aside, lockFile);
        return;
      }
    }
  }
  fs.rmSync(aside, { force: true });
}

/**
 * PGlite keeps a whole PostgreSQL in one process, so two processes must never
 * open the same folder. An exclusive lock file beside the folder serialises
 * them; one left by a process that died, even if its pid has been given to
 * another process since (or an empty one, left by a process killed while
 * writing it with an older version) is taken over. Returns the release.
 */
export async function acquireEmbeddedLock(directory: string, actor: string, timeoutMs: number): Promise<() => void> {
  const lockFile = `${directory}.lock`;
  const started = processStart(process.pid);
  const me: LockHolder = { actor, host: os.hostname(), pid: process.pid, since: new Date().toISOString(), ...(started === null ? {} : { started }) };
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
    // Which file is judged, before reading it: only that one may be taken over.
    const judged = identify(lockFile);
    const holder = readHolder(lockFile);
    if (judged && abandoned(judged, holder)) {
      takeOverAbandoned(lockFile, judged);
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
