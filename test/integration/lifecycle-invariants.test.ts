// The directory's lifecycle invariants, by random sequences of edits to a
// configuration applied to PostgreSQL (fast-check, fixed seed): after each
// apply the same configuration plans nothing and drifts nothing, its export
// plans nothing, the seats consumed are the licence rows, a rename keeps the
// account and a restore within 30 days the same account; a change made in SQL
// is drift exactly when the plan undoes it. A refused plan or
// apply leaves the database as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { applyPlan, type ApplyContext } from '../../src/apply/apply-plan.js';
import { readCatalogFile } from '../../src/catalog/catalog-file.js';
import { storeCatalog } from '../../src/catalog/store-catalog.js';
import type { Database } from '../../src/db/database.js';
import type { DriftDocument } from '../../src/drift/drift-document.js';
import { readDrift } from '../../src/drift/read-drift.js';
import { exportConfig } from '../../src/export/export-config.js';
import { readTenant } from '../../src/state/read-tenant.js';
import { planTenant } from '../../src/workflow/plan-tenant.js';
import { ALL_APPROVALS } from '../support/approvals.js';
import { ENGINES } from '../support/engines.js';

const POSTGRES = ENGINES.find((e) => e.name === 'postgres')!;
const context: ApplyContext = { actor: 'tester', host: 'test-host', gitCommit: null, toolVersion: '0.0.0-test', approvals: ALL_APPROVALS, lockTimeoutMs: 5000, env: {} };
const VERSION = '0.0.0-test';

const CATALOG = `domains:
  - { name: contoso.com, verified: true, default: true }
subscriptions:
  - sku: STANDARDPACK
    productName: Office 365 Enterprise E1
    seats: 2
    unitPrice: 8.00
    currency: USD
    servicePlans: [EXCHANGE_S_STANDARD, SHAREPOINTSTANDARD, SHAREPOINTWAC, MCOSTANDARD, YAMMER_ENTERPRISE, SWAY]
  - sku: ENTERPRISEPACK
    productName: Office 365 Enterprise E3
    seats: 2
    unitPrice: 20.00
    currency: USD
    servicePlans: [EXCHANGE_S_ENTERPRISE, SHAREPOINTENTERPRISE, SHAREPOINTWAC, MCOSTANDARD, OFFICESUBSCRIPTION, RMS_S_ENTERPRISE, YAMMER_ENTERPRISE, SWAY]
  - sku: VISIOCLIENT
    productName: Visio Pro for Office 365
    seats: 1
    unitPrice: 15.00
    currency: USD
    servicePlans: [VISIO_CLIENT_SUBSCRIPTION, VISIOONLINE]
`;

const SKUS = ['STANDARDPACK', 'ENTERPRISEPACK', 'VISIOCLIENT'] as const;
const PEOPLE = 4;

interface Person {
  declared: boolean;
  renamed: boolean;
  /** The UPN written before the latest rename, while the configuration still says renamedFrom. */
  renamedFrom: string | null;
  licenses: Set<(typeof SKUS)[number]>;
  yammerOff: boolean;
  globalAdmin: boolean;
  enabled: boolean;
}

const upnOf = (i: number, p: Person) => (p.renamed ? `person${i}.new@contoso.com` : `person${i}@contoso.com`);

type Op =
  | { kind: 'declare' | 'undeclare' | 'rename' | 'toggle-admin' | 'toggle-enabled' | 'toggle-yammer'; who: number }
  | { kind: 'toggle-license'; who: number; sku: (typeof SKUS)[number] }
  | { kind: 'age' }
  | { kind: 'outside'; who: number; change: number };

/**
 * Changes made outside tenantctl, in SQL, to a declared person ($1: its UPN):
 * each is drift that the next apply of the same configuration undoes.
 */
const OUTSIDE: readonly string[] = [
  `DELETE FROM license_assignments WHERE user_id = (SELECT id FROM users WHERE lower(user_principal_name) = $1)`,
  `UPDATE users SET account_enabled = NOT account_enabled WHERE lower(user_principal_name) = $1`,
  `UPDATE users SET display_name = 'Changed outside' WHERE lower(user_principal_name) = $1`,
  `UPDATE users SET usage_location = NULL WHERE lower(user_principal_name) = $1 AND NOT EXISTS (SELECT 1 FROM license_assignments a WHERE a.user_id = users.id)`,
  `INSERT INTO user_roles (user_id, role_template_id) SELECT id, '62e90394-69f5-4237-9190-012177145e10' FROM users WHERE lower(user_principal_name) = $1 ON CONFLICT DO NOTHING`,
  `DELETE FROM user_roles WHERE user_id = (SELECT id FROM users WHERE lower(user_principal_name) = $1)`,
  `INSERT INTO license_disabled_plans (user_id, sku, plan) SELECT a.user_id, a.sku, 'SWAY' FROM license_assignments a JOIN users u ON u.id = a.user_id
     WHERE lower(u.user_principal_name) = $1 AND a.sku <> 'VISIOCLIENT' ON CONFLICT DO NOTHING`,
  `WITH gone AS (DELETE FROM user_roles WHERE user_id = (SELECT id FROM users WHERE lower(user_principal_name) = $1)),
        released AS (DELETE FROM license_assignments WHERE user_id = (SELECT id FROM users WHERE lower(user_principal_name) = $1))
   UPDATE users SET deleted_at = now() WHERE lower(user_principal_name) = $1`,
];

const who = fc.noBias(fc.integer({ min: 0, max: PEOPLE - 1 }));
const on = (kind: 'declare' | 'undeclare' | 'rename' | 'toggle-admin' | 'toggle-enabled' | 'toggle-yammer', weight: number) =>
  ({ arbitrary: fc.record({ kind: fc.constant(kind), who }) as fc.Arbitrary<Op>, weight });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  on('declare', 4),
  on('undeclare', 4),
  on('rename', 3),
  on('toggle-admin', 1),
  on('toggle-enabled', 1),
  on('toggle-yammer', 1),
  { arbitrary: fc.record({ kind: fc.constant('toggle-license' as const), who, sku: fc.constantFrom(...SKUS) }), weight: 2 },
  { arbitrary: fc.constant({ kind: 'age' as const }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('outside' as const), who, change: fc.integer({ min: 0, max: OUTSIDE.length - 1 }) }), weight: 3 },
);

function usersYaml(people: readonly Person[]): string {
  const users = [
    // Two fixed Global administrators keep the lockout guard out of the way of the random edits.
    { userPrincipalName: 'admin1@contoso.com', displayName: 'Admin One', roles: ['Global administrator'] },
    { userPrincipalName: 'admin2@contoso.com', displayName: 'Admin Two', roles: ['Global administrator'] },
  ] as Record<string, unknown>[];
  people.forEach((p, i) => {
    if (!p.declared) return;
    const user: Record<string, unknown> = { userPrincipalName: upnOf(i, p), displayName: `Person ${i}`, accountEnabled: p.enabled };
    if (p.renamedFrom) user.renamedFrom = p.renamedFrom;
    if (p.globalAdmin) user.roles = ['Global administrator'];
    user.licenses = [...p.licenses].sort().map((sku) => (p.yammerOff && sku !== 'VISIOCLIENT' ? { sku, disabledPlans: ['YAMMER_ENTERPRISE'] } : sku));
    users.push(user);
  });
  return YAML.stringify({ users });
}

/**
 * Whether the report has drift that apply undoes. A licence given in SQL to
 * a user in the recycle bin that no configuration declares is drift too (a
 * billed seat: user.licensed-in-recycle-bin), but apply never touches such a
 * user, so it stays until the licence is removed or the user purged; it is
 * checked on its own, against the licence rows (binnedHolders).
 */
const undoableDrift = (report: DriftDocument | undefined): boolean =>
  report!.findings.some((f) => f.severity !== 'info' && !(f.kind === 'user.licensed-in-recycle-bin' && !f.declared));

/** The users drift names as deleted and holding licences: UPN and skus. */
const binnedInDrift = (report: DriftDocument | undefined): string[] =>
  report!.findings.flatMap((f) => (f.kind === 'user.licensed-in-recycle-bin' ? [`${f.userPrincipalName.toLowerCase()} ${f.licenses.map((l) => l.sku).join(',')}`] : [])).sort();

/** The deleted users holding licences, as the licence rows say. */
async function binnedHolders(db: Database): Promise<string[]> {
  const held = await db.query<{ held: string }>(
    `SELECT lower(u.user_principal_name) || ' ' || string_agg(a.sku, ',' ORDER BY a.sku) AS held
       FROM license_assignments a JOIN users u ON u.id = a.user_id WHERE u.deleted_at IS NOT NULL GROUP BY u.id, u.user_principal_name`,
  );
  return held.map((row) => row.held).sort();
}

const TENANT = 'defaults:\n  usageLocation: NL\nsettings:\n  adminEmail: it@contoso.com\n  minGlobalAdmins: 1\n  maxDeletions: 100\n  maxDeletionPercent: 100\n';

interface Row { id: string; upn: string; deleted: boolean; password_hash: string | null }

async function rows(db: Database): Promise<Row[]> {
  return db.query<Row>('SELECT id::text, lower(user_principal_name) AS upn, deleted_at IS NOT NULL AS deleted, password_hash FROM users ORDER BY id');
}

async function directoryDump(db: Database): Promise<string> {
  const parts: unknown[] = [];
  for (const statement of [
    'SELECT * FROM users ORDER BY id',
    'SELECT * FROM user_roles ORDER BY user_id, role_template_id',
    'SELECT * FROM license_assignments ORDER BY user_id, sku',
    'SELECT * FROM license_disabled_plans ORDER BY user_id, sku, plan',
    'SELECT sku, seats, consumed FROM subscriptions ORDER BY sku',
    'SELECT count(*)::int AS n FROM applies',
  ]) parts.push(await db.query(statement));
  return JSON.stringify(parts);
}

describe.skipIf(POSTGRES.skip)('lifecycle invariants under random edits, on PostgreSQL', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every applied configuration plans nothing again, drifts nothing but licences held in the recycle bin, exports to itself, and keeps seats and ids right', async () => {
    let run = 0;
    const stats = { applied: 0, refused: [] as string[], outside: 0, drifted: 0, kinds: {} as Record<string, number>, binLicences: 0, ops: {} as Record<string, number> };
    await fc.assert(
      fc.asyncProperty(fc.noBias(fc.array(opArb, { minLength: 20, maxLength: 30 })), async (ops) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-inv-'));
        dirs.push(dir);
        fs.writeFileSync(path.join(dir, 'catalog.yaml'), CATALOG);
        const configDir = path.join(dir, 'config');
        fs.mkdirSync(configDir);
        fs.writeFileSync(path.join(configDir, 'tenant.yaml'), TENANT);
        const { db } = await POSTGRES.open(`lifecycle_inv_${run++}`);
        try {
          const { catalog } = readCatalogFile(path.join(dir, 'catalog.yaml'));
          await storeCatalog(db, catalog!);
          const people: Person[] = Array.from({ length: PEOPLE }, () => ({ declared: false, renamed: false, renamedFrom: null, licenses: new Set(), yammerOff: false, globalAdmin: false, enabled: true }));
          /** Each person's object id while it exists (declared, or in the recycle bin), null after a purge. */
          const ids: (string | null)[] = Array.from({ length: PEOPLE }, () => null);
          const passwords: (string | null)[] = Array.from({ length: PEOPLE }, () => null);
          const aged = new Set<number>();
          /** Whether a licence was given in SQL to a user in the recycle bin (tenantctl's own deletions release them all). */
          let binLicences = false;
          const configPaths = [configDir];

          const step = async (op: Op, trail: string): Promise<void> => {
            const before = people.map((p) => ({ ...p, licenses: new Set(p.licenses) }));
            let restoring = -1;
            if (op.kind === 'outside') {
              const p = people[op.who]!;
              if (!p.declared) {
                // A licence given in SQL to a user in the recycle bin: it takes
                // that seat until the user is restored or purged, and later plans must count it.
                const binned = [upnOf(op.who, p)];
                const inBin = `SELECT id FROM users u WHERE lower(u.user_principal_name) = $1 AND u.deleted_at IS NOT NULL
                                 AND NOT EXISTS (SELECT 1 FROM license_assignments a WHERE a.user_id = u.id)`;
                if ((await db.query(inBin, binned)).length === 0) return;
                // Bought in SQL too, where no seat is free.
                await db.query(`UPDATE subscriptions SET seats = seats + 1 WHERE sku = 'VISIOCLIENT' AND consumed = seats`);
                const given = await db.query(`INSERT INTO license_assignments (user_id, sku) SELECT id, 'VISIOCLIENT' FROM (${inBin}) AS u RETURNING 1`, binned);
                if (given.length > 0) stats.binLicences++;
                binLicences ||= given.length > 0;
                if (given.length === 0) return;
                fs.writeFileSync(path.join(configDir, 'users.yaml'), usersYaml(people));
                const unchanged = await planTenant(db, { configPaths, env: {}, tenantctlVersion: VERSION });
                expect(unchanged.plan?.changes, trail).toEqual([]);
                // Nothing to plan, but a billed seat: drift names the user and the licence.
                const seen = await readDrift(db, { configPaths, now: new Date(), tenantctlVersion: VERSION });
                expect(seen.drift?.drift, trail).toBe(true);
                expect(binnedInDrift(seen.drift), trail).toContain(`${binned[0]} VISIOCLIENT`);
                expect(binnedInDrift(seen.drift), trail).toEqual(await binnedHolders(db));
                return;
              }
              p.renamedFrom = null;
              fs.writeFileSync(path.join(configDir, 'users.yaml'), usersYaml(people));
              const changed = await db.query(`${OUTSIDE[op.change]!} RETURNING 1`, [upnOf(op.who, p)]);
              if (changed.length > 0) {
                const seen = await readDrift(db, { configPaths, now: new Date(), tenantctlVersion: VERSION });
                stats.outside++;
                // A write outside tenantctl that changed what the configuration declares is drift, and the plan undoes it.
                const planned = await planTenant(db, { configPaths, env: {}, tenantctlVersion: VERSION });
                const drifted = undoableDrift(seen.drift);
                if (drifted) stats.drifted++;
                expect(drifted || planned.plan?.changes.length === 0, `${trail}: drift ${JSON.stringify(seen.drift?.findings)} vs plan ${JSON.stringify(planned.plan?.changes)}`).toBe(true);
                expect(!drifted || (planned.plan?.changes.length ?? 0) > 0, `${trail}: drift without a plan`).toBe(true);
              }
            } else if (op.kind !== 'age') {
              const p = people[op.who]!;
              p.renamedFrom = null; // once applied, renamedFrom is dropped (it is harmless either way)
              if (op.kind === 'declare') {
                if (p.declared) return;
                p.declared = true;
                if (p.licenses.size === 0 && !p.globalAdmin) p.licenses.add('STANDARDPACK');
                restoring = op.who;
              } else if (!p.declared) return;
              else if (op.kind === 'undeclare') p.declared = false;
              else if (op.kind === 'rename') {
                p.renamedFrom = upnOf(op.who, p);
                p.renamed = !p.renamed;
              } else if (op.kind === 'toggle-admin') p.globalAdmin = !p.globalAdmin;
              else if (op.kind === 'toggle-enabled') p.enabled = !p.enabled;
              else if (op.kind === 'toggle-yammer') p.yammerOff = !p.yammerOff;
              else if (op.kind === 'toggle-license') {
                if (p.licenses.has(op.sku)) p.licenses.delete(op.sku);
                else {
                  // E1 with E3 is refused (LICENSE_CONFLICT): the model keeps one of the two.
                  if (op.sku === 'STANDARDPACK') p.licenses.delete('ENTERPRISEPACK');
                  if (op.sku === 'ENTERPRISEPACK') p.licenses.delete('STANDARDPACK');
                  p.licenses.add(op.sku);
                }
              }
            } else {
              // 31 days pass for everyone in the recycle bin.
              await db.query(`UPDATE users SET deleted_at = deleted_at - interval '31 days' WHERE deleted_at IS NOT NULL`);
              for (let i = 0; i < PEOPLE; i++) if (!people[i]!.declared && ids[i]) aged.add(i);
            }
            fs.writeFileSync(path.join(configDir, 'users.yaml'), usersYaml(people));
            const dumped = await directoryDump(db);
            const planned = await planTenant(db, { configPaths, env: {}, tenantctlVersion: VERSION, forApply: true });
            if (!planned.plan) {
              // A refusal must be located and change nothing; the model goes back.
              expect(planned.diagnostics.filter((d) => d.severity === 'error').length, trail).toBeGreaterThan(0);
              expect(await directoryDump(db), trail).toBe(dumped);
              stats.refused.push(planned.diagnostics.map((d) => `${d.code}: ${d.message}`).join(" | "));
              people.splice(0, PEOPLE, ...before);
              fs.writeFileSync(path.join(configDir, 'users.yaml'), usersYaml(people));
              return;
            }
            if (planned.plan.changes.length > 0 || planned.plan.purchases.length > 0) {
              await applyPlan(db, planned.plan, context);
              stats.applied++;
              for (const change of planned.plan.changes) stats.kinds[change.kind] = (stats.kinds[change.kind] ?? 0) + 1;
            }

            // Applied: the same configuration plans nothing and drifts nothing.
            const again = await planTenant(db, { configPaths, env: {}, tenantctlVersion: VERSION });
            expect(again.plan?.changes, `${trail}: plan after apply`).toEqual([]);
            expect(again.plan?.purchases, trail).toEqual([]);
            const drift = await readDrift(db, { configPaths, now: new Date(), tenantctlVersion: VERSION });
            expect(undoableDrift(drift.drift), `${trail}: drift after apply: ${JSON.stringify(drift.drift?.findings)}`).toBe(false);
            // What apply leaves: licences given in SQL to users in the recycle bin, each named by drift (as drift).
            expect(binnedInDrift(drift.drift), trail).toEqual(await binnedHolders(db));
            expect(drift.drift?.drift, trail).toBe(binnedInDrift(drift.drift).length > 0);

            // Seats consumed are the licence rows; deleted users hold none.
            const seats = await db.query<{ sku: string; consumed: number; counted: number; seats: number }>(
              `SELECT s.sku, s.consumed, s.seats, (SELECT count(*)::int FROM license_assignments a WHERE a.sku = s.sku) AS counted FROM subscriptions s ORDER BY s.sku`,
            );
            for (const s of seats) {
              expect(s.consumed, `${trail}: ${s.sku}`).toBe(s.counted);
              expect(s.consumed).toBeLessThanOrEqual(s.seats);
            }
            const [held] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM license_assignments a JOIN users u ON u.id = a.user_id WHERE u.deleted_at IS NOT NULL');
            if (!binLicences) expect(held?.n, trail).toBe(0);

            // Identity: renames and restores within 30 days keep the id and the password; after 30 days a new account.
            const now = await rows(db);
            for (let i = 0; i < PEOPLE; i++) {
              const p = people[i]!;
              const row = now.find((r) => r.upn === upnOf(i, p));
              if (p.declared) {
                expect(row, `${trail}: person${i}`).toBeDefined();
                expect(row!.deleted).toBe(false);
                if (ids[i] && !(restoring === i && aged.has(i))) {
                  expect(row!.id, `${trail}: person${i} keeps its id`).toBe(ids[i]);
                  expect(row!.password_hash, `${trail}: person${i} keeps its password`).toBe(passwords[i]);
                }
                if (restoring === i && aged.has(i)) {
                  expect(row!.id, `${trail}: person${i} is a new account`).not.toBe(ids[i]);
                  expect(now.some((r) => r.id === ids[i])).toBe(false);
                }
                aged.delete(i);
                ids[i] = row!.id;
                passwords[i] = row!.password_hash;
              } else if (ids[i]) {
                const gone = now.find((r) => r.id === ids[i]);
                if (gone) expect(gone.deleted, `${trail}: person${i} in the recycle bin`).toBe(true);
              }
            }

            // The export of the directory plans nothing either.
            const tenant = await readTenant(db);
            const exported = exportConfig(tenant.current, tenant.catalog, { split: null, schemaRef: 'x', toolVersion: VERSION, exportedAt: new Date().toISOString(), settings: tenant.applied });
            const exportDir = path.join(dir, 'export');
            fs.rmSync(exportDir, { recursive: true, force: true });
            fs.mkdirSync(exportDir);
            for (const file of exported.files) fs.writeFileSync(path.join(exportDir, file.path), file.text);
            const ofExport = await planTenant(db, { configPaths: [exportDir], env: {}, tenantctlVersion: VERSION });
            expect(ofExport.diagnostics.filter((d) => d.severity === 'error'), `${trail}: export`).toEqual([]);
            expect(ofExport.plan?.changes, `${trail}: plan of the export`).toEqual([]);
          };

          for (const op of ops) stats.ops[op.kind] = (stats.ops[op.kind] ?? 0) + 1;
          for (const [n, op] of ops.entries()) await step(op, `step ${n} ${JSON.stringify(op)} of ${JSON.stringify(ops)}`);
        } finally {
          await db.close();
        }
      }),
      { seed: Number(process.env.LIFECYCLE_SEED ?? 20261206), numRuns: Number(process.env.LIFECYCLE_RUNS ?? 6), endOnFailure: true },
    );
    if (process.env.LIFECYCLE_STATS) console.log(stats);
  }, 60_000);
});
