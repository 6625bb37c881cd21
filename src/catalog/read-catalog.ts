import type { Queryable } from '../db/database.js';
import type { Catalog } from './catalog.js';

/** The catalog as the database has it now; service plans sorted by name. */
export async function readCatalog(db: Queryable): Promise<Catalog> {
  // One after another: pg deprecates overlapping queries on one client.
  const domains = await db.query<{ name: string; verified: boolean; is_default: boolean }>('SELECT name, verified, is_default FROM domains ORDER BY name');
  const subscriptions = await db.query<{
      sku: string;
      product_name: string;
      seats: number;
      consumed: number;
      unit_price: string;
      currency: string;
      purchasable: boolean;
      plans: string[] | null;
    }>(
      `SELECT s.sku, s.product_name, s.seats, s.consumed, s.unit_price::text AS unit_price, s.currency, s.purchasable,
              array_remove(array_agg(p.name ORDER BY p.name COLLATE "C"), NULL) AS plans
         FROM subscriptions s LEFT JOIN service_plans p USING (sku)
        GROUP BY s.sku ORDER BY s.sku COLLATE "C"`,
  );
  const dependencies = await db.query<{ sku: string; plan: string; requires: string[] }>(
    `SELECT sku, plan, array_agg(requires ORDER BY requires COLLATE "C") AS requires
       FROM service_plan_dependencies GROUP BY sku, plan ORDER BY sku COLLATE "C", plan COLLATE "C"`,
  );
  const unavailable = await db.query<{ sku: string; plan: string; countries: string[] }>(
    `SELECT sku, plan, array_agg(country::text ORDER BY country) AS countries
       FROM service_plan_unavailable_countries GROUP BY sku, plan ORDER BY sku COLLATE "C", plan COLLATE "C"`,
  );
  const roles = await db.query<{ template_id: string; display_name: string; directory_name: string; privileged: boolean }>(
    'SELECT template_id, display_name, directory_name, privileged FROM roles ORDER BY display_name',
  );
  return {
    domains: domains.map((d) => ({ name: d.name, verified: d.verified, isDefault: d.is_default })),
    subscriptions: subscriptions.map((s) => ({
      sku: s.sku,
      productName: s.product_name,
      seats: s.seats,
      consumed: s.consumed,
      unitPrice: Number(s.unit_price),
      currency: s.currency,
      purchasable: s.purchasable,
      servicePlans: s.plans ?? [],
      planDependencies: Object.fromEntries(dependencies.filter((d) => d.sku === s.sku).map((d) => [d.plan, d.requires])),
      unavailableIn: Object.fromEntries(unavailable.filter((u) => u.sku === s.sku).map((u) => [u.plan, u.countries])),
    })),
    roles: roles.map((r) => ({
      templateId: r.template_id,
      displayName: r.display_name,
      directoryName: r.directory_name,
      privileged: r.privileged,
    })),
  };
}
