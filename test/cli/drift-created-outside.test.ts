// drift names who created an account nobody manages outside tenantctl, from
// other_writes (migration 0016): a Global administrator inserted by SQL is a
// critical user.unmanaged finding, and its createdOutside (drift JSON 1.6)
// names the database role and the time, in every format, on the embedded
// database and on PostgreSQL with the least-privilege roles of sql/roles.sql
// (the writer inserts, the reader runs drift). Null, and nothing shown, for
// an account whose insert the database did not record (written before
// migration 0016, here with its trigger off) and for one tenantctl created.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, type CliResult } from '../support/cli.js';
import { contosoWithoutSanne } from '../support/contoso-config.js';
import { contosoFolder, contosoPostgres } from '../support/contoso-database.js';
import { databaseRows } from '../support/database-rows.js';
import { asLogin, readerAndWriter } from '../support/login-roles.js';
import { describePostgres } from '../support/postgres.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'drift.schema.json'), 'utf8')) as object);

const CONFIG = ['-c', 'examples/contoso'];
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const INTRUDER = 'intruder@contoso.com';
const LEGACY = 'legacy.admin@contoso.com';
const SANNE = 'sanne.visser@contoso.com';

/** A Global administrator nobody declared, inserted under `upn`. */
const insertAdmin = (upn: string) => `INSERT INTO tenantctl.users (user_principal_name, display_name, mail_nickname) VALUES ('${upn}', 'Someone', '${upn.split('@')[0]}');
  INSERT INTO tenantctl.user_roles (user_id, role_template_id) SELECT id, '${GLOBAL_ADMINISTRATOR}' FROM tenantctl.users WHERE user_principal_name = '${upn}'`;
/** As the owner, with the trigger of 0016 off: an insert other_writes never sees, as for a row written before that migration. */
const INSERT_UNRECORDED = `ALTER TABLE tenantctl.users DISABLE TRIGGER users_log_other_write;
  ${insertAdmin(LEGACY)};
  ALTER TABLE tenantctl.users ENABLE TRIGGER users_log_other_write`;


interface Finding {
  readonly kind: string;
  readonly severity: string;
  readonly userPrincipalName: string;
  readonly createdOutside?: { readonly databaseRole: string; readonly at: string } | null;
}

interface Tenant {
  readonly writer: string;
  drift(format: string, config?: readonly string[]): Promise<CliResult>;
  asWriter(sql: string): Promise<void>;
  asOwner(sql: string): Promise<void>;
}

async function unmanaged(tenant: Tenant, config = CONFIG): Promise<Finding[]> {
  const run = await tenant.drift('json', config);
  expect(run.code, run.stderr).toBe(2);
  const document = JSON.parse(run.stdout) as { formatVersion: string; findings: Finding[] };
  expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
  expect(document.formatVersion).toBe('1.8');
  return document.findings.filter((f) => f.kind === 'user.unmanaged');
}

function scenario(name: string, open: () => Promise<Tenant>, describeIt = describe) {
  describeIt(`drift names who created an unmanaged account outside tenantctl (${name})`, { timeout: 120_000 }, () => {
    let tenant: Tenant;

    beforeAll(async () => {
      tenant = await open();
    });

    it('a Global administrator inserted by SQL names the writer and the time, in every format', async () => {
      await tenant.asWriter(insertAdmin(INTRUDER));
      const [intruder, ...rest] = await unmanaged(tenant);
      expect(rest).toEqual([]);
      expect(intruder).toMatchObject({ severity: 'critical', userPrincipalName: INTRUDER, createdOutside: { databaseRole: tenant.writer } });
      const { at } = intruder!.createdOutside!;
      expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Object.keys(intruder!.createdOutside!).sort()).toEqual(['at', 'databaseRole']);

      const text = (await tenant.drift('text')).stdout;
      expect(text).toContain(`${INTRUDER} [critical, created outside tenantctl by database role ${tenant.writer} at ${at}]`);
      const markdown = (await tenant.drift('markdown')).stdout;
      expect(markdown).toContain(`| critical | created outside tenantctl by database role \`${tenant.writer}\` at \`${at}\` |`);
      const html = (await tenant.drift('html')).stdout;
      expect(html).toContain(`created outside tenantctl by database role <code>${tenant.writer}</code> at <code>${at}</code>`);
    });

    it('an account whose insert the database did not record has none, and none is shown', async () => {
      await tenant.asOwner(INSERT_UNRECORDED);
      const found = await unmanaged(tenant);
      expect(found.map((f) => [f.userPrincipalName, f.severity, f.createdOutside?.databaseRole ?? f.createdOutside])).toEqual([
        [INTRUDER, 'critical', tenant.writer],
        [LEGACY, 'critical', null],
      ]);
      const text = (await tenant.drift('text')).stdout;
      expect(text).toContain(`${LEGACY} [critical]\n`);
      expect(text.match(/created outside tenantctl by database role/g)).toHaveLength(1);
    });

    it('an account tenantctl created, released by SQL and no longer declared, was not created outside tenantctl', async () => {
      await tenant.asWriter(`UPDATE tenantctl.users SET managed = false WHERE user_principal_name = '${SANNE}'`);
      const config = contosoWithoutSanne();
      const sanne = (await unmanaged(tenant, config)).find((f) => f.userPrincipalName === SANNE);
      expect(sanne).toMatchObject({ severity: 'medium', createdOutside: null });
      expect((await tenant.drift('text', config)).stdout).toContain(`${SANNE} [medium]\n`);
    });
  });
}

scenario('embedded database', async () => {
  const database = contosoFolder('applied', path.join(tempDir('tenantctl-drift-created-'), 'db'));
  const sql = async (text: string) => {
    await databaseRows(database, text);
  };
  const env = { TENANTCTL_DATABASE_URL: database };
  return {
    // Every write to the embedded database is by its one role.
    writer: 'postgres',
    drift: (format, config = CONFIG) => runCli(['drift', ...config, '--format', format], { env }),
    asWriter: sql,
    asOwner: sql,
  };
});

scenario(
  'PostgreSQL, the reader running drift and the writer writing',
  async () => {
    const owner = await contosoPostgres('applied', 'drift_created_outside');
    const { reader, writer, writerRole } = await readerAndWriter(owner);
    return {
      writer: writerRole,
      drift: (format, config = CONFIG) => runCli(['drift', ...config, '--format', format], { env: { TENANTCTL_DATABASE_URL: reader } }),
      asWriter: (sql) => asLogin(writer, sql),
      asOwner: (sql) => asLogin(owner, sql),
    };
  },
  describePostgres,
);
