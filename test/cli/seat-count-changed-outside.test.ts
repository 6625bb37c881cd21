// subscriptions.consumed is kept equal to the licence rows by migration 0005's
// triggers, and CHECK (consumed <= seats) guards purchases with it. The owner
// may still set it by hand. Too high, the plan bought nothing and apply failed
// on the CHECK, naming only the constraint; too low, the database let licences
// past the seats bought (helper-119). A plan that changes that subscription's
// licences is now refused, naming the count to correct; others go on.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';
import { databaseRows } from '../support/database-rows.js';

describe('a seat count changed outside tenantctl', { timeout: 120_000 }, () => {
  it('refuses a plan that changes that subscription\'s licences, saying what to correct, and plans the rest', async () => {
    // Not about the engine: on PostgreSQL when the test server runs, where a CLI run costs a third of the CPU.
    const database = await contosoDatabase('applied', 'seat_count_outside', path.join(tempDir('tenantctl-seat-count-'), 'db'));
    const setConsumed = (value: number) => databaseRows(database, `UPDATE tenantctl.subscriptions SET consumed = ${value} WHERE sku = 'STANDARDPACK'`);
    const config = copyContoso();
    fs.rmSync(path.join(config, 'catalog.yaml'));
    const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });
    const plain = copyContoso();
    fs.rmSync(path.join(plain, 'catalog.yaml'));
    fs.appendFileSync(path.join(config, 'users.yaml'), '  - userPrincipalName: new.one@contoso.com\n    displayName: New One\n    licenses: [STANDARDPACK]\n');

    for (const consumed of [3, 0]) {
      await setConsumed(consumed);
      const refused = await cli(['apply', '-c', config, '--auto-approve', '--approve-purchases']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        new RegExp(`users\\.yaml:\\d+:\\d+: PLAN_REFUSED: the database counts ${consumed} seat\\(s\\) of STANDARDPACK consumed, but 2 licence\\(s\\) of it are assigned: its count was changed outside tenantctl, .*\\(UPDATE tenantctl\\.subscriptions SET consumed = 2 WHERE sku = 'STANDARDPACK'\\)`),
      );
      expect(refused.stdout).not.toContain('Apply #');
      const unchanged = await cli(['plan', '-c', plain, '--detailed-exitcode']);
      expect(unchanged.code, unchanged.stderr).toBe(0);
    }
    await setConsumed(2);
    const applied = await cli(['apply', '-c', config, '--auto-approve', '--approve-purchases']);
    expect(applied.code, applied.stderr).toBe(0);
  });
});
