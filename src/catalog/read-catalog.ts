import { appliedSettings } from '../audit/last-settings.js';
import type { Queryable } from '../db/database.js';
import type { Settings } from '../state/settings.js';
import type { Catalog } from './catalog.js';

/**
 * The catalog's five tables as JSON lists, in one statement: plan reads the
 * catalog while it parses the configuration, where each round trip waits for
 * the parse to let the event loop run. Each list is ordered as its own query was.
 * It also reads the settings the latest apply recorded (readCatalogAndSettings).
 */
const CATALOG_QUERY = `SELECT
  (SELECT coalesce(json_agg(json_build_array(name, verified, is_default) ORDER BY name), '[]')::text FROM domains) AS domains,
  (SELECT coalesce(json_agg(json_build_array(sku, product_name, seats, consumed, unit_price, currency, purchasable, plans, assigned) ORDER BY sku COLLATE "C"), '[]')::text
     FROM (SELECT s.sku, s.product_name, s.seats, s.consumed, s.unit_price::text AS unit_price, s.currency, s.purchasable,
                  array_remove(array_agg(p.name ORDER BY p.name COLLATE "C"), NULL) AS plans, coalesce(min(a.assigned), 0) AS assigned
             FROM subscriptions s LEFT JOIN service_plans p USING (sku)
                  LEFT JOIN (SELECT sku, count(*)::int AS assigned FROM license_assignments GROUP BY sku) a USING (sku)
            GROUP BY s.sku) AS s) AS subscriptions,
  (SELECT coalesce(json_agg(json_build_array(sku, plan, requires) ORDER BY sku COLLATE "C", plan COLLATE "C"), '[]')::text
     FROM (SELECT sku, plan, array_agg(requires ORDER BY requires COLLATE "C") AS requires
             FROM service_plan_dependencies GROUP BY sku, plan) AS d) AS dependencies,
  (SELECT coalesce(json_agg(json_build_array(sku, plan, countries) ORDER BY sku COLLATE "C", plan COLLATE "C"), '[]')::text
     FROM (SELECT sku, plan, array_agg(country::text ORDER BY country) AS countries
             FROM service_plan_unavailable_countries GROUP BY sku, plan) AS u) AS unavailable,
  (SELECT coalesce(json_agg(json_build_array(template_id, display_name, directory_name, privileged) ORDER BY display_name), '[]')::text FROM roles) AS roles,
  (SELECT settings::text FROM applies WHERE settings IS NOT NULL ORDER BY id DESC LIMIT 1) AS applied`;

type DomainRow = [name: string, verified: boolean, isDefault: boolean];
type SubscriptionRow = [
  sku: string,
  productName: string,
  seats: number,
  consumed: number,
  unitPrice: string,
  currency: string,
  purchasable: boolean,
  plans: string[] | null,
  assigned: number,
];
type PlanFactRow<T> = [sku: string, plan: string, facts: T];
type RoleRow = [templateId: string, displayName: string, directoryName: string, privileged: boolean];

/** Each subscription's facts, in the rows' order: one pass, not a search of every row per subscription. */
function factsBySku(rows: readonly PlanFactRow<string[]>[]): Map<string, Record<string, string[]>> {
  const bySku = new Map<string, Record<string, string[]>>();
  for (const [sku, plan, facts] of rows) {
    const record = bySku.get(sku) ?? {};
    record[plan] = facts;
    bySku.set(sku, record);
  }
  return bySku;
}

/** The catalog as the database has it now; service plans sorted by name. */
export async function readCatalog(db: Queryable): Promise<Catalog> {
  return (await readCatalogAndSettings(db)).catalog;
}

/**
 * The catalog, and the settings the latest apply recorded (null: none did),
 * which hold a plan to the deletion limits its configuration would loosen:
 * in the same statement, so that planning costs no round trip more.
 */
export async function readCatalogAndSettings(db: Queryable): Promise<{ catalog: Catalog; applied: Settings | null }> {
  const [row] = await db.query<Record<'domains' | 'subscriptions' | 'dependencies' | 'unavailable' | 'roles', string> & { applied: string | null }>(CATALOG_QUERY);
  const catalog = catalogFrom(row!);
  return { catalog, applied: appliedSettings(row!.applied, new Set(catalog.subscriptions.map((s) => s.sku))) };
}

function catalogFrom(row: Record<'domains' | 'subscriptions' | 'dependencies' | 'unavailable' | 'roles', string>): Catalog {
  const domains = JSON.parse(row.domains) as DomainRow[];
  const subscriptions = JSON.parse(row.subscriptions) as SubscriptionRow[];
  const dependencies = JSON.parse(row.dependencies) as PlanFactRow<string[]>[];
  const unavailable = JSON.parse(row.unavailable) as PlanFactRow<string[]>[];
  const roles = JSON.parse(row.roles) as RoleRow[];
  const dependenciesOf = factsBySku(dependencies);
  const unavailableOf = factsBySku(unavailable);
  return {
    domains: domains.map(([name, verified, isDefault]) => ({ name, verified, isDefault })),
    subscriptions: subscriptions.map(([sku, productName, seats, consumed, unitPrice, currency, purchasable, plans, assigned]) => ({
      sku,
      productName,
      seats,
      consumed,
      assigned,
      unitPrice: Number(unitPrice),
      currency,
      purchasable,
      servicePlans: plans ?? [],
      planDependencies: dependenciesOf.get(sku) ?? {},
      unavailableIn: unavailableOf.get(sku) ?? {},
    })),
    roles: roles.map(([templateId, displayName, directoryName, privileged]) => ({ templateId, displayName, directoryName, privileged })),
  };
}
