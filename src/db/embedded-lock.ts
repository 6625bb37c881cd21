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

/**
 * PGlite keeps a whole PostgreSQL in one process, so two processes must never
 * open the same folder. An exclusive lock file beside the folder serialises
 * them; one left by a process that died is taken over. Returns the release.
 */
export async function acquireEmbeddedLock(directory: string, actor: string, timeoutMs: number): Promise<() => void> {
  const lockFile = `${directory}.lock`;
  const me: LockHolder = { actor, host: os.hostname(), pid: process.pid, since: new Date().toISOString() };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (readHolder(lockFile)?.pid === process.pid) fs.rmSync(lockFile, { force: true });
      };
      process.once('exit', release);
      return release;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw cause;
    }
    const holder = readHolder(lockFile);
    if (holder && holder.host === os.hostname() && !processAlive(holder.pid)) {
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
