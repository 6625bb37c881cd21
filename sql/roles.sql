-- Least privilege for tenantctl on PostgreSQL. Run it as the role that owns
-- the schema tenantctl (the one `tenantctl init` runs as), in the tenant's
-- database, after every `tenantctl init` that migrated the schema. That role
-- needs CREATEROLE (ALTER ROLE owner CREATEROLE, as a superuser) to create the
-- group roles below and to grant them to login roles:
--
--   psql -v ON_ERROR_STOP=1 "postgres://owner@db/tenant" -f sql/roles.sql
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
-- reads nothing else of the directory. No role but the owner can read the
-- password hashes. No role but the owner can change or delete a recorded apply,
-- nor add, change or delete an entry of other_writes (its triggers write it).
--
-- Each role gets exactly what is granted below, whatever an earlier version of
-- this script granted, and nothing on a table a later migration adds until it
-- is named here (that migration names it here). Running the script again is
-- harmless; it is one transaction, so a command never meets a role half-granted.

BEGIN;

-- Names resolve in the system catalog alone, whatever the session's search_path:
-- run from psql it includes public, where on PostgreSQL 14 and older (and on
-- a database upgraded from one) any role may create a function, and one named
-- like a built-in with a closer argument type (format(text, name)) would be
-- called here as the owner.
SET LOCAL search_path TO pg_catalog, pg_temp;

-- What this script grants fits one schema version, that of the release it came
-- with. The script of an older release, run after a newer one migrated (a
-- pipeline pinned to it), would grant again what a later migration revoked: the
-- release of schema 26 gave the writer back UPDATE of a subscription's consumed
-- seats, which 0027 took away. Against an older schema it names tables that do
-- not exist yet. Either way: stop before changing anything. init's migration
-- lock (src/db/migrate.ts), held shared to the end, makes it wait for a
-- migration in progress, and read the version that one commits: without it, the
-- version read before a newer init commits would let this script grant again,
-- right after it, what that init revoked.
DO $$
DECLARE
  known constant integer := 35;
  found integer;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(7346010);
  IF to_regclass('tenantctl.schema_migrations') IS NOT NULL THEN
    SELECT max(m.version) INTO found FROM tenantctl.schema_migrations m;
  END IF;
  IF found IS NULL THEN
    RAISE EXCEPTION 'the database has no tenantctl schema yet; nothing was changed'
      USING HINT = 'run tenantctl init (as this role), then roles.sql again';
  ELSIF found > known THEN
    RAISE EXCEPTION 'this roles.sql is for tenantctl schema version %, and the database has version %; nothing was changed', known, found
      USING HINT = 'run the roles.sql of the tenantctl release whose init migrated the database';
  ELSIF found < known THEN
    RAISE EXCEPTION 'this roles.sql is for tenantctl schema version %, and the database has version %; nothing was changed', known, found
      USING HINT = 'run tenantctl init of this release first, then roles.sql again';
  END IF;
END $$;

-- Creating the group roles takes CREATEROLE, which the owner of a database
-- usually lacks: say so, rather than PostgreSQL's "permission denied to create role".
DO $$
BEGIN
  IF (SELECT count(*) FROM pg_roles WHERE rolname IN ('tenantctl_reader', 'tenantctl_writer', 'tenantctl_deliverer')) < 3
     AND NOT (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    RAISE EXCEPTION 'roles.sql creates the group roles tenantctl_reader, tenantctl_writer and tenantctl_deliverer, and the role % may not create roles; nothing was changed', current_user
      USING HINT = format('give the owner CREATEROLE as a superuser (ALTER ROLE %I CREATEROLE), which granting the roles to login roles needs too, and run roles.sql again', current_user);
  END IF;
END $$;

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
REVOKE ALL ON ALL SEQUENCES IN SCHEMA tenantctl FROM PUBLIC;
GRANT USAGE ON SCHEMA tenantctl TO tenantctl_reader, tenantctl_writer, tenantctl_deliverer;

-- From nothing (revoking a table's privileges revokes its columns' too).
REVOKE ALL ON ALL TABLES IN SCHEMA tenantctl FROM tenantctl_reader, tenantctl_writer, tenantctl_deliverer;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA tenantctl FROM tenantctl_reader, tenantctl_writer, tenantctl_deliverer;

-- Reader: every table but the outbox of sealed credentials, and of users every
-- column but password_hash. Its credentials are the most exposed (a pull
-- request runs code in that job), and the hashes of temporary passwords, some
-- chosen by people (password.fromEnv), could be guessed offline; no command
-- reads them. The columns are named: a migration that adds one to users
-- grants it to the reader too (where roles.sql ran, as 0011 does) and adds it
-- here; test/db/least-privilege.test.ts fails until both do.
GRANT SELECT ON tenantctl.schema_migrations, tenantctl.domains, tenantctl.roles, tenantctl.subscriptions,
  tenantctl.service_plans, tenantctl.service_plan_dependencies, tenantctl.service_plan_unavailable_countries,
  tenantctl.user_roles, tenantctl.license_assignments, tenantctl.license_disabled_plans,
  tenantctl.applies, tenantctl.purchases, tenantctl.outbox_key, tenantctl.other_writes, tenantctl.apply_writes,
  tenantctl.former_names, tenantctl.unapproved_ways_in
  TO tenantctl_reader;
GRANT SELECT (id, user_principal_name, domain, display_name, given_name, surname, mail_nickname,
  account_enabled, job_title, department, mobile_phone, business_phones, street_address, city, state,
  postal_code, country, usage_location, password_set_at, password_expires_at, force_change_password,
  password_reset_token, managed, created_at, updated_at, updated_by, deleted_at, password_temporary,
  password_policies)
  ON tenantctl.users TO tenantctl_reader;

-- Writer: what the reader reads, plus what an apply writes, named statement by
-- statement (src/apply), and no more. It has no DDL (not the owner, no CREATE
-- on the schema) and cannot disable a trigger (only the owner can).
GRANT tenantctl_reader TO tenantctl_writer;
-- The directory. A purge's DELETE cascades into the outbox as the tables'
-- owner, so the writer needs no DELETE there.
GRANT INSERT, UPDATE, DELETE ON tenantctl.users TO tenantctl_writer;
GRANT INSERT, DELETE ON tenantctl.user_roles, tenantctl.license_assignments, tenantctl.license_disabled_plans
  TO tenantctl_writer;
-- The catalog (domains, roles, subscriptions, service plans) and the outbox key
-- are init's: seats change by purchase, and the seat-count trigger (which runs
-- as the owner, migration 0027) keeps consumed; prices and plans are read-only here.
GRANT UPDATE (seats) ON tenantctl.subscriptions TO tenantctl_writer;
-- The audit trail is appended to, never rewritten: an apply inserts its own
-- row and its purchases and neither updates nor deletes any, so the merge
-- pipeline cannot rewrite or erase who applied and bought what. Id and time
-- come from the database (no grant on those columns): an appended row can be
-- neither backdated nor slipped in among earlier ones.
GRANT INSERT (actor, host, git_commit, config_hash, plan_hash, tool_version, summary, changes, settings, approvals, plan_digest)
  ON tenantctl.applies TO tenantctl_writer;
GRANT INSERT (apply_id, sku, quantity, unit_price, currency, monthly_cost, approved_by, plan_hash)
  ON tenantctl.purchases TO tenantctl_writer;
-- It queues a sealed credential, undelivered, but cannot read one back.
GRANT INSERT (apply_id, user_id, user_principal_name, recipients, withheld_recipients, sealed_password, reason, force_change, password_from)
  ON tenantctl.credential_notifications TO tenantctl_writer;
-- The ids' defaults draw from these as the writer (setval needs UPDATE: not granted).
GRANT USAGE ON SEQUENCE tenantctl.applies_id_seq, tenantctl.purchases_id_seq, tenantctl.credential_notifications_id_seq
  TO tenantctl_writer;
-- Whether the directory changed since apply read it (migration 0022): apply's alone.
REVOKE ALL ON FUNCTION tenantctl.directory_row_versions() FROM PUBLIC, tenantctl_reader, tenantctl_deliverer;
-- Trigger functions fire whoever writes; a role that may call one may fire it
-- from a trigger on a temporary table of its own, as the owner where it is
-- SECURITY DEFINER (migration 0032): none may, a later one's included.
DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
            WHERE p.pronamespace = 'tenantctl'::regnamespace AND p.prorettype = 'trigger'::regtype
  LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC, tenantctl_reader, tenantctl_writer, tenantctl_deliverer', f);
  END LOOP;
END $$;
GRANT EXECUTE ON FUNCTION tenantctl.directory_row_versions() TO tenantctl_writer;
-- tenantctl.queued_recipients() (migration 0033) keeps PostgreSQL's default, EXECUTE for
-- every role with USAGE on the schema: the addresses of the credentials not delivered yet,
-- nothing else of the outbox, which plan needs whoever runs it.

-- Deliverer: the outbox alone (and the schema version every command checks).
GRANT SELECT ON tenantctl.schema_migrations, tenantctl.outbox_key TO tenantctl_deliverer;
GRANT SELECT ON tenantctl.credential_notifications TO tenantctl_deliverer;
-- Which users are deleted (their queued credentials are held back) and their current names (a
-- rename since apply queued them is the name to sign in with): id, deletion time and UPN only.
GRANT SELECT (id, deleted_at, user_principal_name) ON tenantctl.users TO tenantctl_deliverer;
GRANT UPDATE (sealed_password, delivered_at, attempts, last_attempt_at, last_error)
  ON tenantctl.credential_notifications TO tenantctl_deliverer;

COMMIT;
