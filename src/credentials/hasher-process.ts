import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { packageRoot } from '../package-root.js';

/**
 * scrypt with tenantctl's parameters needs 32 MiB and 2 KiB for each hash, just
 * over glibc's largest threshold for serving an allocation from its heap. So
 * malloc maps fresh memory for every hash and unmaps it at its end, and the
 * kernel faults in and zeroes 8,200 pages each time: on these machines 150 ms
 * of CPU a hash, against 60 ms for a hash whose memory is already there (timed
 * one after another on one thread). With the threshold raised, each thread
 * keeps its 32 MiB from one hash to the next: only its first hash pays for the
 * pages. The threshold is read once, when a process starts, hence a process of
 * its own for the hashes, started with it. The hashes are the same: only where
 * their memory comes from changes.
 */
export const MALLOC_KEEPS_SCRYPT_MEMORY = 'glibc.malloc.mmap_threshold=67108864';

/** Fewer hashes than this are not worth starting a process for (about 50 ms of CPU). */
export const HASHER_PROCESS_MIN_HASHES = 4;

/** Hashes passwords in the hasher's process; `close` lets it exit once the hashes asked for have ended. */
export interface HasherProcess {
  /** The process's id, for the tests that look at its environment or stop it. */
  readonly pid: number | undefined;
  hash(password: string): Promise<string>;
  close(): void;
}

/** The bundled hasher (scripts/bundle.mjs), or null where the build made none. */
function hasherScript(): string | null {
  const file = path.join(packageRoot(), 'dist', 'cmd', 'tenantctl-hasher.js');
  return fs.existsSync(file) ? file : null;
}

/**
 * A hasher process for `concurrency` hashes at once, or null where it would
 * gain nothing: not on Linux (the setting is glibc's; elsewhere it is ignored)
 * or without a built hasher. Its environment is that setting and the size of
 * its thread pool, nothing of this process's: no database URL, no NODE_OPTIONS.
 * Its pool has a thread per hash at once and no more: each thread's first hash
 * pays for its memory, and nothing else of the process uses the pool.
 */
export function startHasherProcess(concurrency: number): HasherProcess | null {
  const script = process.platform === 'linux' ? hasherScript() : null;
  if (script === null) return null;
  const tunables = [process.env.GLIBC_TUNABLES, MALLOC_KEEPS_SCRYPT_MEMORY].filter(Boolean).join(':');
  const child = spawn(process.execPath, [script], {
    env: { GLIBC_TUNABLES: tunables, UV_THREADPOOL_SIZE: String(concurrency) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pending = new Map<number, { resolve: (hash: string) => void; reject: (cause: Error) => void }>();
  let nextId = 0;
  let ended: Error | null = null;
  let stderr = '';

  // Its failures are the machine's (a process killed, none could start), not tenantctl's bugs.
  const failAll = (reason: string) => {
    ended ??= new TenantctlError(`the password hasher (the process tenantctl hashes new passwords in) ${reason}: nothing was applied; run the apply again`);
    for (const { reject } of pending.values()) reject(ended);
    pending.clear();
  };
  child.on('error', (cause) => failAll(`could not start: ${cause.message}`));
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 2000) stderr += chunk.toString();
  });
  child.on('close', (code, signal) => {
    const how = signal ? `was stopped by ${signal}` : `exited with ${code}`;
    failAll(`${how} before it had hashed every password${stderr ? ` (${stderr.trim().split('\n')[0]})` : ''}`);
  });
  // A closed pipe is reported by 'close' above; the write's own error adds nothing.
  child.stdin.on('error', () => undefined);
  readline.createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    let answer: { id?: unknown; hash?: unknown; error?: unknown };
    try {
      answer = JSON.parse(line) as typeof answer;
    } catch {
      return failAll('answered something that is not JSON');
    }
    const waiting = typeof answer.id === 'number' ? pending.get(answer.id) : undefined;
    if (!waiting) return failAll('answered a request it was not sent');
    pending.delete(answer.id as number);
    if (typeof answer.hash === 'string') waiting.resolve(answer.hash);
    else waiting.reject(new TenantctlError(`hashing a new password failed: ${String(answer.error)}: nothing was applied`));
  });

  return {
    pid: child.pid,
    hash(password) {
      if (ended) return Promise.reject(ended);
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.stdin.write(`${JSON.stringify({ id, password })}\n`);
      });
    },
    close() {
      child.stdin.end();
    },
  };
}
