// Hashing many passwords at once: one scrypt job per core on the thread pool,
// every result in order, and after a failure nothing more starts and nothing
// is left running.
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/credentials/hash-password.js';
import { hashPasswords } from '../../src/credentials/hash-passwords.js';

/** The real hashPassword, counting how many run at once and how many ever started. */
function observed(fail?: (password: string) => boolean) {
  const seen = { running: 0, most: 0, started: 0, finished: 0, startedWhenFailed: null as number | null };
  const hash = async (password: string) => {
    seen.started++;
    seen.running++;
    seen.most = Math.max(seen.most, seen.running);
    try {
      const hashed = await hashPassword(password);
      if (fail?.(password)) {
        seen.startedWhenFailed = seen.started;
        throw new Error(`hashing ${password} failed`);
      }
      return hashed;
    } finally {
      seen.running--;
      seen.finished++;
    }
  };
  return { seen, hash };
}

const passwords = (count: number) => Array.from({ length: count }, (_, i) => `Passw0rd-${i}!`);

describe('hashPasswords', () => {
  it('hashes every password, in order, with at most `concurrency` at once', async () => {
    const { seen, hash } = observed();
    const given = passwords(7);
    const hashes = await hashPasswords(given, { concurrency: 2, hash }).hashes;
    expect(hashes).toHaveLength(7);
    for (const [i, password] of given.entries()) {
      expect(await verifyPassword(password, hashes[i]!)).toBe(true);
      expect(hashes[i]).not.toContain(password);
    }
    expect(seen.started).toBe(7);
    expect(seen.most).toBe(2);
  });

  it('runs one hash per core by default', async () => {
    const cores = os.availableParallelism();
    const { seen, hash } = observed();
    const count = cores + 3;
    await hashPasswords(passwords(count), { hash }).hashes;
    expect(seen.started).toBe(count);
    expect(seen.most).toBe(cores);
  });

  it('runs fewer at once when there are fewer passwords, and resolves at once with none', async () => {
    const { seen, hash } = observed();
    expect(await hashPasswords(passwords(1), { concurrency: 8, hash }).hashes).toHaveLength(1);
    expect(seen.most).toBe(1);
    expect(await hashPasswords([], { hash }).hashes).toEqual([]);
  });

  it('reports each hash done, counting up to the total', async () => {
    const done: number[] = [];
    await hashPasswords(passwords(5), { concurrency: 2, onHashed: (n) => done.push(n) }).hashes;
    expect(done).toEqual([1, 2, 3, 4, 5]);
  });

  it('after one hash fails, starts no other, waits for the running ones, and rejects with that failure', async () => {
    const given = passwords(10);
    const { seen, hash } = observed((password) => password === given[2]);
    await expect(hashPasswords(given, { concurrency: 2, hash }).hashes).rejects.toThrow('hashing Passw0rd-2! failed');
    // Rejected only once nothing runs: nothing is left hashing behind the caller.
    expect(seen.running).toBe(0);
    expect(seen.finished).toBe(seen.started);
    // Nothing started after the failure, so some passwords were never hashed.
    expect(seen.started).toBe(seen.startedWhenFailed);
    expect(seen.started).toBeLessThan(given.length);
  });

  it('stop: no hash starts after it, and the hashes reject once the running ones end', async () => {
    const { seen, hash } = observed();
    const hashing = hashPasswords(passwords(20), { concurrency: 2, hash });
    hashing.stop();
    await expect(hashing.hashes).rejects.toThrow('hashing stopped');
    expect(seen.started).toBe(2);
    expect(seen.running).toBe(0);
  });
});
