// `deliver --pickup DIR` makes the pickup folder (0700) before it opens the
// database, so a deliver refused there (no database at that path, no outbox key)
// left the new, empty folder and its parents behind. They go again now; a
// folder that was there, and one deliver wrote messages into, stay.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { TEST_OUTBOX_KEY_FILE } from '../support/outbox-key.js';

const dir = tempDir('tenantctl-deliver-refused-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('deliver --pickup refused leaves no folder it made', { timeout: 120_000 }, () => {
  it('no database at the path: refused, and the folders made for the pickup folder are gone', async () => {
    const pickup = path.join(dir, 'spool', 'tenantctl', 'pickup');
    const nowhere = path.join(dir, 'no database');
    const refused = await runCli(['deliver', '--pickup', pickup, '--database', nowhere]);
    expect(refused).toMatchObject({ code: 1, stderr: `Error: there is no database at ${nowhere}: run \`tenantctl init --catalog FILE\` first\n` });
    expect(fs.existsSync(path.join(dir, 'spool'))).toBe(false);
  });

  it('no outbox key: refused, the new folder gone, a folder that was there kept', async () => {
    const database = contosoFolder('applied', path.join(dir, 'db'));
    const key = path.join(dir, 'missing.key');
    const pickup = path.join(dir, 'new pickup');
    const refused = await runCli(['deliver', '--pickup', pickup, '--database', database, '--outbox-key', key]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`there is no file ${key}`);
    expect(fs.existsSync(pickup)).toBe(false);

    const existing = path.join(dir, 'existing pickup');
    fs.mkdirSync(existing, { mode: 0o700 });
    expect((await runCli(['deliver', '--pickup', existing, '--database', database, '--outbox-key', key])).code).toBe(1);
    expect(fs.readdirSync(existing)).toEqual([]);

    // Delivered, the folder it made stays with its messages.
    const delivered = await runCli(['deliver', '--pickup', pickup, '--database', database, '--outbox-key', TEST_OUTBOX_KEY_FILE]);
    expect(delivered.code, delivered.stderr).toBe(0);
    expect(fs.readdirSync(pickup).length).toBeGreaterThan(0);
  });
});
