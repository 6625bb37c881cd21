// prepareCredentials: every new password hashed (one scrypt job per core) and
// sealed for the outbox key before the transaction opens; a failure anywhere
// rejects only once no hash is left running, and a missing variable stops
// everything before the first hash.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/credentials/hash-password.js';
import type { ChangeOf } from '../../src/plan/change.js';
import { prepareCredentials, startCredentials } from '../../src/apply/prepare-credentials.js';
import { openSealed } from '../../src/outbox/seal.js';
import { TEST_OUTBOX_IDENTITY, TEST_OUTBOX_KEY_FILE, TEST_OUTBOX_RECIPIENT } from '../support/outbox-key.js';

const ageInstalled = spawnSync('age', ['--version']).status === 0;
const itWithAge = it.skipIf(!ageInstalled && process.env.CI !== 'true');

function create(upn: string, variable?: string): ChangeOf<'user.create'> {
  return {
    kind: 'user.create',
    userPrincipalName: upn,
    accountEnabled: true,
    attributes: { displayName: upn } as ChangeOf<'user.create'>['attributes'],
    password: variable ? { kind: 'env', variable } : { kind: 'generate' },
    forceChangePasswordNextSignIn: true,
    notify: ['manager@contoso.com'],
    resetToken: null,
  };
}

function reset(upn: string): ChangeOf<'user.password-reset'> {
  return { kind: 'user.password-reset', userPrincipalName: upn, userId: '42', password: { kind: 'generate' }, forceChangePasswordNextSignIn: false, notify: [], resetToken: 'r1' };
}

/** The real hashPassword, counting what runs. */
function counting() {
  const seen = { started: 0, running: 0 };
  const hash = async (password: string) => {
    seen.started++;
    seen.running++;
    try {
      return await hashPassword(password);
    } finally {
      seen.running--;
    }
  };
  return { seen, hash };
}

const users = (count: number) => Array.from({ length: count }, (_, i) => create(`user${i}@contoso.com`));

describe('prepareCredentials', () => {
  it('hashes and seals one password per new user and reset, in plan order; the seal opens to the password', async () => {
    const changes = [...users(4), reset('old@contoso.com')];
    const credentials = await prepareCredentials(changes, {}, undefined, async () => TEST_OUTBOX_RECIPIENT, { concurrency: 2 });
    expect(credentials.map((c) => [c.userPrincipalName, c.reason])).toEqual([
      ...users(4).map((u) => [u.userPrincipalName, 'created']),
      ['old@contoso.com', 'reset'],
    ]);
    expect(new Set(credentials.map((c) => c.temporaryPassword)).size).toBe(5);
    for (const c of credentials) {
      expect(await verifyPassword(c.temporaryPassword, c.stored.passwordHash)).toBe(true);
      expect(c.sealed?.recipient).toBe(TEST_OUTBOX_RECIPIENT);
      expect(c.sealed?.value).not.toContain(c.temporaryPassword);
      expect(await openSealed([TEST_OUTBOX_IDENTITY], c.sealed!.value)).toBe(c.temporaryPassword);
    }
    expect(credentials[4]?.stored).toMatchObject({ forceChange: false, resetToken: 'r1' });
  });

  itWithAge('seals what the standard age tool opens', async () => {
    const [credential] = await prepareCredentials(users(1), {}, undefined, async () => TEST_OUTBOX_RECIPIENT);
    const opened = execFileSync('age', ['--decrypt', '--identity', TEST_OUTBOX_KEY_FILE], { input: credential!.sealed!.value, encoding: 'utf8' });
    expect(opened).toBe(credential!.temporaryPassword);
  });

  it('without an outbox key, hashes and seals nothing', async () => {
    const credentials = await prepareCredentials(users(2), {}, undefined, async () => null);
    expect(credentials.map((c) => c.sealed)).toEqual([null, null]);
  });

  it('reports hashing progress up to the total', async () => {
    const events: number[] = [];
    await prepareCredentials(users(3), {}, (e) => events.push(e.done));
    expect(events).toEqual([0, 1, 2, 3]);
  });

  it('a missing variable stops it before any hash starts', async () => {
    const { seen, hash } = counting();
    await expect(prepareCredentials([...users(3), create('env@contoso.com', 'NEW_HIRE_PASSWORD')], {}, undefined, async () => TEST_OUTBOX_RECIPIENT, { hash }))
      .rejects.toThrow('env@contoso.com: environment variable NEW_HIRE_PASSWORD (password.fromEnv) is not set');
    expect(seen.started).toBe(0);
  });

  it('a variable whose name is written like a password (the password typed into fromEnv) is never named, unset or breaking the policy', async () => {
    const unset = prepareCredentials([create('env@contoso.com', 'Welkom2016x')], {}, undefined, async () => TEST_OUTBOX_RECIPIENT);
    await expect(unset).rejects.toThrow('env@contoso.com: a variable whose name is written like a password (not shown here) (password.fromEnv) is not set; export it or remove fromEnv to generate a password');
    const weak = prepareCredentials([create('env@contoso.com', 'Welkom2016x')], { Welkom2016x: 'short' }, undefined, async () => TEST_OUTBOX_RECIPIENT);
    await expect(weak).rejects.toThrow('env@contoso.com: the password in a variable whose name is written like a password (not shown here) breaks the password policy');
    for (const run of [unset, weak]) await expect(run).rejects.not.toThrow(/Welkom2016x/);
  });

  it('one failed hash fails it, once no hash runs any more, and no hash starts after it', async () => {
    const changes = users(12);
    // The password of the third user is only known inside: fail on the third hash started.
    let third: string | undefined;
    let startedWhenFailed: number | null = null;
    const { seen, hash } = counting();
    const failing = async (password: string) => {
      if (seen.started === 2) third = password;
      return hash(password).then((hashed) => {
        if (password !== third) return hashed;
        startedWhenFailed = seen.started;
        throw new Error('the hash failed');
      });
    };
    await expect(prepareCredentials(changes, {}, undefined, async () => TEST_OUTBOX_RECIPIENT, { concurrency: 2, hash: failing })).rejects.toThrow('the hash failed');
    expect(seen.running).toBe(0);
    expect(seen.started).toBe(startedWhenFailed);
    expect(seen.started).toBeLessThan(changes.length);
  });

  it('when the outbox key cannot be read, stops the hashing and fails once the running hashes end', async () => {
    const { seen, hash } = counting();
    const unreadable = async (): Promise<string> => {
      throw new Error('the outbox key could not be read');
    };
    await expect(prepareCredentials(users(12), {}, undefined, unreadable, { concurrency: 2, hash })).rejects.toThrow('the outbox key could not be read');
    expect(seen.running).toBe(0);
    expect(seen.started).toBeLessThan(12);
  });

  it('started early and abandoned (the database did not open): no hash starts after, and abandon waits for the running ones', async () => {
    const { seen, hash } = counting();
    const started = startCredentials(users(12), {}, undefined, { concurrency: 2, hash });
    expect(seen.started).toBe(2);
    await started.abandon();
    expect(seen.running).toBe(0);
    const startedWhenAbandoned = seen.started;
    expect(startedWhenAbandoned).toBeLessThan(12);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.started).toBe(startedWhenAbandoned);
  });

  it('started early, finished once the key is known: the same credentials as in one go', async () => {
    const started = startCredentials(users(3), {}, undefined, { concurrency: 2 });
    const credentials = await started.finish(async () => TEST_OUTBOX_RECIPIENT);
    expect(credentials.map((c) => c.userPrincipalName)).toEqual(users(3).map((u) => u.userPrincipalName));
    for (const c of credentials) {
      expect(await verifyPassword(c.temporaryPassword, c.stored.passwordHash)).toBe(true);
      expect(await openSealed([TEST_OUTBOX_IDENTITY], c.sealed!.value)).toBe(c.temporaryPassword);
    }
    // Abandoning after the end changes nothing and does not throw.
    await started.abandon();
  });

  it('a missing variable throws from startCredentials itself, before any hash starts', () => {
    const { seen, hash } = counting();
    expect(() => startCredentials([create('env@contoso.com', 'NEW_HIRE_PASSWORD')], {}, undefined, { hash })).toThrow('NEW_HIRE_PASSWORD');
    expect(seen.started).toBe(0);
  });
});
