// A writer (sql/roles.sql's role, the one CI's apply uses) recorded a copy of
// a merged pull request's apply (its changes, hashes, commit and digest),
// marked its transaction with it, and in one UPDATE made the change the plan
// asks for (megan's job title) and replaced her password hash: history listed
// the job title alone, drift and plan found nothing, and the pipeline's own
// `apply --plan` said the plan was applied already. apply_writes (0024) named
// the table and operation only, and a `users update` of a user the record
// names passes for apply's stamp. Migration 0030 records which users'
// password columns an apply's update changed; history names each one no
// recorded change explains, with the column and never its value.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { planDigest, type PlanDocument } from '../../src/plan/plan-document.js';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { onConnection, readerAndWriter } from '../support/login-roles.js';
import { describePostgres } from '../support/postgres.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const historySchema = JSON.parse(fs.readFileSync(new URL('../../schemas/history.schema.json', import.meta.url), 'utf8')) as object;
const validateHistory = addFormats(new Ajv2020({ strict: true, allowUnionTypes: true })).compile(historySchema);

const MEGAN = 'megan.bowen@contoso.com';
/** A hash the attacker made of a password they know: never to be printed. */
const KNOWN_HASH = 'scrypt$16384$8$1$YXR0YWNrZXItc2FsdA$attacker-known-password-hash-0123456789abcdef';

type Apply = { id: number; planHash: string; changes: { kind: string }[]; unexplainedCredentialWrites?: unknown; unlistedWrites?: unknown };

describePostgres('a password replaced under a copy of a merged plan\'s apply, by the writer role', { timeout: 180_000 }, () => {
  it('is named in history (text, json, --user) by user and column, never its value', async () => {
    const owner = await contosoPostgres('applied', 'credential_forged');
    const { reader, writer, writerRole } = await readerAndWriter(owner);
    const config = copyContoso();
    const users = path.join(config, 'users.yaml');
    fs.writeFileSync(users, fs.readFileSync(users, 'utf8').replace('jobTitle: IT Director', 'jobTitle: Chief Information Officer'));
    const planFile = path.join(tempDir('tenantctl-credential-forged-'), 'plan.json');
    const planned = await runCli(['plan', '-c', config, '--out', planFile], { env: { TENANTCTL_DATABASE_URL: reader } });
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(fs.readFileSync(planFile, 'utf8')) as PlanDocument;
    expect(plan.changes.map((c) => [c.kind, c.userPrincipalName])).toEqual([['user.update', MEGAN]]);

    // As the writer in psql: the merged plan's apply recorded by hand, and one UPDATE that does what it asks and more.
    await onConnection(writer, async (client) => {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO tenantctl.applies (actor, host, git_commit, config_hash, plan_hash, tool_version, summary, changes, settings, approvals, plan_digest)
         VALUES ('alice', 'ci-runner', $1, $2, $3, '1.0.0', $4::jsonb, $5::json, $6::jsonb, '{"confirmation":"flag"}', $7) RETURNING id`,
        [plan.gitCommit ?? null, plan.configHash, plan.planHash, JSON.stringify(plan.summary), JSON.stringify(plan.changes), JSON.stringify(plan.settings), planDigest(plan)],
      );
      await client.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [rows[0]?.id]);
      await client.query(`UPDATE tenantctl.users SET job_title = 'Chief Information Officer', password_hash = $2 WHERE user_principal_name = $1`, [MEGAN, KNOWN_HASH]);
      await client.query('COMMIT');
    });
    // What the attack hides behind: the pipeline's own apply finds its plan applied.
    const pipeline = await runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve'], { env: { TENANTCTL_DATABASE_URL: writer } });
    expect(pipeline.code, pipeline.stderr).toBe(0);
    expect(pipeline.stderr + pipeline.stdout).toMatch(/was applied already, as apply #\d+ .* by alice/);

    const history = async (...args: string[]) => {
      const run = await runCli(['history', ...args], { env: { TENANTCTL_DATABASE_URL: reader } });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout + run.stderr).not.toContain(KNOWN_HASH);
      expect(run.stdout + run.stderr).not.toContain('attacker-known');
      return run.stdout;
    };
    const document = JSON.parse(await history('--format', 'json')) as { formatVersion: string; applies: Apply[] };
    expect(validateHistory(document), JSON.stringify(validateHistory.errors)).toBe(true);
    expect(document.formatVersion).toBe('1.7');
    const forged = document.applies[0];
    expect(forged).toMatchObject({ planHash: plan.planHash, unexplainedCredentialWrites: [{ userPrincipalName: MEGAN, columns: ['password_hash'], namedBy: ['user.update'] }] });
    // The job title is the change the record names; the stamp-like update hid the rest until now.
    expect(forged?.unlistedWrites).toBeUndefined();
    expect(document.applies.slice(1).filter((a) => a.unexplainedCredentialWrites !== undefined)).toEqual([]);

    const warning =
      `  ! the database recorded this apply changing the password columns of 1 user (named below, never their values) though no recorded change of that user creates it, resets its password or sets its passwordPolicies: its record is not all it did; ask the database role above\n` +
      `      ! ${MEGAN}: password_hash changed (its recorded changes of the user: user.update)\n`;
    const text = await history('--limit', '1');
    expect(text).toContain(warning);
    expect(text).toContain(`database role ${writerRole}`);
    expect(await history('--user', MEGAN)).toContain(warning);
    const ofMegan = JSON.parse(await history('--user', MEGAN, '--format', 'json')) as { applies: Apply[] };
    expect(ofMegan.applies[0]).toMatchObject({ unexplainedCredentialWrites: [{ userPrincipalName: MEGAN, columns: ['password_hash'] }] });
    // Another user's history does not carry megan's.
    const ofAlex = JSON.parse(await history('--user', 'alex.wilber@contoso.com', '--format', 'json')) as { applies: Apply[] };
    expect(ofAlex.applies.filter((a) => a.unexplainedCredentialWrites !== undefined)).toEqual([]);

    // The forced change switched off and the expiry moved, for a user no recorded change names.
    await onConnection(writer, async (client) => {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('alice', 'ci-runner', 'sha256:0', '1.0.0', '{}', '[]') RETURNING id`,
      );
      await client.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [rows[0]?.id]);
      await client.query(
        `UPDATE tenantctl.users SET force_change_password = NOT force_change_password, password_expires_at = now() + interval '10 years', password_policies = 'DisablePasswordExpiration'
          WHERE user_principal_name = 'alex.wilber@contoso.com'`,
      );
      await client.query('COMMIT');
    });
    expect(await history('--limit', '1')).toContain(
      '      ! alex.wilber@contoso.com: force_change_password, password_expires_at, password_policies changed (no recorded change names the user)\n',
    );
  });
});
