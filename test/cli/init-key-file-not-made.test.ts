// `init --outbox-key NEW_FILE` on a database that has a key already made no
// file and exited 0 (a note said the key was "not at" that file): an
// administrator who asked for a key file believed she had one. Refused now,
// before init migrates, saying where the key is and how to replace it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { TEST_OUTBOX_KEY_FILE, TEST_OUTBOX_RECIPIENT } from '../support/outbox-key.js';

const root = tempDir('tenantctl-init-key-file-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

it('a key file named for a database that has a key is refused, exit 1, no file made, nothing changed', async () => {
  const db = contosoFolder('applied', path.join(root, 'db'));
  const config = path.join(root, 'config');
  const usual = path.join(config, 'tenantctl', 'outbox', `${TEST_OUTBOX_RECIPIENT}.key`);
  fs.mkdirSync(path.dirname(usual), { recursive: true, mode: 0o700 });
  fs.copyFileSync(TEST_OUTBOX_KEY_FILE, usual);
  const env = { XDG_CONFIG_HOME: config, TENANTCTL_OUTBOX_KEY: undefined };
  const history = () => runCli(['history', '--database', db, '--format', 'json'], { env, cwd: root });
  const before = await history();
  expect(before.code, before.stderr).toBe(0);

  const fresh = path.join(root, 'new.key');
  for (const [args, extra, named] of [
    [['init', '--database', db, '--outbox-key', fresh], {}, '--outbox-key'],
    [['init', '--database', db], { TENANTCTL_OUTBOX_KEY: fresh }, '$TENANTCTL_OUTBOX_KEY'],
  ] as const) {
    const run = await runCli(args, { env: { ...env, ...extra }, cwd: root });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `Error: the database already has an outbox key (credentials are sealed for ${TEST_OUTBOX_RECIPIENT}), so init creates no new key and did not create ${fresh}; nothing was changed. ` +
        `Its private key is ${usual}, where deliver finds it without ${named}; to replace the key, run \`tenantctl init --rotate-outbox-key\` with ${named} naming the current key's file, ` +
        `or, if that key is lost, \`tenantctl init --rotate-outbox-key --discard-lost-credentials\` with ${named} naming the new file\n`,
    );
    expect(fs.existsSync(fresh)).toBe(false);
  }
  const after = await history();
  expect(after.stdout).toBe(before.stdout);

  // The key's own file is still accepted.
  const kept = await runCli(['init', '--database', db, '--outbox-key', usual], { env, cwd: root });
  expect(kept.code, kept.stderr).toBe(0);
  expect(kept.stdout).toContain(`Outbox key: credentials are sealed for ${TEST_OUTBOX_RECIPIENT}; the private key is ${usual}`);
}, 120_000);
