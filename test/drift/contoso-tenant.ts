// The contoso example applied to a fresh database, and the tampering the
// drift and history tests do behind tenantctl's back.
import { applyPlan, type ApplyContext, type ApplyResult } from '../../src/apply/apply-plan.js';
import { readCatalogFile } from '../../src/catalog/catalog-file.js';
import { storeCatalog } from '../../src/catalog/store-catalog.js';
import type { Database } from '../../src/db/database.js';
import { planTenant } from '../../src/workflow/plan-tenant.js';
import { ALL_APPROVALS } from '../support/approvals.js';

/** The configuration files by name: the example's folder also holds its catalog. */
export const CONTOSO_CONFIG = ['examples/contoso/tenant.yaml', 'examples/contoso/users.yaml'];

export function applyContext(actor: string, gitCommit: string | null): ApplyContext {
  return { actor, host: 'test-host', gitCommit, toolVersion: '0.0.0-test', approvals: ALL_APPROVALS, lockTimeoutMs: 2000, env: {} };
}

export async function loadContosoCatalog(db: Database): Promise<void> {
  const { catalog, diagnostics } = readCatalogFile('examples/contoso/catalog.yaml');
  if (!catalog) throw new Error(`catalog invalid: ${JSON.stringify(diagnostics)}`);
  await storeCatalog(db, catalog);
}

/**
 * The planning time of these tests, fixed: ten days after the tampering
 * deletes a user, so the user is still in the recycle bin (restorable).
 */
export const PLANNED_AT = new Date('2016-06-30T00:00:00.000Z');

/** Plans the contoso configuration afresh and applies it (purchases approved). */
export async function applyContoso(db: Database, context: ApplyContext): Promise<ApplyResult> {
  const result = await planTenant(db, { configPaths: CONTOSO_CONFIG, env: {}, tenantctlVersion: '0.0.0-test', now: PLANNED_AT });
  if (!result.plan) throw new Error(`no plan: ${JSON.stringify(result.diagnostics)}`);
  return applyPlan(db, result.plan, context);
}

const userId = (upn: string) => `(SELECT id FROM users WHERE user_principal_name = '${upn}')`;

/**
 * Plain SQL, as an administrator with psql (or the admin center) would do it:
 * one change of each kind drift must find, and one it must not (a password
 * its user has changed).
 */
export const TAMPERING: readonly string[] = [
  // An attribute.
  `UPDATE users SET job_title = 'Sales Director' WHERE user_principal_name = 'joep.devries@contoso.com'`,
  // A role: Exchange administrator revoked.
  `DELETE FROM user_roles WHERE user_id = ${userId('alex.wilber@contoso.com')} AND role_template_id = '29232cdf-9323-42fd-ade2-1d097af3e4de'`,
  // A license: E5 assigned.
  `INSERT INTO license_assignments (user_id, sku) VALUES (${userId('lucas.vandam@contoso.com')}, 'ENTERPRISEPREMIUM')`,
  // Disabled plans: Sway switched back on.
  `DELETE FROM license_disabled_plans WHERE user_id = ${userId('pieter.bakker@contoso.com')} AND sku = 'ENTERPRISEPACK' AND plan = 'SWAY'`,
  // A new Global administrator nobody declared, with a license.
  `INSERT INTO users (user_principal_name, display_name, mail_nickname, usage_location) VALUES ('mallory@contoso.com', 'Mallory', 'mallory', 'NL')`,
  `INSERT INTO user_roles (user_id, role_template_id) VALUES (${userId('mallory@contoso.com')}, '62e90394-69f5-4237-9190-012177145e10')`,
  `INSERT INTO license_assignments (user_id, sku) VALUES (${userId('mallory@contoso.com')}, 'O365_BUSINESS_PREMIUM')`,
  // A managed user soft-deleted (ten days before the tests' planning time: still in the recycle bin).
  `UPDATE users SET deleted_at = '2016-06-20T10:00:00Z' WHERE user_principal_name = 'emma.dekker@contoso.com'`,
  // Sign-in blocked.
  `UPDATE users SET account_enabled = false WHERE user_principal_name = 'lotte.smit@contoso.com'`,
  // A temporary password past its expiry, never changed...
  `UPDATE users SET password_set_at = '2016-01-01T09:00:00Z', password_expires_at = '2016-03-31T09:00:00Z'
    WHERE user_principal_name = 'isabella.janssen@contoso.com'`,
  // ...and one its user has changed: not a finding.
  `UPDATE users SET password_set_at = '2016-01-01T09:00:00Z', password_expires_at = '2016-03-31T09:00:00Z', password_temporary = false
    WHERE user_principal_name = 'fenna.deboer@contoso.com'`,
];

export async function tamper(db: Database): Promise<void> {
  for (const statement of TAMPERING) await db.query(statement);
}
