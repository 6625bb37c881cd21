// Sealing temporary passwords for the outbox key: the X25519 stanza made with
// node:crypto must be what age itself makes, so the age library and the
// standard `age` tool open it; other kinds of recipient go through the library.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAge } from '../../src/outbox/on-demand-libraries.js';
import { openSealed, sealSecret, sealerFor } from '../../src/outbox/seal.js';
import { tempDir } from '../support/cli.js';
import { TEST_OUTBOX_IDENTITY, TEST_OUTBOX_KEY_FILE, TEST_OUTBOX_RECIPIENT } from '../support/outbox-key.js';

const ageInstalled = spawnSync('age', ['--version']).status === 0;
// CI installs age (.ci/run); only a developer's machine without it may skip.
const itWithAge = it.skipIf(!ageInstalled && process.env.CI !== 'true');

const ARMOR = /^-----BEGIN AGE ENCRYPTED FILE-----\n[A-Za-z0-9+/=\n]+-----END AGE ENCRYPTED FILE-----\n$/;

describe('sealing for the outbox key', () => {
  it('seals what the age library opens with the key, and only with it', async () => {
    const seal = await sealerFor(TEST_OUTBOX_RECIPIENT);
    const sealed = await seal('Temp-Pass-1aB#');
    expect(sealed).toMatch(ARMOR);
    expect(sealed).not.toContain('Temp-Pass');
    expect(await openSealed([TEST_OUTBOX_IDENTITY], sealed)).toBe('Temp-Pass-1aB#');
    const { generateX25519Identity } = await loadAge();
    await expect(openSealed([await generateX25519Identity()], sealed)).rejects.toThrow();
  });

  itWithAge('seals what the standard age tool opens', async () => {
    const sealed = await sealSecret(TEST_OUTBOX_RECIPIENT, 'Zq7#unusual-16ch');
    const opened = execFileSync('age', ['--decrypt', '--identity', TEST_OUTBOX_KEY_FILE], { input: sealed, encoding: 'utf8' });
    expect(opened).toBe('Zq7#unusual-16ch');
  });

  it('opens with a fresh key pair made by the library, and each seal is different', async () => {
    const { generateX25519Identity, identityToRecipient } = await loadAge();
    const identity = await generateX25519Identity();
    const seal = await sealerFor(await identityToRecipient(identity));
    const sealed = await Promise.all(Array.from({ length: 20 }, () => seal('Same-Pass-9xY!')));
    expect(new Set(sealed).size).toBe(20);
    for (const s of sealed) expect(await openSealed([identity], s)).toBe('Same-Pass-9xY!');
  });

  it('seals for a post-quantum recipient through the library', async () => {
    const { generateHybridIdentity, identityToRecipient } = await loadAge();
    const identity = await generateHybridIdentity();
    const sealed = await sealSecret(await identityToRecipient(identity), 'Hybrid-Pass-2cD');
    expect(await openSealed([identity], sealed)).toBe('Hybrid-Pass-2cD');
  });

  it('refuses a malformed recipient', async () => {
    const broken = `${TEST_OUTBOX_RECIPIENT.slice(0, -1)}${TEST_OUTBOX_RECIPIENT.endsWith('q') ? 'p' : 'q'}`;
    await expect(sealerFor(broken).then((seal) => seal('Temp-Pass-1aB#'))).rejects.toThrow();
  });

  itWithAge('a key pair made by age-keygen opens what is sealed for its public key', async () => {
    const dir = tempDir('tenantctl-seal-');
    try {
      const keyFile = path.join(dir, 'key.txt');
      execFileSync('age-keygen', ['-o', keyFile], { stdio: 'ignore' });
      const recipient = /^# public key: (age1[0-9a-z]+)$/m.exec(fs.readFileSync(keyFile, 'utf8'))![1]!;
      const sealed = await sealSecret(recipient, 'Keygen-Pass-3eF');
      expect(execFileSync('age', ['--decrypt', '--identity', keyFile], { input: sealed, encoding: 'utf8' })).toBe('Keygen-Pass-3eF');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
