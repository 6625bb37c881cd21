-- Apply reads the directory under its lock, to refuse a plan whose rows
-- changed since it was planned. It did so by having the server build the
-- directory's three lists again and hash them: 1.2-1.4 s at 100,000 users,
-- with the lock held. Every write of a row gives it a new version: its xmin
-- (the writing transaction) and its place (ctid). So while the versions of
-- every row of the four tables are the ones a read saw, the rows are the ones
-- it saw, and hashing the versions takes about 0.15 s at 100,000 users.
--
-- Within one unbroken history of the database. A database restored from a
-- backup, failed over to a standby that lost commits, or recovered after a
-- crash that lost commits made with synchronous_commit off, hands out the
-- ids of the lost transactions again, and a row written anew can get back
-- the version a read saw with other data in it. So the digest also holds
-- when the server started (a restore or a failover starts another) and its
-- last checkpoint (recovery after a crash ends with one, while the server
-- keeps its start time), and the epoch of transaction ids (ids repeat after
-- 2^32 transactions). It also holds the versions of the tables' columns
-- (pg_attribute), of the tables themselves (pg_class: row level security,
-- grants) and of their policies, so that renaming or retyping a column,
-- replacing a table, or hiding rows from apply's role is a change as well.
--
-- A change of version without a change of data (VACUUM FULL or CLUSTER
-- moving rows, a server restarted, a checkpoint between the read and the
-- lock) only makes apply read the directory again in full, as any change does. The roles of sql/roles.sql may read only some
-- columns of users, never the system columns: the function reads them as its
-- owner, gives nothing but the digest, and only apply's role may call it.
CREATE OR REPLACE FUNCTION directory_row_versions() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path FROM CURRENT
AS $$
  SELECT encode(sha256(convert_to(concat_ws(';',
           pg_postmaster_start_time()::text,
           (SELECT checkpoint_lsn::text FROM pg_control_checkpoint()),
           div(pg_snapshot_xmax(pg_current_snapshot())::text::numeric, 4294967296)::text,
           (SELECT string_agg(oid::text || '.' || xmin::text, ',' ORDER BY oid)
              FROM pg_class
             WHERE oid IN ('users'::regclass, 'user_roles'::regclass, 'license_assignments'::regclass, 'license_disabled_plans'::regclass)),
           (SELECT string_agg(attrelid::oid::text || '.' || attnum || '.' || xmin::text, ',' ORDER BY attrelid, attnum)
              FROM pg_attribute
             WHERE attrelid IN ('users'::regclass, 'user_roles'::regclass, 'license_assignments'::regclass, 'license_disabled_plans'::regclass)),
           (SELECT string_agg(oid::text || '.' || xmin::text, ',' ORDER BY oid)
              FROM pg_policy
             WHERE polrelid IN ('users'::regclass, 'user_roles'::regclass, 'license_assignments'::regclass, 'license_disabled_plans'::regclass)),
           coalesce((SELECT string_agg(xmin::text || ctid::text, ',' ORDER BY ctid) FROM users), ''),
           coalesce((SELECT string_agg(xmin::text || ctid::text, ',' ORDER BY ctid) FROM user_roles), ''),
           coalesce((SELECT string_agg(xmin::text || ctid::text, ',' ORDER BY ctid) FROM license_assignments), ''),
           coalesce((SELECT string_agg(xmin::text || ctid::text, ',' ORDER BY ctid) FROM license_disabled_plans), '')),
         'UTF8')), 'hex')
$$;

-- A digest any role could poll would tell it when the directory changes, and
-- each call reads four tables in full: only the owner and the writer (apply)
-- may run it. Here as well as in sql/roles.sql, for tenants whose roles.sql
-- predates this.
REVOKE ALL ON FUNCTION directory_row_versions() FROM PUBLIC;
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_writer')
     AND has_column_privilege('tenantctl_writer', 'applies', 'actor', 'INSERT') THEN
    GRANT EXECUTE ON FUNCTION directory_row_versions() TO tenantctl_writer;
  END IF;
END $$;
