// What apply itself writes to the password columns (migration 0030 records
// it): a creation, a password reset, passwordPolicies set and cleared. None
// of it may read as a password changed beyond the apply's record, on either
// engine; on PostgreSQL the applies run as sql/roles.sql's writer, as CI's.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolder, contosoPostgres } from '../support/contoso-database.js';
import { ENGINES } from '../support/engines.js';
import { onConnection, readerAndWriter } from '../support/login-roles.js';

const APPROVE_ALL = ['--auto-approve', '--approve-purchases', '--approve-privileged', '--approve-deletions'];

type Apply = { id: number; changes: { kind: string; attributes?: { attribute: string }[] }[]; unexplainedCredentialWrites?: unknown };

describe.each(ENGINES)('apply\'s own password writes on the $name database', { timeout: 180_000 }, (engine) => {
  it.skipIf(engine.skip)('are explained by the changes it records: create, reset, passwordPolicies set and cleared', async () => {
    let database: string;
    let owner: string | null = null;
    if (engine.name === 'embedded') database = contosoFolder('applied', path.join(tempDir('tenantctl-credential-legit-'), 'db'));
    else {
      owner = await contosoPostgres('applied', 'credential_legitimate');
      database = (await readerAndWriter(owner)).writer;
    }
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    const edit = (from: string, to: string) => {
      const text = fs.readFileSync(users, 'utf8');
      if (!text.includes(from)) throw new Error(`not in users.yaml: ${from}`);
      fs.writeFileSync(users, text.replace(from, to));
    };
    const apply = async () => {
      const run = await runCli(['apply', '-c', config, ...APPROVE_ALL, '--database', database]);
      expect(run.code, run.stderr).toBe(0);
    };
    // A creation, a reset of megan (a Global administrator), and alex's passwords set never to expire.
    edit('users:\n', 'users:\n  - userPrincipalName: new.hire@contoso.com\n    displayName: New Hire\n    notify: [it-desk@contoso.com]\n\n');
    edit('    notify: [megan.bowen@example.org]', '    notify: [megan.bowen@example.org]\n    password:\n      reset: first-reset');
    edit('    roles: [Global administrator, Exchange administrator]\n', '    roles: [Global administrator, Exchange administrator]\n    passwordPolicies: DisablePasswordExpiration\n');
    await apply();
    // A second reset, and alex's policy cleared, with a job title in the same update.
    edit('reset: first-reset', 'reset: second-reset');
    edit('    passwordPolicies: DisablePasswordExpiration\n    licenses:\n      - ENTERPRISEPACK', '    licenses:\n      - ENTERPRISEPACK');
    edit('jobTitle: Systems Engineer', 'jobTitle: Principal Engineer');
    await apply();
    // The break-glass account's policy cleared and set again.
    edit('    passwordPolicies: DisablePasswordExpiration\n    notify: [security@contoso.com]', '    notify: [security@contoso.com]');
    await apply();
    edit('    notify: [security@contoso.com]', '    passwordPolicies: DisablePasswordExpiration\n    notify: [security@contoso.com]');
    await apply();

    const run = await runCli(['history', '--format', 'json', '--limit', '4', '--database', database]);
    expect(run.code, run.stderr).toBe(0);
    const applies = (JSON.parse(run.stdout) as { applies: Apply[] }).applies;
    const kinds = applies.flatMap((a) => a.changes.map((c) => (c.kind === 'user.update' ? `${c.kind} ${c.attributes?.map((x) => x.attribute).join(',')}` : c.kind)));
    expect(kinds).toEqual(expect.arrayContaining(['user.create', 'user.password-reset', 'user.update passwordPolicies', 'user.update jobTitle,passwordPolicies']));
    expect(applies.filter((a) => a.unexplainedCredentialWrites !== undefined)).toEqual([]);
    expect((await runCli(['history', '--limit', '4', '--database', database])).stdout).not.toContain('password columns');
    // The database did record those writes: it is the record that explains them.
    if (owner !== null) {
      const recorded = await onConnection(owner, (client) =>
        client.query<{ n: string }>(`SELECT count(*)::text AS n FROM tenantctl.apply_writes WHERE credential_writes IS NOT NULL AND apply_id = ANY($1::bigint[])`, [applies.map((a) => a.id)]),
      );
      expect(Number(recorded.rows[0]?.n)).toBeGreaterThanOrEqual(4);
    }
  });
});
