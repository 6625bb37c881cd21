-- The audit trail kept applies only. Every other write to the tenant left at
-- most a stamp on a user row (0004): the last writer, overwritten by the next
-- write, and not what was written. A Global administrator granted with psql
-- and revoked an hour later left "changed outside tenantctl" and nothing
-- else, and drift found no difference; init's catalog loads (prices, seats,
-- domains, service plans) and outbox key rotations left nothing at all.
--
-- Now each row written to the directory, the catalog or the outbox key by
-- anything but an apply (whose writes are in applies, 0015) is kept in
-- other_writes: when, by which database role (session_user: the login that
-- connected, even after SET ROLE), which table, insert, update or delete, and
-- the row (an update: only the columns that changed, before and after). No
-- password hash or sealed credential is kept, only that one was written. init
-- marks its transactions (tenantctl.command, tenantctl.actor, tenantctl.host:
-- what it was told, like applies.actor); anything unmarked was written
-- outside tenantctl.
--
-- No role is granted INSERT, UPDATE or DELETE on it: only these triggers
-- write it, as its owner (SECURITY DEFINER), so no CI role can add, change or
-- erase an entry. The reader reads it (history). Row-level, but an apply's
-- rows are skipped by the WHEN clause, which is all an apply pays.
-- Running this file again changes nothing.

CREATE TABLE IF NOT EXISTS other_writes (
  id                  bigserial PRIMARY KEY,
  written_at          timestamptz NOT NULL DEFAULT now(),
  transaction_id      bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
  database_role       text NOT NULL DEFAULT session_user,
  -- 'init' when tenantctl init marked the transaction; null: outside tenantctl.
  command             text,
  actor               text,
  host                text,
  table_name          text NOT NULL,
  operation           text NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
  user_id             uuid,
  user_principal_name text,
  -- The row's primary key (after an update, the new one), which an update's
  -- columns leave out when it does not change them.
  row_key             jsonb NOT NULL DEFAULT '{}',
  -- The row before and after (null for an insert's before, a delete's after);
  -- for an update only the columns that changed.
  before              jsonb,
  after               jsonb
);
CREATE INDEX IF NOT EXISTS other_writes_user ON other_writes (user_id) WHERE user_id IS NOT NULL;

-- A secret column's value is never kept, only whether there is one.
CREATE OR REPLACE FUNCTION other_write_image(image jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE
SET search_path FROM CURRENT AS $$
  SELECT CASE WHEN image IS NULL THEN NULL ELSE
    image
      || CASE WHEN image ? 'password_hash' AND image->>'password_hash' IS NOT NULL
              THEN '{"password_hash": "(a hash, not kept here)"}'::jsonb ELSE '{}'::jsonb END
      || CASE WHEN image ? 'sealed_password' AND image->>'sealed_password' IS NOT NULL
              THEN '{"sealed_password": "(sealed, not kept here)"}'::jsonb ELSE '{}'::jsonb END
  END
$$;

-- The trigger's arguments name columns whose change alone is not worth an
-- entry: a user's stamps (0004 writes them for every role or licence
-- written) and a subscription's consumed seats (0005 counts them for every
-- licence written, which has its own entry).
CREATE OR REPLACE FUNCTION log_other_write() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  quiet text[] := coalesce(TG_ARGV, '{}'::text[]);
  before jsonb := old_row;
  after jsonb := new_row;
  row_user uuid;
  upn text;
  row_key jsonb;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT jsonb_object_agg(key, value) INTO before FROM jsonb_each(old_row) WHERE new_row->key IS DISTINCT FROM value;
    SELECT jsonb_object_agg(key, value) INTO after FROM jsonb_each(new_row) WHERE old_row->key IS DISTINCT FROM value;
    before := coalesce(before, '{}'::jsonb) - quiet;
    after := coalesce(after, '{}'::jsonb) - quiet;
    IF after = '{}'::jsonb AND before = '{}'::jsonb THEN
      RETURN NULL;
    END IF;
  END IF;
  SELECT coalesce(jsonb_object_agg(a.attname, coalesce(new_row, old_row)->a.attname), '{}'::jsonb) INTO row_key
    FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
   WHERE i.indrelid = TG_RELID AND i.indisprimary;
  IF TG_TABLE_NAME = 'users' THEN
    row_user := (coalesce(new_row, old_row)->>'id')::uuid;
    upn := coalesce(new_row, old_row)->>'user_principal_name';
  ELSIF coalesce(new_row, old_row) ? 'user_id' THEN
    row_user := (coalesce(new_row, old_row)->>'user_id')::uuid;
    SELECT u.user_principal_name INTO upn FROM users u WHERE u.id = row_user;
    upn := coalesce(upn, coalesce(new_row, old_row)->>'user_principal_name');
  END IF;
  INSERT INTO other_writes (command, actor, host, table_name, operation, user_id, user_principal_name, row_key, before, after)
  VALUES (nullif(current_setting('tenantctl.command', true), ''), nullif(current_setting('tenantctl.actor', true), ''),
          nullif(current_setting('tenantctl.host', true), ''), TG_TABLE_NAME, lower(TG_OP), row_user, upn, row_key,
          other_write_image(before), other_write_image(after));
  RETURN NULL;
END $$;

-- The same row-level trigger on each table of the directory, the catalog and
-- the outbox key, with the columns whose change alone is not worth an entry.
DO $$
DECLARE
  logged record;
BEGIN
  FOR logged IN SELECT * FROM (VALUES
      ('users', 'INSERT OR UPDATE OR DELETE', ARRAY['updated_at', 'updated_by']),
      ('user_roles', 'INSERT OR UPDATE OR DELETE', ARRAY[]::text[]),
      ('license_assignments', 'INSERT OR UPDATE OR DELETE', ARRAY[]::text[]),
      ('license_disabled_plans', 'INSERT OR UPDATE OR DELETE', ARRAY[]::text[]),
      -- A queued credential erased without being delivered (init --discard-lost-credentials,
      -- psql); deliver only updates, and an apply's purge is the apply's.
      ('credential_notifications', 'DELETE', ARRAY[]::text[]),
      ('domains', 'INSERT OR UPDATE OR DELETE', ARRAY[]::text[]),
      ('roles', 'INSERT OR UPDATE OR DELETE', ARRAY[]::text[]),
      -- An apply's purchases are in purchases; its seat writes carry its mark.
      ('subscriptions', 'INSERT OR UPDATE OR DELETE', ARRAY['consumed']),
      ('service_plans', 'INSERT OR UPDATE OR DELETE', ARRAY[]::text[]),
      ('service_plan_dependencies', 'INSERT OR UPDATE OR DELETE', ARRAY[]::text[]),
      ('service_plan_unavailable_countries', 'INSERT OR UPDATE OR DELETE', ARRAY[]::text[]),
      ('outbox_key', 'INSERT OR UPDATE OR DELETE', ARRAY[]::text[])
    ) AS t(name, events, quiet)
  LOOP
    EXECUTE format(
      $sql$CREATE OR REPLACE TRIGGER %I AFTER %s ON %I FOR EACH ROW
             WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') = '')
             EXECUTE FUNCTION log_other_write(%s)$sql$,
      logged.name || '_log_other_write', logged.events, logged.name,
      (SELECT coalesce(string_agg(quote_literal(column_name), ', '), '') FROM unnest(logged.quiet) AS column_name));
  END LOOP;
END $$;

-- The stamp on a user row (0004) named current_user: after SET ROLE, the
-- role set rather than the login that connected. It names the login now, as
-- applies.database_role and other_writes do.
CREATE OR REPLACE FUNCTION stamp_outside_write() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  NEW.updated_at := now();
  NEW.updated_by := 'outside tenantctl by database role ' || session_user;
  RETURN NEW;
END $$;

-- Here as well as in sql/roles.sql, for tenants whose roles.sql predates
-- this: the reader (and so the writer) reads the log, where roles.sql ran.
-- A roles.sql from before 0011 granted the writer every table and sequence
-- of the schema, this one too if it ran again since: taken away, as 0012
-- took away its rewriting of applies.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_reader')
     AND has_table_privilege('tenantctl_reader', 'applies', 'SELECT') THEN
    GRANT SELECT ON other_writes TO tenantctl_reader;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_writer') THEN
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON other_writes FROM tenantctl_writer;
    REVOKE ALL ON SEQUENCE other_writes_id_seq FROM tenantctl_writer;
  END IF;
END $$;
