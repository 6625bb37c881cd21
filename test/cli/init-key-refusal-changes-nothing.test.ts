// init refused for its outbox key (a key file holding another database's key,
// a rotation without the current key's file) refused only after it had
// migrated the schema and put back missing built-in roles: exit 1, which says
// nothing was changed, with a changed database. These refusals come first now.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '../../src/outbox/outbox-key.js';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolderWritten } from '../support/contoso-database.js';
import { TEST_OUTBOX_RECIPIENT } from '../support/outbox-key.js';

const EXCHANGE = '29232cdf-9323-42fd-ade2-1d097af3e4de';
const dir = tempDir('tenantctl-init-key-refused-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('init refused for its outbox key changes nothing', { timeout: 120_000 }, () => {
  it.each([
    ['a key file holding another key', false],
    ['a rotation without the current key, credentials queued', true],
  ])('%s: refused before the missing built-in role is put back', async (name, rotate) => {
    const database = await contosoFolderWritten('applied', path.join(dir, name), `
        DELETE FROM user_roles WHERE role_template_id = '${EXCHANGE}';
        DELETE FROM roles WHERE template_id = '${EXCHANGE}';`);
    const other = await generateIdentity();
    const keyFile = path.join(dir, `${name}.key`);
    fs.writeFileSync(keyFile, `${other.identity}\n`, { mode: 0o600 });
    const env = { TENANTCTL_DATABASE_URL: database, XDG_CONFIG_HOME: path.join(dir, 'no keys here') };
    const history = async () => (await runCli(['history', '--format', 'json'], { env })).stdout;
    const before = await history();

    const refused = await runCli(['init', '--outbox-key', keyFile, ...(rotate ? ['--rotate-outbox-key'] : [])], { env });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      rotate
        ? `Error: 13 queued credential(s) are sealed for the current outbox key ${TEST_OUTBOX_RECIPIENT}, which is not in ${keyFile}: ` +
            "pass --outbox-key with that key's file so they can be sealed again, or deliver them first; " +
            "if that key is lost, add --discard-lost-credentials to erase them and reset those users' passwords\n"
        : `Error: the key in ${keyFile} is not this database's outbox key: credentials are sealed for ${TEST_OUTBOX_RECIPIENT}, the file holds ${other.recipient}; ` +
            'pass the right file, or --rotate-outbox-key with the current key to replace it\n',
    );
    expect(await history()).toBe(before);
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(`${other.identity}\n`);
    // The role is still missing: the next init puts it back, as its own change.
    const init = await runCli(['init'], { env: { ...env, TENANTCTL_OUTBOX_KEY: undefined } });
    expect(init.stdout).toContain('Roles: restored 1 built-in admin role(s) missing from the database: Exchange administrator\n');
  });
});
