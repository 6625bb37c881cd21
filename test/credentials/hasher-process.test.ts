// The hasher's process (the built dist/cmd/tenantctl-hasher.js): the hashes it
// makes verify like those made in this process, it runs with glibc's malloc
// threshold raised and nothing else of this process's environment, and a
// hasher that dies fails the hashes waiting on it with a message that says so.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/credentials/hash-password.js';
import { hashPasswords } from '../../src/credentials/hash-passwords.js';
import { HASHER_PROCESS_MIN_HASHES, startHasherProcess } from '../../src/credentials/hasher-process.js';

/** The hasher processes this process has started and not yet reaped. */
function hasherChildren(): number[] {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((pid) => {
    try {
      const ppid = Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      return ppid === process.pid && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('tenantctl-hasher.js') ? [Number(pid)] : [];
    } catch {
      return [];
    }
  });
}

/**
 * The hashers started since `before` was taken. A hasher closed by an earlier
 * test may still be exiting on a loaded machine, so counting every child would
 * count it too.
 */
function startedSince(before: number[]): number[] {
  return hasherChildren().filter((pid) => !before.includes(pid));
}

const passwords = (count: number) => Array.from({ length: count }, (_, i) => `Hasher-Passw0rd-${i}!`);

describe.runIf(process.platform === 'linux')('the hasher process', () => {
  it('makes hashes that verify, each with its own salt, answered out of order as they end', async () => {
    const hasher = startHasherProcess(2)!;
    expect(hasher).not.toBeNull();
    try {
      const given = passwords(3);
      const hashes = await Promise.all(given.map((password) => hasher.hash(password)));
      for (const [i, password] of given.entries()) {
        expect(hashes[i]).toMatch(/^scrypt\$N=32768,r=8,p=1\$/);
        expect(await verifyPassword(password, hashes[i]!)).toBe(true);
        expect(await verifyPassword(`${password}x`, hashes[i]!)).toBe(false);
      }
      expect(new Set(hashes.map((h) => h.split('$')[2])).size).toBe(3);
    } finally {
      hasher.close();
    }
  });

  it('runs with the malloc threshold raised, and without this process\'s variables', async () => {
    process.env.TENANTCTL_DATABASE_URL_PROBE = 'postgres://user:secret@db/tenant';
    const hasher = startHasherProcess(2)!;
    try {
      const environ = fs.readFileSync(`/proc/${hasher.pid}/environ`, 'utf8').split('\0').filter(Boolean).sort();
      expect(environ).toEqual(['GLIBC_TUNABLES=glibc.malloc.mmap_threshold=67108864', 'UV_THREADPOOL_SIZE=2']);
      await hasher.hash('Still-Works-1!');
    } finally {
      delete process.env.TENANTCTL_DATABASE_URL_PROBE;
      hasher.close();
    }
  });

  it('fails the hashes waiting on it when it dies, and every hash after', async () => {
    const hasher = startHasherProcess(2)!;
    const waiting = hasher.hash('Never-Hashed-1!');
    process.kill(hasher.pid!, 'SIGKILL');
    await expect(waiting).rejects.toThrow('the password hasher (the process tenantctl hashes new passwords in) was stopped by SIGKILL before it had hashed every password');
    await expect(hasher.hash('Too-Late-1!')).rejects.toThrow('was stopped by SIGKILL');
    hasher.close();
  });

  it('serves hashPasswords from this many passwords on, with every hash in order', async () => {
    const given = passwords(HASHER_PROCESS_MIN_HASHES);
    const done: number[] = [];
    const before = hasherChildren();
    const hashing = hashPasswords(given, { concurrency: 2, onHashed: (n) => done.push(n) });
    expect(startedSince(before)).toHaveLength(1);
    const hashes = await hashing.hashes;
    expect(done).toEqual(given.map((_, i) => i + 1));
    for (const [i, password] of given.entries()) expect(await verifyPassword(password, hashes[i]!)).toBe(true);
  });

  it('is not started for fewer passwords', async () => {
    const before = hasherChildren();
    const hashing = hashPasswords(passwords(HASHER_PROCESS_MIN_HASHES - 1), { concurrency: 2 });
    expect(startedSince(before)).toEqual([]);
    expect(await hashing.hashes).toHaveLength(HASHER_PROCESS_MIN_HASHES - 1);
  });
});
