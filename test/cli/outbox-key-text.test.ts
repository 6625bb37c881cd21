// TENANTCTL_OUTBOX_KEY names the key's file; a job that put the secret's text
// in it instead (the key as it is) was told there is no file named that text:
// the private key, quoted in full on stderr, in the job's log.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { TEST_OUTBOX_IDENTITY, TEST_OUTBOX_RECIPIENT } from '../support/outbox-key.js';

const root = tempDir('tenantctl-outbox-key-text-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

it('a key given where its file\'s name belongs is refused without being shown, by deliver and by init', async () => {
  const db = contosoFolder('applied', path.join(root, 'db'));
  const pickup = path.join(root, 'pickup');
  fs.mkdirSync(pickup, { mode: 0o700 });
  const text = `# public key: ${TEST_OUTBOX_RECIPIENT}\n${TEST_OUTBOX_IDENTITY}\n`;
  const secret = TEST_OUTBOX_IDENTITY.slice('AGE-SECRET-KEY-1'.length);
  for (const [args, env, named] of [
    [['deliver', '--database', db, '--pickup', pickup], { TENANTCTL_OUTBOX_KEY: text }, '$TENANTCTL_OUTBOX_KEY'],
    [['deliver', '--database', db, '--pickup', pickup, '--outbox-key', TEST_OUTBOX_IDENTITY], {}, '--outbox-key'],
    [['init', '--database', db, '--rotate-outbox-key'], { TENANTCTL_OUTBOX_KEY: TEST_OUTBOX_IDENTITY }, '$TENANTCTL_OUTBOX_KEY'],
  ] as const) {
    const run = await runCli(args, { env, cwd: root });
    expect(run.code, run.stderr).toBe(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
    expect(run.stderr).toBe(`Error: ${named} holds a key (not shown), not the name of a file: write the key to a file only you may read and name that file\n`);
  }
  expect(fs.readdirSync(pickup)).toEqual([]);
});
