// A password reset by SQL (or an admin center) outside tenantctl, or its
// forced change switched off, left drift saying "No drift": history listed
// the write, the job people schedule did not. The writes here are the
// owner's plain SQL, as the other outside-write tests make them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { Database } from '../../src/db/database.js';
import type { DriftDocument } from '../../src/drift/drift-document.js';
import { readDrift } from '../../src/drift/read-drift.js';
import { renderDriftHtml } from '../../src/render/drift-html.js';
import { renderDriftJson } from '../../src/render/drift-json.js';
import { renderDriftMarkdown } from '../../src/render/drift-markdown.js';
import { renderDriftText } from '../../src/render/drift-text.js';
import { planTenant } from '../../src/workflow/plan-tenant.js';
import { ENGINES } from '../support/engines.js';
import { applyContext, applyContoso, CONTOSO_CONFIG, loadContosoCatalog, PLANNED_AT } from './contoso-tenant.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const schema = JSON.parse(fs.readFileSync(new URL('../../schemas/drift.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const NOW = new Date('2016-06-30T00:00:00.000Z');
/** What the SQL writes as a hash: it must never reach a report. */
const HASH = 'scrypt$outside-written-hash-9f3a';

async function drift(db: Database, configPaths: readonly string[] = CONTOSO_CONFIG): Promise<DriftDocument> {
  const result = await readDrift(db, { configPaths, now: NOW, tenantctlVersion: '0.0.0-test' });
  if (!result.drift) throw new Error(`no drift report: ${JSON.stringify(result.diagnostics)}`);
  return result.drift;
}

const passwordFindings = (report: DriftDocument) =>
  report.findings.flatMap((f) => (f.kind === 'password.changed-outside' ? [[f.userPrincipalName, f.severity, f.changes]] : []));

const set = (upn: string, assignments: string) => `UPDATE users SET ${assignments} WHERE user_principal_name = '${upn}'`;

describe.each(ENGINES)('drift of passwords written outside tenantctl ($name database)', (engine) => {
  let db: Database;
  let folder: string;

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db } = await engine.open('password-outside'));
    await loadContosoCatalog(db);
    await applyContoso(db, applyContext('tester', null));
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'password-outside-'));
  });
  afterAll(async () => {
    await db?.close();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it.skipIf(engine.skip)('flags a reset or a forced change switched off while the password is still temporary, by role; not the user\'s own change', async () => {
    expect(passwordFindings(await drift(db))).toEqual([]);
    // A Global administrator's hash replaced and its forced change switched off, in one statement.
    await db.query(set('megan.bowen@contoso.com', `password_hash = '${HASH}', force_change_password = false`));
    // A Billing administrator's forced change switched off; a user's hash replaced; another's forced change switched off.
    await db.query(set('pieter.bakker@contoso.com', 'force_change_password = false'));
    await db.query(set('lucas.vandam@contoso.com', `password_hash = '${HASH}'`));
    await db.query(set('joep.devries@contoso.com', 'force_change_password = false'));
    // The user's own change: the directory sets password_temporary to false.
    await db.query(set('noah.hendriks@contoso.com', `password_hash = '${HASH}', password_temporary = false, force_change_password = false`));
    // Switched off and on again: the change is required, nothing to report.
    await db.query(set('sanne.visser@contoso.com', 'force_change_password = false'));
    await db.query(set('sanne.visser@contoso.com', 'force_change_password = true'));

    const report = await drift(db);
    // In the order of users, as every kind's findings are.
    expect(passwordFindings(report)).toEqual([
      ['joep.devries@contoso.com', 'high', ['forcedChangeOff']],
      ['lucas.vandam@contoso.com', 'high', ['reset']],
      ['megan.bowen@contoso.com', 'critical', ['reset', 'forcedChangeOff']],
      ['pieter.bakker@contoso.com', 'critical', ['forcedChangeOff']],
    ]);
    expect(report.drift).toBe(true);
    const role = engine.name === 'embedded' ? 'postgres' : 'tenantctl_test';
    expect(report.findings.find((f) => f.kind === 'password.changed-outside' && f.userPrincipalName === 'megan.bowen@contoso.com')).toMatchObject({ outsideWrite: { databaseRole: role } });

    const json = renderDriftJson(report);
    expect(validate(JSON.parse(json)), JSON.stringify(validate.errors)).toBe(true);
    const text = renderDriftText(report, { color: false });
    const markdown = renderDriftMarkdown(report);
    const html = renderDriftHtml(report);
    for (const output of [json, text, markdown, html]) {
      expect(output).not.toContain(HASH);
      expect(output).not.toContain('outside-written-hash');
      expect(output).toContain('megan.bowen@contoso.com');
      expect(output).not.toContain('noah.hendriks');
    }
    expect(text).toContain('Passwords reset outside tenantctl (4):');
    expect(text).toMatch(/! megan\.bowen@contoso\.com \[critical, password written outside tenantctl by database role \w+ at [\d-]+T[\d:.]+Z\]\n {6}password reset outside tenantctl, with its change at next sign-in switched off/);
    expect(markdown).toContain('### Passwords reset outside tenantctl (4)');
    expect(html).toContain('password change at next sign-in switched off outside tenantctl');
  });

  it.skipIf(engine.skip)('clears once an apply resets the password, or the user chooses their own', async () => {
    const users = path.join(folder, 'users.yaml');
    const tenant = path.join(folder, 'tenant.yaml');
    fs.copyFileSync('examples/contoso/tenant.yaml', tenant);
    const declared = fs.readFileSync('examples/contoso/users.yaml', 'utf8');
    const withReset = declared.replace('    notify: [megan.bowen@example.org]\n', '    notify: [megan.bowen@example.org]\n    password:\n      reset: 2016-06-29\n');
    expect(withReset).not.toBe(declared);
    fs.writeFileSync(users, withReset);
    const config = [tenant, users];
    const planned = await planTenant(db, { configPaths: config, env: {}, tenantctlVersion: '0.0.0-test', now: PLANNED_AT });
    if (!planned.plan) throw new Error(`no plan: ${JSON.stringify(planned.diagnostics)}`);
    expect(planned.plan.changes.map((c) => `${c.kind} ${'userPrincipalName' in c ? c.userPrincipalName : ''}`)).toEqual(['user.password-reset megan.bowen@contoso.com']);
    await applyPlan(db, planned.plan, applyContext('resetter', null));
    expect(passwordFindings(await drift(db, config)).map(([upn]) => upn)).toEqual(['joep.devries@contoso.com', 'lucas.vandam@contoso.com', 'pieter.bakker@contoso.com']);

    await db.query(set('joep.devries@contoso.com', `password_hash = '${HASH}', password_temporary = false`));
    expect(passwordFindings(await drift(db, config)).map(([upn]) => upn)).toEqual(['lucas.vandam@contoso.com', 'pieter.bakker@contoso.com']);
  });
});
