// One transaction outside tenantctl may write hundreds of thousands of rows (a
// bulk import by another tool) or rows of megabytes (a business phone has no
// bound). history built all of one such transaction's rows as one JSON value
// in the database: past a few hundred megabytes the embedded database ran out
// of memory (400,000 user rows, or 160 rows of a 2.5 MB phone) and history
// failed on every run, so the trail could no longer be read (helper-119). It
// now reads such an entry in parts of a bounded size.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUIET, runCli, tempDir } from '../support/cli.js';
import { contosoFolderWritten } from '../support/contoso-database.js';

const USERS = 160;
const PHONE = 2_500_000;

describe('history of one outside transaction of hundreds of megabytes', { timeout: 300_000 }, () => {
  it('is read and shown, each value cut, instead of failing', async () => {
    const database = await contosoFolderWritten('applied', path.join(tempDir('tenantctl-history-large-'), 'db'), `INSERT INTO tenantctl.users (user_principal_name, display_name, mail_nickname, business_phones)
        SELECT 'bulk' || g || '@contoso.com', 'Bulk ' || g, 'bulk' || g, ARRAY[g || repeat('9', ${PHONE})] FROM generate_series(1, ${USERS}) g`);
    const history = await runCli(['history', '--limit', '1'], { env: { ...QUIET, TENANTCTL_DATABASE_URL: database } });
    expect(history.stderr).toBe('');
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/^outside tenantctl .* by database role \S+ — changed 160 users\n/);
    expect(history.stdout.match(/^ {2}\+ bulk\d+@contoso\.com \(created\)$/gm)).toHaveLength(USERS);
    expect(history.stdout).toMatch(/^ {6}\+ businessPhones: \["160999+ … \(2,48\d,\d{3} characters left out\) … 9+"\]$/m);
  });
});
