-- Least privilege for tenantctl on PostgreSQL. Run it as the role that owns
-- the schema tenantctl (the one `tenantctl init` runs as), in the tenant's
-- database, after every `tenantctl init` that migrated the schema:
--
--   psql "postgres://owner@db/tenant" -f sql/roles.sql
--
-- It creates three group roles (NOLOGIN) and grants them what their commands
-- need, nothing more; give each login role the one it needs:
--
--   GRANT tenantctl_reader    TO ci_plan;      -- plan, drift, export, history, validate
--   GRANT tenantctl_writer    TO ci_apply;     -- apply (and everything the reader does)
--   GRANT tenantctl_deliverer TO mail_sender;  -- deliver
--
-- Only the owner can run init (DDL, the catalog, the outbox key). No role but
-- the owner and the deliverer can read the sealed credentials; the deliverer
-- reads nothing else of the directory. Running the script again is harmless.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_reader') THEN
    CREATE ROLE tenantctl_reader NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_writer') THEN
    CREATE ROLE tenantctl_writer NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_deliverer') THEN
    CREATE ROLE tenantctl_deliverer NOLOGIN;
  END IF;
END $$;

-- Nobody but the owner creates objects in tenantctl's schema.
REVOKE ALL ON SCHEMA tenantctl FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA tenantctl FROM PUBLIC;
GRANT USAGE ON SCHEMA tenantctl TO tenantctl_reader, tenantctl_writer, tenantctl_deliverer;

-- Reader: every table but the outbox of sealed credentials.
GRANT SELECT ON ALL TABLES IN SCHEMA tenantctl TO tenantctl_reader;
REVOKE ALL ON tenantctl.credential_notifications FROM tenantctl_reader;

-- Writer: what the reader has, plus the rows an apply writes. It may queue a
-- sealed credential but not read one back, and has no DDL (not the owner, no
-- CREATE on the schema). The catalog (domains, roles, service plans) and the
-- outbox key are init's, read-only here; seats change by purchase.
GRANT tenantctl_reader TO tenantctl_writer;
GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA tenantctl TO tenantctl_writer;
REVOKE INSERT, UPDATE, DELETE ON tenantctl.schema_migrations, tenantctl.domains, tenantctl.roles,
  tenantctl.service_plans, tenantctl.service_plan_dependencies, tenantctl.service_plan_unavailable_countries,
  tenantctl.outbox_key FROM tenantctl_writer;
REVOKE ALL ON tenantctl.credential_notifications FROM tenantctl_writer;
GRANT INSERT ON tenantctl.credential_notifications TO tenantctl_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA tenantctl TO tenantctl_writer;

-- Deliverer: the outbox alone (and the schema version every command checks).
GRANT SELECT ON tenantctl.schema_migrations, tenantctl.outbox_key TO tenantctl_deliverer;
GRANT SELECT ON tenantctl.credential_notifications TO tenantctl_deliverer;
-- Which users are deleted (id and deletion time only): their queued credentials are held back.
GRANT SELECT (id, deleted_at) ON tenantctl.users TO tenantctl_deliverer;
GRANT UPDATE (sealed_password, delivered_at, attempts, last_attempt_at, last_error)
  ON tenantctl.credential_notifications TO tenantctl_deliverer;
