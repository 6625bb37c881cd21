-- A renamed user keeps its mailbox, and Exchange keeps the old address as an
-- alias (DOMAIN.md). The temporary password's copy to settings.adminEmail is
-- withheld when that address is the reset user's own mailbox, and notify may
-- not send credentials there; but only the names of the plan itself were
-- known: megan.bowen@ renamed to megan.smith@ last month, then reset with
-- adminEmail megan.bowen@, sent the copy to her own mailbox through the alias.
--
-- The names a user had were in applies (its user.rename changes, inside a
-- json value of up to 120 MB that every plan would have to parse) and in
-- other_writes (renames outside tenantctl). Every plan reads them, so they
-- are kept here, one row per rename, whoever wrote it: an apply, init or
-- psql. Only this trigger writes it, as its owner (SECURITY DEFINER); no role
-- is granted more than reading it. The trigger fires for a statement that
-- sets user_principal_name (an apply's renames alone), and calls its
-- function only for a row whose name changed. A purged user's rows are left:
-- the read joins them to users, so they name nobody once the account is gone.
-- Running this file again changes nothing.

CREATE TABLE IF NOT EXISTS former_names (
  id                  bigserial PRIMARY KEY,
  user_id             uuid NOT NULL,
  user_principal_name text NOT NULL,
  renamed_to          text NOT NULL,
  renamed_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS former_names_user ON former_names (user_id);

CREATE OR REPLACE FUNCTION record_former_name() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO former_names (user_id, user_principal_name, renamed_to) VALUES (OLD.id, OLD.user_principal_name, NEW.user_principal_name);
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER users_record_former_name AFTER UPDATE OF user_principal_name ON users
  FOR EACH ROW WHEN (OLD.user_principal_name IS DISTINCT FROM NEW.user_principal_name)
  EXECUTE FUNCTION record_former_name();

-- The renames recorded before this migration: by applies (their changes,
-- read once here; only an apply whose text names a rename is parsed) and
-- outside tenantctl (other_writes, by the index of 0018). Only where the
-- table is still empty, so that running this file again adds nothing.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM former_names) THEN
    INSERT INTO former_names (user_id, user_principal_name, renamed_to, renamed_at)
    SELECT user_id, "from", "to", at FROM (
      SELECT (r->>'userId')::uuid AS user_id, r->>'fromUserPrincipalName' AS "from", r->>'userPrincipalName' AS "to", a.applied_at AS at, a.id AS apply_id, 0 AS outside_id
        FROM applies a, json_array_elements(CASE WHEN json_typeof(a.changes) = 'array' THEN a.changes ELSE '[]' END) r
       WHERE a.changes::text LIKE '%"user.rename"%' AND r->>'kind' = 'user.rename'
         AND json_typeof(r->'fromUserPrincipalName') = 'string' AND json_typeof(r->'userPrincipalName') = 'string'
         AND (r->>'userId') ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
         -- The writer may append an apply row of any changes: only a name users could have held is taken.
         AND r->>'fromUserPrincipalName' ~ '^[A-Za-z0-9''._!#^~-]{1,64}@[A-Za-z0-9.-]{1,48}$'
      UNION ALL
      SELECT w.user_id, w.before->>'user_principal_name', w.after->>'user_principal_name', w.written_at, 0, w.id
        FROM other_writes w
       WHERE w.table_name = 'users' AND w.operation = 'update' AND w.before ? 'user_principal_name' AND w.user_id IS NOT NULL
         AND jsonb_typeof(w.before->'user_principal_name') = 'string' AND jsonb_typeof(w.after->'user_principal_name') = 'string'
    ) AS renames
    WHERE "from" <> "to"
    ORDER BY at, apply_id, outside_id;
  END IF;
END $$;

-- Here as well as in sql/roles.sql: the reader reads it (every plan), where
-- roles.sql ran; the writer only through the reader.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_reader')
     AND has_table_privilege('tenantctl_reader', 'applies', 'SELECT') THEN
    GRANT SELECT ON former_names TO tenantctl_reader;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_writer') THEN
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON former_names FROM tenantctl_writer;
    REVOKE ALL ON SEQUENCE former_names_id_seq FROM tenantctl_writer;
  END IF;
END $$;
