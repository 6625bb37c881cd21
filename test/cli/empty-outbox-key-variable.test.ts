// TENANTCTL_OUTBOX_KEY set but blank (a CI secret the job cannot read) was
// taken for unset: init made a new private key in the runner's home, where
// nobody keeps it, or for " " a key file named " " in the working directory.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

const root = tempDir('tenantctl-empty-outbox-key-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

it('an empty or blank TENANTCTL_OUTBOX_KEY is refused by init and deliver, and no key is made', { timeout: 60_000 }, async () => {
  const home = path.join(root, 'home');
  const work = path.join(root, 'work');
  fs.mkdirSync(home);
  fs.mkdirSync(work);
  const refusal = 'Error: $TENANTCTL_OUTBOX_KEY is set but empty (a CI secret this job cannot read?): set it to the outbox key\'s file, or unset it for the default under ~/.config/tenantctl/outbox\n';
  const applied = contosoFolder('applied', path.join(root, 'applied'));
  for (const value of ['', ' ']) {
    for (const args of [['init', '--database', path.join(root, 'db')], ['deliver', '--database', applied, '--pickup', path.join(root, 'pickup')]]) {
      const run = await runCli(args, { env: { TENANTCTL_OUTBOX_KEY: value, HOME: home, XDG_CONFIG_HOME: '' }, cwd: work });
      expect(run.code, run.stdout).toBe(1);
      expect(run.stderr).toBe(refusal);
    }
  }
  expect(fs.readdirSync(work)).toEqual([]);
  expect(fs.readdirSync(home)).toEqual([]);
  expect(fs.existsSync(path.join(root, 'db'))).toBe(false);
  // Refused, deliver removes the pickup folder it made (deliver-refused-pickup.test.ts).
  expect(fs.existsSync(path.join(root, 'pickup'))).toBe(false);
});
