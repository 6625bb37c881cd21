import type pg from 'pg';

/**
 * Every privilege granted directly in the schema tenantctl to the group roles
 * of sql/roles.sql or to PUBLIC, one `role PRIVILEGE relation` or
 * `role PRIVILEGE relation(column)` each, sorted: the whole statement of who
 * may do what, to compare two ways of getting there.
 */
export async function grantedPrivileges(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ privilege: string }>(`
    WITH grants AS (
      SELECT c.relname AS relation, NULL::name AS column_name, a.grantee, a.privilege_type
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
       WHERE n.nspname = 'tenantctl'
      UNION ALL
      SELECT c.relname, att.attname, a.grantee, a.privilege_type
        FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace,
             aclexplode(att.attacl) a
       WHERE n.nspname = 'tenantctl' AND att.attnum > 0 AND NOT att.attisdropped
      UNION ALL
      SELECT p.proname || '()', NULL, a.grantee, a.privilege_type
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(p.proacl) a
       WHERE n.nspname = 'tenantctl')
    SELECT concat_ws(' ', coalesce(r.rolname, 'PUBLIC'), g.privilege_type,
                     g.relation || coalesce('(' || g.column_name || ')', '')) AS privilege
      FROM grants g LEFT JOIN pg_roles r ON r.oid = g.grantee
     WHERE g.grantee = 0 OR r.rolname IN ('tenantctl_reader', 'tenantctl_writer', 'tenantctl_deliverer')`);
  return rows.map((row) => row.privilege).sort();
}

/** `table.column` of every column in the schema tenantctl that `role` (or a role it inherits) may not SELECT, sorted. */
export async function unreadableColumns(client: pg.Client, role: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname || '.' || att.attname AS name
       FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'tenantctl' AND c.relkind = 'r' AND att.attnum > 0 AND NOT att.attisdropped
        AND NOT has_column_privilege($1, c.oid, att.attnum, 'SELECT')`,
    [role],
  );
  return rows.map((row) => row.name).sort();
}
