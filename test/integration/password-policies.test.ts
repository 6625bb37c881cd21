// passwordPolicies (Graph's user-level policy) from the configuration to the
// database and back: plan, apply, export, drift, on both engines.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyContext } from '../../src/apply/apply-plan.js';
import { checkApprovals } from '../../src/apply/approvals.js';
import { readHistory } from '../../src/audit/read-history.js';
import { readCatalogFile } from '../../src/catalog/catalog-file.js';
import { storeCatalog } from '../../src/catalog/store-catalog.js';
import type { Database } from '../../src/db/database.js';
import { readDrift } from '../../src/drift/read-drift.js';
import { exportConfig } from '../../src/export/export-config.js';
import type { PlanDocument } from '../../src/plan/plan-document.js';
import { renderDriftText } from '../../src/render/drift-text.js';
import { renderJson } from '../../src/render/json.js';
import { readTenant } from '../../src/state/read-tenant.js';
import { planTenant } from '../../src/workflow/plan-tenant.js';
import { ALL_APPROVALS } from '../support/approvals.js';
import { ENGINES } from '../support/engines.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validatePlan = ajv.compile(JSON.parse(fs.readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object);

const context: ApplyContext = { actor: 'tester', host: 'test-host', gitCommit: null, toolVersion: '0.0.0-test', approvals: ALL_APPROVALS, lockTimeoutMs: 2000, env: {} };
const BREAK_GLASS = 'breakglass@contoso.onmicrosoft.com';
const JOEP = 'joep.devries@contoso.com';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-password-policies-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** One file: the break-glass account and Joep, each with passwordPolicies or without. */
function config(label: string, policies: { breakGlass: boolean; joep: boolean }): string {
  const policy = (on: boolean) => (on ? '\n    passwordPolicies: DisablePasswordExpiration' : '');
  const file = path.join(scratch, `${label}.yaml`);
  fs.writeFileSync(
    file,
    `settings:
  adminEmail: it-desk@contoso.com
users:
  - userPrincipalName: ${BREAK_GLASS}
    displayName: Break-glass administrator
    roles: [Global administrator]${policy(policies.breakGlass)}
  - userPrincipalName: ${JOEP}
    displayName: Joep de Vries${policy(policies.joep)}
`,
  );
  return file;
}

async function plan(db: Database, file: string): Promise<PlanDocument> {
  const result = await planTenant(db, { configPaths: [file], env: {}, tenantctlVersion: '0.0.0-test' });
  if (!result.plan) throw new Error(`no plan: ${JSON.stringify(result.diagnostics)}`);
  expect(validatePlan(JSON.parse(renderJson(result.plan))), JSON.stringify(validatePlan.errors)).toBe(true);
  return result.plan;
}

async function policies(db: Database): Promise<Record<string, string | null>> {
  const rows = await db.query<{ upn: string; policies: string | null }>('SELECT user_principal_name AS upn, password_policies AS policies FROM users ORDER BY 1');
  return Object.fromEntries(rows.map((row) => [row.upn, row.policies]));
}

const updates = (document: PlanDocument) =>
  document.changes.flatMap((change) => (change.kind === 'user.update' ? [{ upn: change.userPrincipalName, patch: change.patch, attributes: change.attributes }] : []));

describe.each(ENGINES)('passwordPolicies on the $name database', (engine) => {
  let db: Database;
  const first = config('first', { breakGlass: true, joep: false });
  const flipped = config('flipped', { breakGlass: false, joep: true });

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db } = await engine.open('password_policies'));
    const { catalog } = readCatalogFile('examples/contoso/catalog.yaml');
    if (!catalog) throw new Error('catalog invalid');
    await storeCatalog(db, catalog);
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(engine.skip)('creates a user with it, and one without, whose plan has no trace of it', async () => {
    const created = await plan(db, first);
    const creates = Object.fromEntries(created.changes.flatMap((c) => (c.kind === 'user.create' ? [[c.userPrincipalName, c.attributes]] : [])));
    expect(creates[BREAK_GLASS]?.passwordPolicies).toBe('DisablePasswordExpiration');
    expect(creates[JOEP]).not.toHaveProperty('passwordPolicies');
    expect(renderJson(created).match(/passwordPolicies/g)).toHaveLength(2); // the create's attributes, and its `after`

    await applyPlan(db, created, context);
    expect(await policies(db)).toEqual({ [BREAK_GLASS]: 'DisablePasswordExpiration', [JOEP]: null });
    // The first password is temporary: it must be changed within 90 days, whatever the policy.
    const [expiry] = await db.query<{ days: number }>(
      `SELECT extract(day FROM password_expires_at - password_set_at)::int AS days FROM users WHERE user_principal_name = $1`,
      [BREAK_GLASS],
    );
    expect(expiry?.days).toBe(90);
    expect((await plan(db, first)).changes).toEqual([]);
  });

  it.skipIf(engine.skip)('exports it, and the export plans to no change', async () => {
    const { current, catalog } = await readTenant(db);
    const exported = exportConfig(current, catalog, { schemaRef: '../schemas/tenant.schema.json', toolVersion: '0.0.0-test', exportedAt: '2026-03-01T09:30:00.000Z', split: null });
    expect(exported.diagnostics).toEqual([]);
    const text = exported.files.map((f) => f.text).join('\n');
    expect(text.match(/passwordPolicies: DisablePasswordExpiration/g)).toHaveLength(1);
    const file = path.join(scratch, 'exported.yaml');
    fs.writeFileSync(file, exported.files[0]!.text);
    expect((await plan(db, file)).changes).toEqual([]);
  });

  it.skipIf(engine.skip)('sets it and clears it (left out of the configuration) as an attribute update', async () => {
    const flip = await plan(db, flipped);
    expect(updates(flip)).toEqual([
      {
        upn: BREAK_GLASS,
        patch: [{ op: 'remove', path: '/passwordPolicies' }],
        attributes: [{ attribute: 'passwordPolicies', from: 'DisablePasswordExpiration', to: null }],
      },
      {
        upn: JOEP,
        patch: [{ op: 'add', path: '/passwordPolicies', value: 'DisablePasswordExpiration' }],
        attributes: [{ attribute: 'passwordPolicies', from: null, to: 'DisablePasswordExpiration' }],
      },
    ]);
    expect(flip.changes.map((c) => c.kind)).toEqual(['user.update', 'user.update']);
    await applyPlan(db, flip, context);
    expect(await policies(db)).toEqual({ [BREAK_GLASS]: null, [JOEP]: 'DisablePasswordExpiration' });
    expect((await plan(db, flipped)).changes).toEqual([]);
    // History lists the apply's changes as they were, in the shape an apply writes.
    const [latest] = await readHistory(db, { limit: 1 });
    expect(latest?.malformed).toBeUndefined();
    expect(latest?.changes.flatMap((c) => (c.kind === 'user.update' ? c.attributes : []))).toEqual([
      { attribute: 'passwordPolicies', from: 'DisablePasswordExpiration', to: null },
      { attribute: 'passwordPolicies', from: null, to: 'DisablePasswordExpiration' },
    ]);
  });

  it.skipIf(engine.skip)('reports a change made with SQL outside tenantctl as drift, high where expiry was switched off', async () => {
    await db.query(`UPDATE users SET password_policies = 'DisablePasswordExpiration' WHERE user_principal_name = $1`, [BREAK_GLASS]);
    await db.query('UPDATE users SET password_policies = NULL WHERE user_principal_name = $1', [JOEP]);
    const result = await readDrift(db, { configPaths: [flipped], now: new Date(), tenantctlVersion: '0.0.0-test' });
    const changed = result.drift?.findings.flatMap((f) => (f.kind === 'user.changed' ? [{ upn: f.userPrincipalName, severity: f.severity, fields: f.fields }] : []));
    expect(changed).toEqual([
      { upn: BREAK_GLASS, severity: 'high', fields: [{ field: 'passwordPolicies', expected: null, actual: 'DisablePasswordExpiration' }] },
      { upn: JOEP, severity: 'medium', fields: [{ field: 'passwordPolicies', expected: 'DisablePasswordExpiration', actual: null }] },
    ]);
    const text = result.drift ? renderDriftText(result.drift, { color: false }) : '';
    expect(text).toContain('~ passwordPolicies: (not set) → "DisablePasswordExpiration"');
    expect(text).toContain('~ passwordPolicies: "DisablePasswordExpiration" → (not set)');
    // The plan puts both back.
    expect(updates(await plan(db, flipped)).map((u) => u.upn)).toEqual([BREAK_GLASS, JOEP]);
  });

  it.skipIf(engine.skip)('needs --approve-privileged to turn off the password expiry of an admin, and names why', async () => {
    await db.query('UPDATE users SET password_policies = NULL WHERE user_principal_name = $1', [BREAK_GLASS]);
    const again = await plan(db, first);
    expect(again.changes.map((c) => [c.kind, c.userPrincipalName, c.risks])).toEqual([['user.update', BREAK_GLASS, ['privileged']]]);
    expect(again.approvals).toEqual(['privileged']);
    const flags = { approvePurchases: true, approveDeletions: true, approvePrivileged: false, maxPurchaseCost: null };
    expect(() => checkApprovals(again, flags)).toThrow(
      expect.objectContaining({ exitCode: 3, message: expect.stringContaining(`turns off password expiry of ${BREAK_GLASS}, who holds an admin role`) }),
    );
    await applyPlan(db, again, context);
    expect((await policies(db))[BREAK_GLASS]).toBe('DisablePasswordExpiration');
  });

  it.skipIf(engine.skip)('refuses any other value in the database', async () => {
    await expect(db.query(`UPDATE users SET password_policies = 'DisableStrongPassword' WHERE user_principal_name = $1`, [JOEP])).rejects.toThrow(/users_password_policies_check/);
  });
});
