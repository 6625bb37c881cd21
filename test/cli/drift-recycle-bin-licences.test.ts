// A licence on a user in the recycle bin takes a seat (the database counts
// it, and the plan does since 9002631). drift names each such user, its
// licences and what to do, as drift (exit 2), in every format, on the
// embedded database and on PostgreSQL with the least-privilege roles of
// sql/roles.sql (the writer gives the licence by SQL, the reader runs drift).
import fs from 'node:fs';
import path from 'node:path';
import { startPGlite } from '../../src/db/embedded-database.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, type CliResult } from '../support/cli.js';
import { contosoWithoutSanne } from '../support/contoso-config.js';
import { contosoFolder, contosoPostgres } from '../support/contoso-database.js';
import { liveMarkdown, markdownOutsideCode, rawDangers, workflowCommandLines } from '../support/hostile-strings.js';
import { asLogin, readerAndWriter } from '../support/login-roles.js';
import { describePostgres } from '../support/postgres.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'drift.schema.json'), 'utf8')) as object);

const SANNE = 'sanne.visser@contoso.com';
/** Declared, with one licence (O365_BUSINESS_PREMIUM). */
const ISABELLA = 'isabella.janssen@contoso.com';
/**
 * A deleted user written in by another tool, named with what the database's
 * UPN check lets through that markdown would read: emphasis, strike-through,
 * an issue reference, a quote.
 */
const HOSTILE_UPN = "__bin__~~x~~#1^'!@contoso.com";
const APPROVE = ['--auto-approve', '--approve-privileged', '--approve-purchases', '--approve-deletions'];


interface Finding {
  readonly kind: string;
  readonly severity: string;
  readonly userPrincipalName: string;
}

interface Tenant {
  drift(format: string, config: readonly string[]): Promise<CliResult>;
  apply(config: readonly string[]): Promise<CliResult>;
  asWriter(sql: string): Promise<void>;
}

function scenario(name: string, open: () => Promise<Tenant>, describeIt = describe) {
  describeIt(`drift names licences held in the recycle bin (${name})`, { timeout: 120_000 }, () => {
    let tenant: Tenant;
    let config: string[];

    beforeAll(async () => {
      tenant = await open();
      config = contosoWithoutSanne();
      const applied = await tenant.apply(config);
      expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    });

    async function json(): Promise<{ code: number | null; formatVersion: string; findings: Finding[] }> {
      const run = await tenant.drift('json', config);
      const document = JSON.parse(run.stdout) as { formatVersion: string; findings: Finding[] };
      expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
      return { code: run.code, ...document };
    }

    it('a user tenantctl deleted holds no licence: a notice, not drift', async () => {
      const run = await json();
      expect(run.code).toBe(0);
      expect(run.findings.filter((f) => f.userPrincipalName === SANNE).map((f) => f.kind)).toEqual(['user.in-recycle-bin']);
    });

    it('a licence given by SQL to a user in the recycle bin is drift, naming the user, its sku and what to do', async () => {
      await tenant.asWriter(`INSERT INTO tenantctl.license_assignments (user_id, sku) SELECT id, 'ENTERPRISEPACK' FROM tenantctl.users WHERE user_principal_name = '${SANNE}'`);
      const run = await json();
      expect(run.code).toBe(2);
      expect(run.formatVersion).toBe('1.8');
      expect(run.findings.filter((f) => f.kind === 'user.licensed-in-recycle-bin')).toEqual([
        {
          kind: 'user.licensed-in-recycle-bin',
          severity: 'medium',
          userPrincipalName: SANNE,
          userId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          managed: true,
          declared: false,
          deletedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          licenses: [{ sku: 'ENTERPRISEPACK', disabledPlans: [] }],
        },
      ]);

      const text = await tenant.drift('text', config);
      expect(text.code).toBe(2);
      expect(text.stdout).toMatch(/^Drift: 1 finding \(1 deleted user holding licences\)\./);
      expect(text.stdout).toMatch(
        new RegExp(
          `  ~ ${SANNE.replace(/\./g, '\\.')} \\[medium\\]\\n      deleted \\d{4}-\\d\\d-\\d\\d but still holds 1 licence, which takes a seat that is billed until the licence is removed or the user is purged; no configuration declares it, so apply leaves it as it is: remove its licences in the database \\(tenantctl releases them only when it deletes a user\\) or purge the user\\n      \\+ licenses: \\[ENTERPRISEPACK\\]\\n`,
        ),
      );
      const markdown = await tenant.drift('markdown', config);
      expect(markdown.code).toBe(2);
      expect(markdown.stdout).toContain(`| \`${SANNE}\` | deleted `);
      expect(markdown.stdout).toContain('or purge the user; `licenses: [ENTERPRISEPACK]` | medium |');
    });

    it('escapes a hostile name of a deleted user holding licences, in every format', async () => {
      await tenant.asWriter(`INSERT INTO tenantctl.users (user_principal_name, display_name, mail_nickname, deleted_at) VALUES ($$${HOSTILE_UPN}$$, 'Bin', 'bin', now() - interval '1 day');
        INSERT INTO tenantctl.license_assignments (user_id, sku) SELECT id, 'STANDARDPACK' FROM tenantctl.users WHERE user_principal_name = $$${HOSTILE_UPN}$$`);
      const run = await json();
      expect(run.code).toBe(2);
      expect(run.findings.filter((f) => f.kind === 'user.licensed-in-recycle-bin').map((f) => f.userPrincipalName)).toEqual([HOSTILE_UPN, SANNE]);
      const text = (await tenant.drift('text', config)).stdout;
      expect(text).toContain(`  ~ ${HOSTILE_UPN} [medium]\n      deleted `);
      const markdown = (await tenant.drift('markdown', config)).stdout;
      const html = (await tenant.drift('html', config)).stdout;
      for (const output of [text, markdown, html]) {
        expect(rawDangers(output)).toEqual([]);
        expect(workflowCommandLines(output)).toEqual([]);
      }
      // The name is a code span: no emphasis, strike-through or issue link of it is live.
      expect(markdown).toContain(`| \`${HOSTILE_UPN}\` | deleted `);
      expect(liveMarkdown(markdown)).toEqual([]);
      expect(markdownOutsideCode(markdown)).not.toMatch(/__bin__|~~x~~|#1/);
      expect(html).toContain(`<code>__bin__~~x~~#1^&#39;!@contoso.com</code>`);
    });

    it('a licence removed, or the user purged, ends the finding', async () => {
      await tenant.asWriter(`DELETE FROM tenantctl.license_assignments WHERE user_id = (SELECT id FROM tenantctl.users WHERE user_principal_name = '${SANNE}')`);
      await tenant.asWriter(`DELETE FROM tenantctl.users WHERE user_principal_name = $$${HOSTILE_UPN}$$`);
      const run = await json();
      expect(run.findings.filter((f) => f.kind === 'user.licensed-in-recycle-bin')).toEqual([]);
      expect(run.code).toBe(0);
    });

    it('a declared user deleted by SQL with its licences is one finding, user.deleted (high), not a second for its licences', async () => {
      await tenant.asWriter(`UPDATE tenantctl.users SET deleted_at = now() WHERE user_principal_name = '${ISABELLA}'`);
      const run = await json();
      expect(run.code).toBe(2);
      const hers = run.findings.filter((f) => f.userPrincipalName === ISABELLA);
      expect(hers.map((f) => [f.kind, f.severity])).toEqual([
        ['user.deleted', 'high'],
        ['user.in-recycle-bin', 'info'],
      ]);
      const text = await tenant.drift('text', config);
      expect(text.code).toBe(2);
      expect(text.stdout).toMatch(/^Drift: 1 finding \(1 deleted user\)\./);
      expect(text.stdout).not.toContain('holds 1 licence');
      await tenant.asWriter(`UPDATE tenantctl.users SET deleted_at = NULL WHERE user_principal_name = '${ISABELLA}'`);
    });
  });
}

scenario('embedded database', async () => {
  const database = contosoFolder('applied', path.join(tempDir('tenantctl-drift-bin-'), 'db'));
  const env = { TENANTCTL_DATABASE_URL: database };
  return {
    drift: (format, config) => runCli(['drift', ...config, '--format', format], { env }),
    apply: (config) => runCli(['apply', ...config, ...APPROVE], { env }),
    asWriter: async (sql) => {
      const db = startPGlite(database);
      try {
        await db.exec(sql);
      } finally {
        await db.close();
      }
    },
  };
});

scenario(
  'PostgreSQL, the reader running drift and the writer writing',
  async () => {
    const owner = await contosoPostgres('applied', 'drift_bin_licences');
    const { reader, writer } = await readerAndWriter(owner);
    return {
      drift: (format, config) => runCli(['drift', ...config, '--format', format], { env: { TENANTCTL_DATABASE_URL: reader } }),
      apply: (config) => runCli(['apply', ...config, ...APPROVE], { env: { TENANTCTL_DATABASE_URL: writer } }),
      asWriter: (sql) => asLogin(writer, sql),
    };
  },
  describePostgres,
);
