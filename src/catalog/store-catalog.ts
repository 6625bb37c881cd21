import { markCommand, type CommandMark } from '../audit/command-mark.js';
import type { Database, Queryable } from '../db/database.js';
import { holdSchemaVersion } from '../db/migrate.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import type { CatalogFile } from './catalog-file.js';

export interface CatalogChanges {
  readonly domains: number;
  readonly subscriptions: number;
  readonly servicePlans: number;
}

/**
 * Seats tenantctl bought for a subscription. A catalog file states the seats
 * bought elsewhere; purchases made by apply are added on top, so reloading
 * the same file after an apply keeps them.
 */
const BOUGHT = `coalesce((SELECT sum(p.quantity) FROM purchases p WHERE p.sku = s.sku), 0)`;

/** Catalog edits that would orphan users are refused, naming what is in use. */
async function refuseOrphaning(tx: Queryable, catalog: CatalogFile): Promise<void> {
  const domains = JSON.stringify(catalog.domains.map((d) => d.name));
  const unverified = JSON.stringify(catalog.domains.filter((d) => !d.verified).map((d) => d.name.toLowerCase()));
  const subscriptions = JSON.stringify(catalog.subscriptions);
  // An unverified domain is one no user may sign in with (UPN_UNKNOWN_DOMAIN): every plan and drift would stop.
  const problems = await tx.query<{ problem: string }>(
    `SELECT format('domain %s is removed but %s user(s) use it', u.domain, count(*)) AS problem
       FROM users u WHERE u.domain NOT IN (SELECT jsonb_array_elements_text($1::jsonb))
      GROUP BY u.domain
     UNION ALL
     SELECT format('domain %s would no longer be verified but %s user(s) sign in with it; move them to a verified domain first', u.domain, count(*))
       FROM users u WHERE u.domain IN (SELECT jsonb_array_elements_text($3::jsonb))
      GROUP BY u.domain
     UNION ALL
     SELECT format('subscription %s is removed but %s user(s) hold a license of it', a.sku, count(*))
       FROM license_assignments a WHERE a.sku NOT IN (SELECT s->>'sku' FROM jsonb_array_elements($2::jsonb) s)
      GROUP BY a.sku
     UNION ALL
     SELECT format('subscription %s would have %s seat(s) but %s license(s) of it are assigned; remove licenses first', s.sku, s.seats + ${BOUGHT}, sub.consumed)
       FROM jsonb_to_recordset($2::jsonb) AS s(sku text, seats int) JOIN subscriptions sub USING (sku)
      WHERE s.seats + ${BOUGHT} < sub.consumed
     UNION ALL
     SELECT format('service plan %s is removed from %s but %s user(s) have it switched off', d.plan, d.sku, count(*))
       FROM license_disabled_plans d
      WHERE NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS s(sku text, "servicePlans" jsonb)
                         WHERE s.sku = d.sku AND s."servicePlans" ? d.plan)
      GROUP BY d.sku, d.plan
     ORDER BY 1`,
    [domains, subscriptions, unverified],
  );
  if (problems.length > 0) {
    throw new TenantctlError(`the catalog cannot be loaded without touching users:\n  ${problems.map((p) => p.problem).join('\n  ')}`);
  }
}

/** Service plan dependencies and unavailable countries: exactly those of the file (no user refers to them). */
async function storePlanFacts(tx: Queryable, catalog: CatalogFile): Promise<void> {
  const dependencies = catalog.subscriptions.flatMap((s) =>
    Object.entries(s.planDependencies ?? {}).flatMap(([plan, required]) => required.map((name) => ({ sku: s.sku, plan, requires: name }))),
  );
  const unavailable = catalog.subscriptions.flatMap((s) =>
    Object.entries(s.unavailableIn ?? {}).flatMap(([plan, countries]) => countries.map((country) => ({ sku: s.sku, plan, country }))),
  );
  // Only the rows that come or go are written, so other_writes (migration 0016) records what changed.
  await tx.query(
    `DELETE FROM service_plan_dependencies p WHERE NOT EXISTS (
       SELECT 1 FROM jsonb_to_recordset($1::jsonb) AS d(sku text, plan text, requires text)
        WHERE d.sku = p.sku AND d.plan = p.plan AND d.requires = p.requires)`,
    [JSON.stringify(dependencies)],
  );
  await tx.query(
    `INSERT INTO service_plan_dependencies (sku, plan, requires)
     SELECT sku, plan, requires FROM jsonb_to_recordset($1::jsonb) AS d(sku text, plan text, requires text)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(dependencies)],
  );
  await tx.query(
    `DELETE FROM service_plan_unavailable_countries p WHERE NOT EXISTS (
       SELECT 1 FROM jsonb_to_recordset($1::jsonb) AS c(sku text, plan text, country text)
        WHERE c.sku = p.sku AND c.plan = p.plan AND c.country = p.country)`,
    [JSON.stringify(unavailable)],
  );
  await tx.query(
    `INSERT INTO service_plan_unavailable_countries (sku, plan, country)
     SELECT sku, plan, country FROM jsonb_to_recordset($1::jsonb) AS c(sku text, plan text, country text)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(unavailable)],
  );
}

/**
 * Makes the database's domains and subscriptions exactly those of the file
 * (plus the seats apply bought),
 * in one transaction, and never changes a user: edits that would are refused.
 * Each row that changes is kept in other_writes, marked as init's by `mark`.
 */
export async function storeCatalog(db: Database, catalog: CatalogFile, mark?: CommandMark): Promise<CatalogChanges> {
  return db.transaction(async (tx) => {
    await holdSchemaVersion(db, tx);
    if (mark) await markCommand(tx, mark);
    await refuseOrphaning(tx, catalog);
    const domains = JSON.stringify(catalog.domains);
    const subscriptions = JSON.stringify(catalog.subscriptions);
    const plans = JSON.stringify(catalog.subscriptions.flatMap((s) => s.servicePlans.map((name) => ({ sku: s.sku, name }))));
    // Only a default that stops being one is unset (the single-default index allows one at a time),
    // so reloading the same file writes nothing.
    await tx.query(
      `UPDATE domains SET is_default = false
        WHERE is_default AND name NOT IN (SELECT d->>'name' FROM jsonb_array_elements($1::jsonb) d WHERE (d->>'isDefault')::boolean)`,
      [domains],
    );
    await tx.query(`DELETE FROM domains WHERE name NOT IN (SELECT d->>'name' FROM jsonb_array_elements($1::jsonb) d)`, [domains]);
    const domainRows = await tx.query(
      `INSERT INTO domains (name, verified, is_default)
       SELECT name, verified, "isDefault" FROM jsonb_to_recordset($1::jsonb) AS d(name text, verified boolean, "isDefault" boolean)
       ON CONFLICT (name) DO UPDATE SET verified = excluded.verified, is_default = excluded.is_default
       RETURNING name`,
      [domains],
    );
    await tx.query(
      `DELETE FROM service_plans p WHERE NOT EXISTS (
         SELECT 1 FROM jsonb_to_recordset($1::jsonb) AS n(sku text, name text) WHERE n.sku = p.sku AND n.name = p.name)`,
      [plans],
    );
    await tx.query(`DELETE FROM subscriptions WHERE sku NOT IN (SELECT s->>'sku' FROM jsonb_array_elements($1::jsonb) s)`, [subscriptions]);
    const subscriptionRows = await tx.query(
      `INSERT INTO subscriptions (sku, product_name, seats, unit_price, currency, purchasable)
       SELECT sku, "productName", seats + ${BOUGHT}, "unitPrice", currency, purchasable
         FROM jsonb_to_recordset($1::jsonb)
           AS s(sku text, "productName" text, seats int, "unitPrice" numeric, currency text, purchasable boolean)
       ON CONFLICT (sku) DO UPDATE SET product_name = excluded.product_name, seats = excluded.seats,
         unit_price = excluded.unit_price, currency = excluded.currency, purchasable = excluded.purchasable
       RETURNING sku`,
      [subscriptions],
    );
    const planRows = await tx.query(
      `INSERT INTO service_plans (sku, name) SELECT sku, name FROM jsonb_to_recordset($1::jsonb) AS n(sku text, name text)
       ON CONFLICT DO NOTHING RETURNING name`,
      [plans],
    );
    await storePlanFacts(tx, catalog);
    return { domains: domainRows.length, subscriptions: subscriptionRows.length, servicePlans: planRows.length };
  });
}
