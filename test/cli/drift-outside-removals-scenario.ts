// drift names who took a declared user out of tenantctl's hands outside it,
// from other_writes (migration 0016): a row deleted by SQL (user.missing) or
// `managed` set to false (user.unadopted), in every format, on the embedded
// database and on PostgreSQL with the least-privilege roles of sql/roles.sql
// (the writer writes, the reader runs drift). Only the latest write counts,
// and only when no apply took up the account or the UPN since. What does
// not count: a row tenantctl did not manage, or had in the recycle bin; what
// does: an account followed by its id through a rename, and a managed
// account replaced by a new row under its UPN.
//
// The scenario is here, each engine's run in a file of its own
// (drift-outside-removals-embedded/-postgres.test.ts): its cases build on one
// another, so a file runs them one after the other, and with both engines in
// one file (43 s alone) one core ran them in turn, where two files run side by side.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir, type CliResult } from '../support/cli.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'drift.schema.json'), 'utf8')) as object);

export const CONFIG = ['-c', 'examples/contoso'];
/** A copy of the contoso example with users.yaml edited. */
function contosoWith(edit: (usersYaml: string) => string): string[] {
  const dir = tempDir('tenantctl-drift-removals-config-');
  for (const file of fs.readdirSync(path.join(ROOT, 'examples', 'contoso'))) {
    const text = fs.readFileSync(path.join(ROOT, 'examples', 'contoso', file), 'utf8');
    fs.writeFileSync(path.join(dir, file), file === 'users.yaml' ? edit(text) : text);
  }
  return ['-c', dir];
}
const edited = (text: string, from: string, to: string) => {
  expect(text).toContain(from);
  return text.replace(from, to);
};
/** Without sanne: apply deletes her (the recycle bin). */
const WITHOUT_SANNE = () =>
  contosoWith((text) => text.replace(/  - userPrincipalName: sanne\.visser@contoso\.com\n(?:    .*\n|      .*\n)*\n/, ''));
/** Lotte renamed l.smit in git. */
const LOTTE_RENAMED = () =>
  contosoWith((text) => edited(text, '  - userPrincipalName: lotte.smit@contoso.com\n', '  - userPrincipalName: l.smit@contoso.com\n    renamedFrom: lotte.smit@contoso.com\n'));
const DELETED = 'isabella.janssen@contoso.com';
const RELEASED = 'emma.dekker@contoso.com';
export const APPROVE = ['--auto-approve', '--approve-privileged', '--approve-purchases', '--approve-deletions'];

/** Deleted by SQL under its UPN in another case: drift matches it case-insensitively. */
const DELETE_BY_SQL = `UPDATE tenantctl.users SET user_principal_name = 'Isabella.Janssen@contoso.com' WHERE user_principal_name = '${DELETED}';
  DELETE FROM tenantctl.users WHERE lower(user_principal_name) = '${DELETED}'`;
const RELEASE_BY_SQL = `UPDATE tenantctl.users SET managed = false WHERE user_principal_name = '${RELEASED}'`;
/** As the owner, with the trigger of 0016 switched off: a delete other_writes never sees (README: not evidence against the owner). */
const DELETE_UNRECORDED = `ALTER TABLE tenantctl.users DISABLE TRIGGER users_log_other_write;
  DELETE FROM tenantctl.users WHERE user_principal_name = '${DELETED}';
  ALTER TABLE tenantctl.users ENABLE TRIGGER users_log_other_write`;

interface OutsideWrite {
  readonly databaseRole: string;
  readonly at: string;
}
interface Finding {
  readonly kind: string;
  readonly severity: string;
  readonly userPrincipalName: string;
  readonly userId?: string | null;
  readonly outsideWrite?: OutsideWrite | null;
  readonly replacedUserId?: string | null;
}

/**
 * How one engine runs the scenario: drift and apply through the CLI, SQL as
 * the writer or the owner. Each of `asWriter`'s texts is run on its own, one
 * after the other (a transaction each, as psql would run them), in one session
 * where the engine can: the embedded database's start is its cost.
 */
export interface Tenant {
  readonly writer: string;
  drift(format: string, config?: readonly string[]): Promise<CliResult>;
  apply(config?: readonly string[]): Promise<CliResult>;
  asWriter(...sql: readonly string[]): Promise<void>;
  asOwner(sql: string): Promise<void>;
}

async function findings(tenant: Tenant, upns: readonly string[] = [DELETED, RELEASED], config = CONFIG): Promise<Finding[]> {
  const run = await tenant.drift('json', config);
  expect(run.code, run.stderr).toBe(2);
  const document = JSON.parse(run.stdout) as { findings: Finding[] };
  expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
  return document.findings.filter((f) => upns.includes(f.userPrincipalName));
}

async function applied(tenant: Tenant, config = CONFIG): Promise<void> {
  const run = await tenant.apply(config);
  expect(run.code, run.stderr + run.stdout).toBe(0);
}

export function scenario(name: string, open: () => Promise<Tenant>, describeIt = describe) {
  describeIt(`drift attributes users removed outside tenantctl (${name})`, { timeout: 120_000 }, () => {
    let tenant: Tenant;
    let firstDelete: OutsideWrite;

    beforeAll(async () => {
      tenant = await open();
    });

    it('a row deleted and an account released by SQL name the writer and the time, and are high', async () => {
      await tenant.asWriter(DELETE_BY_SQL, RELEASE_BY_SQL);
      const [missing, unadopted] = await findings(tenant);
      expect(missing).toMatchObject({ kind: 'user.missing', severity: 'high', userPrincipalName: DELETED, outsideWrite: { databaseRole: tenant.writer } });
      expect(unadopted).toMatchObject({ kind: 'user.unadopted', severity: 'high', userPrincipalName: RELEASED, outsideWrite: { databaseRole: tenant.writer } });
      firstDelete = missing!.outsideWrite!;
      expect(firstDelete.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Object.keys(firstDelete).sort()).toEqual(['at', 'databaseRole']);

      const text = (await tenant.drift('text')).stdout;
      expect(text).toContain(`${DELETED} [high, deleted outside tenantctl by database role ${tenant.writer} at ${firstDelete.at}]`);
      expect(text).toContain(`${RELEASED} [high, released from tenantctl outside it (managed set to false) by database role ${tenant.writer} at ${unadopted!.outsideWrite!.at}]`);
      const markdown = (await tenant.drift('markdown')).stdout;
      expect(markdown).toContain(`deleted outside tenantctl by database role \`${tenant.writer}\` at \`${firstDelete.at}\``);
      expect(markdown).toContain(`released from tenantctl outside it (managed set to false) by database role \`${tenant.writer}\``);
      const html = (await tenant.drift('html')).stdout;
      expect(html).toContain(`deleted outside tenantctl by database role <code>${tenant.writer}</code>`);
      expect(html).toContain(`(managed set to false) by database role <code>${tenant.writer}</code>`);
    });

    it('a delete before the apply that created the user again says nothing about a later, unrecorded one', async () => {
      const applied = await tenant.apply();
      expect(applied.code, applied.stderr).toBe(0);
      await tenant.asOwner(DELETE_UNRECORDED);
      const found = await findings(tenant);
      expect(found).toEqual([{ kind: 'user.missing', severity: 'medium', userPrincipalName: DELETED, userId: null, inDeletedUsers: false, outsideWrite: null }]);
      expect((await tenant.drift('text')).stdout).toContain(`${DELETED} [medium]\n      declared, but the tenant has no such user; apply creates it`);
    });

    it('deleted again by SQL after the apply that created it: the latest write is named', async () => {
      const applied = await tenant.apply();
      expect(applied.code, applied.stderr).toBe(0);
      await tenant.asWriter(DELETE_BY_SQL);
      const [missing, ...rest] = await findings(tenant);
      expect(rest).toEqual([]);
      expect(missing).toMatchObject({ kind: 'user.missing', severity: 'high', outsideWrite: { databaseRole: tenant.writer } });
      expect(missing!.outsideWrite!.at > firstDelete.at).toBe(true);
    });

    it('a row in the recycle bin, or never managed, deleted by SQL is not pinned on its writer', async () => {
      const SANNE = 'sanne.visser@contoso.com';
      // Deleted by tenantctl (the recycle bin), then purged by SQL: housekeeping, not a loss outside git.
      await applied(tenant, WITHOUT_SANNE());
      await tenant.asWriter(`DELETE FROM tenantctl.users WHERE user_principal_name = '${SANNE}'`);
      expect(await findings(tenant, [SANNE])).toEqual([
        { kind: 'user.missing', severity: 'medium', userPrincipalName: SANNE, userId: null, inDeletedUsers: false, outsideWrite: null },
      ]);
      // A row nobody managed, written in and deleted by SQL: tenantctl lost nothing either.
      await tenant.asWriter(`INSERT INTO tenantctl.users (user_principal_name, display_name, mail_nickname) VALUES ('${SANNE}', 'Sanne Visser', 'sanne.visser');
        DELETE FROM tenantctl.users WHERE user_principal_name = '${SANNE}'`);
      expect(await findings(tenant, [SANNE])).toEqual([
        { kind: 'user.missing', severity: 'medium', userPrincipalName: SANNE, userId: null, inDeletedUsers: false, outsideWrite: null },
      ]);
    });

    it('an account renamed by SQL and then deleted is followed by its id', async () => {
      const LUCAS = 'lucas.vandam@contoso.com';
      await applied(tenant);
      await tenant.asWriter(`UPDATE tenantctl.users SET user_principal_name = 'lucas.moved@contoso.com' WHERE user_principal_name = '${LUCAS}';
        DELETE FROM tenantctl.users WHERE user_principal_name = 'lucas.moved@contoso.com'`);
      const [missing, ...rest] = await findings(tenant, [LUCAS]);
      expect(rest).toEqual([]);
      expect(missing).toMatchObject({ kind: 'user.missing', severity: 'high', outsideWrite: { databaseRole: tenant.writer } });
    });

    it('a managed account deleted and a new row inserted under its UPN by SQL is a replacement, not an account waiting to be adopted', async () => {
      const NOAH = 'noah.hendriks@contoso.com';
      await applied(tenant);
      await tenant.asWriter(`DELETE FROM tenantctl.users WHERE user_principal_name = '${NOAH}';
        INSERT INTO tenantctl.users (user_principal_name, display_name, mail_nickname, account_enabled) VALUES ('${NOAH}', 'Noah Hendriks', 'noah.hendriks', false)`);
      const [unadopted, ...rest] = await findings(tenant, [NOAH]);
      expect(rest).toEqual([]);
      expect(unadopted).toMatchObject({ kind: 'user.unadopted', severity: 'high', outsideWrite: { databaseRole: tenant.writer } });
      expect(unadopted!.replacedUserId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(unadopted!.replacedUserId).not.toBe(unadopted!.userId);
      const text = (await tenant.drift('text')).stdout;
      expect(text).toContain(`${NOAH} [high, managed account deleted outside tenantctl by database role ${tenant.writer} at ${unadopted!.outsideWrite!.at}]`);
      expect(text).toContain('replaced outside tenantctl: deleted, and this account created in its place; apply would adopt the new account');

      // The same with a row that was already there under another UPN, renamed into the place of the account deleted.
      await applied(tenant);
      await tenant.asWriter(
        `INSERT INTO tenantctl.users (user_principal_name, display_name, mail_nickname) VALUES ('noah.spare@contoso.com', 'Noah Spare', 'noah.spare')`,
        `DELETE FROM tenantctl.users WHERE user_principal_name = '${NOAH}';
        UPDATE tenantctl.users SET user_principal_name = '${NOAH}' WHERE user_principal_name = 'noah.spare@contoso.com'`,
      );
      const [renamedIn] = await findings(tenant, [NOAH]);
      expect(renamedIn).toMatchObject({ kind: 'user.unadopted', severity: 'high', replacedUserId: unadopted!.userId, outsideWrite: { databaseRole: tenant.writer } });
    });

    it('a release undone by an apply that adopted the account under its new UPN is not blamed for a later, unrecorded one', async () => {
      const LOTTE = 'lotte.smit@contoso.com';
      const RENAMED = 'l.smit@contoso.com';
      const renamed = LOTTE_RENAMED();
      await applied(tenant);
      await tenant.asWriter(
        `UPDATE tenantctl.users SET managed = false WHERE user_principal_name = '${LOTTE}'`,
        `UPDATE tenantctl.users SET user_principal_name = '${RENAMED}' WHERE user_principal_name = '${LOTTE}'`,
      );
      // The configuration follows the rename; apply adopts the account again.
      await applied(tenant, renamed);
      await tenant.asOwner(`ALTER TABLE tenantctl.users DISABLE TRIGGER USER;
        UPDATE tenantctl.users SET managed = false WHERE user_principal_name = '${RENAMED}';
        ALTER TABLE tenantctl.users ENABLE TRIGGER USER`);
      const found = await findings(tenant, [RENAMED], renamed);
      expect(found).toMatchObject([{ kind: 'user.unadopted', severity: 'low', userPrincipalName: RENAMED, outsideWrite: null, replacedUserId: null }]);
    });

    // The writer may append an apply row of any changes (helper-73): one that is not a list of objects is no change, not a failed drift.
    it('an apply row whose changes are not a list of objects, naming the user, leaves the attribution as it was', async () => {
      await applied(tenant);
      await tenant.asWriter(DELETE_BY_SQL);
      const before = await findings(tenant, [DELETED]);
      expect(before).toMatchObject([{ kind: 'user.missing', severity: 'high', outsideWrite: { databaseRole: tenant.writer } }]);
      const changes = [`["${DELETED}"]`, `{"userPrincipalName": "${DELETED}"}`, `[{"kind": "user.update", "userPrincipalName": "${DELETED}"}, 7, "${DELETED}", null, [1]]`, `"${DELETED}"`];
      await tenant.asWriter(...changes.map((list) => `INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('x', 'x', 'x', 'x', '{}', '${list}')`));
      expect(await findings(tenant, [DELETED])).toEqual(before);
    });

    it('the account a pending rename in git is for, deleted by SQL before the rename is applied, names the delete', async () => {
      const FENNA = 'fenna.deboer@contoso.com';
      const RENAMED = 'fenna.mulder@contoso.com';
      const renamed = contosoWith((text) => edited(text, `  - userPrincipalName: ${FENNA}\n`, `  - userPrincipalName: ${RENAMED}\n    renamedFrom: ${FENNA}\n`));
      await applied(tenant);
      await tenant.asWriter(`DELETE FROM tenantctl.users WHERE user_principal_name = '${FENNA}'`);
      const [missing, ...rest] = await findings(tenant, [RENAMED, FENNA], renamed);
      expect(rest).toEqual([]);
      expect(missing).toMatchObject({ kind: 'user.missing', severity: 'high', userPrincipalName: RENAMED, outsideWrite: { databaseRole: tenant.writer } });
    });
  });
}
