import os from 'node:os';
import { hashPassword } from './hash-password.js';
import { HASHER_PROCESS_MIN_HASHES, startHasherProcess } from './hasher-process.js';

/** Hashing many passwords, under way: `hashes` settles when every started hash has ended. */
export interface Hashing {
  /** The hashes in the order of the passwords; rejects with the first failure. */
  readonly hashes: Promise<string[]>;
  /** Starts no further hash (the ones running finish); `hashes` then rejects. */
  stop(): void;
}

export interface HashingOptions {
  /** How many hashes run at once; default: the cores this process may use. */
  readonly concurrency?: number;
  /** Told after each hash, with how many are done. */
  readonly onHashed?: (done: number) => void;
  /** The hash function (tests observe it); default `hashPassword`, in the hasher's process for several (hasher-process.ts). */
  readonly hash?: (password: string) => Promise<string>;
}

/**
 * Hashes `passwords` with at most `concurrency` (one per core by default)
 * scrypt jobs on libuv's thread pool at a time. Why not all at once: the pool
 * runs its queue in order, so 500 queued hashes would make every file read,
 * dynamic import and WebCrypto call of this process (opening the database,
 * loading age) wait until the last hash ends; and more scrypt jobs than cores
 * only take turns on them, each with its own 32 MiB, which the CPU caches do
 * not hold. The CLI's pool has threads to spare beyond the cores
 * (cmd/tenantctl.cts).
 *
 * After a failure (or `stop`) no hash starts; `hashes` rejects once the
 * running ones have ended, so nothing is left running behind the caller.
 */
export function hashPasswords(passwords: readonly string[], options: HashingOptions = {}): Hashing {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? os.availableParallelism()));
  const hasher = options.hash || passwords.length < HASHER_PROCESS_MIN_HASHES ? null : startHasherProcess(concurrency);
  const hash = options.hash ?? hasher?.hash ?? hashPassword;
  const results: string[] = new Array<string>(passwords.length);
  let next = 0;
  let done = 0;
  let running = 0;
  let failure: { readonly cause: unknown } | null = null;
  let settle: { resolve: (hashes: string[]) => void; reject: (cause: unknown) => void };
  const hashes = new Promise<string[]>((resolve, reject) => {
    settle = { resolve, reject };
  });

  const finishIfIdle = () => {
    if (running > 0) return;
    hasher?.close();
    if (failure !== null) settle.reject(failure.cause);
    else if (done === passwords.length) settle.resolve(results);
  };
  const startNext = (): void => {
    if (failure !== null || next >= passwords.length) return finishIfIdle();
    const index = next++;
    running++;
    hash(passwords[index] as string).then(
      (hashed) => {
        results[index] = hashed;
        done++;
        running--;
        options.onHashed?.(done);
        startNext();
      },
      (cause: unknown) => {
        failure ??= { cause };
        running--;
        finishIfIdle();
      },
    );
  };

  for (let i = 0; i < Math.min(concurrency, passwords.length); i++) startNext();
  finishIfIdle();
  return {
    hashes,
    stop() {
      failure ??= { cause: new Error('hashing stopped') };
      finishIfIdle();
    },
  };
}
