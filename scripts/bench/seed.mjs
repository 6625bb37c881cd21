// Seeds a directory by SQL, as if it existed before tenantctl: the users,
// their roles, licences and disabled plans, in chunks of set-based inserts.
// Timestamps are fixed so that plans of a seeded directory are reproducible.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = (file) => pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'src', file)).href;
const SEEDED_AT = '2026-01-01T00:00:00Z';
const CHUNK = 5000;

export async function seedDirectory(url, users, { managed = false } = {}) {
  const { openDatabase } = await import(dist('db/open-database.js'));
  const db = await openDatabase({ url, actor: 'bench', lockTimeoutMs: 10_000 });
  try {
    await db.transaction(async (tx) => {
      // Marked as tenantctl's own write, so the out-of-band attribution
      // triggers (migration 0004) keep the fixed timestamps instead of now().
      // The mark must name an apply of this transaction (migration 0015):
      // the seed records one, with no changes and no settings.
      const [seed] = await tx.query(
        `INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes)
         VALUES ('bench seed', 'bench', 'sha256:seed', '0', '{}', '[]') RETURNING id::text AS id`,
      );
      await tx.query(`SELECT set_config('tenantctl.apply_id', $1, true)`, [seed.id]);
      for (let start = 0; start < users.length; start += CHUNK) {
        const chunk = users.slice(start, start + CHUNK);
        await tx.query(
          `INSERT INTO users (id, user_principal_name, display_name, given_name, surname, mail_nickname, account_enabled,
             job_title, department, mobile_phone, business_phones, street_address, city, postal_code, country,
             usage_location, managed, created_at, updated_at)
           SELECT x.id, x."userPrincipalName", x."displayName", x."givenName", x.surname, split_part(x."userPrincipalName", '@', 1),
             x."accountEnabled", x."jobTitle", x.department, x."mobilePhone",
             ARRAY(SELECT jsonb_array_elements_text(x."businessPhones")), x."streetAddress", x.city, x."postalCode",
             x.country, x."usageLocation", $2, $3, $3
           FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, "userPrincipalName" text, "displayName" text, "givenName" text,
             surname text, "accountEnabled" boolean, "jobTitle" text, department text, "mobilePhone" text,
             "businessPhones" jsonb, "streetAddress" text, city text, "postalCode" text, country text, "usageLocation" text)`,
          [JSON.stringify(chunk), managed, SEEDED_AT],
        );
        const roles = chunk.flatMap((u) => u.roles.map(([role]) => ({ id: u.id, role })));
        await tx.query(
          `INSERT INTO user_roles (user_id, role_template_id, granted_at)
           SELECT x.id, x.role, $2 FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, role uuid)`,
          [JSON.stringify(roles), SEEDED_AT],
        );
        const licenses = chunk.flatMap((u) => u.licenses.map((l) => ({ id: u.id, sku: l.sku, plans: l.disabledPlans })));
        await tx.query(
          `INSERT INTO license_assignments (user_id, sku, assigned_at)
           SELECT x.id, x.sku, $2 FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, sku text)`,
          [JSON.stringify(licenses), SEEDED_AT],
        );
        await tx.query(
          `INSERT INTO license_disabled_plans (user_id, sku, plan)
           SELECT x.id, x.sku, p FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, sku text, plans jsonb),
             jsonb_array_elements_text(x.plans) AS p`,
          [JSON.stringify(licenses)],
        );
      }
    });
  } finally {
    await db.close();
  }
}
