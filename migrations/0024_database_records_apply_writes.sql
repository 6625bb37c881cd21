-- An apply's row in applies says what tenantctl changed, and the writer role
-- inserts it. A writer that inserted one listing no change, marked its
-- transaction with it (0015 asks only that the apply be this transaction's)
-- and then granted a Global administrator with plain SQL left nothing that
-- said so (helper-79): the marker skips other_writes (0016), the user's stamp
-- stayed the last real apply's (0021), and the apply's record said "no
-- changes".
--
-- So the database now records itself, for each statement an apply's
-- transaction runs on the directory, the seats or the outbox, what it wrote:
-- the table, insert, update or delete, how many rows, and which users (their
-- ids, and their names before and after, so a rename shows both), in
-- apply_writes. Only these triggers write it, as its owner (SECURITY
-- DEFINER); no role is granted more than reading it. history compares it with
-- the changes the apply recorded and names each user written that the record
-- does not. One row per statement, the users aggregated from its transition
-- tables. Running this file again changes nothing.

CREATE TABLE IF NOT EXISTS apply_writes (
  id                   bigserial PRIMARY KEY,
  apply_id             bigint NOT NULL REFERENCES applies (id),
  table_name           text NOT NULL,
  operation            text NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
  row_count            bigint NOT NULL,
  user_ids             uuid[] NOT NULL DEFAULT '{}',
  user_principal_names text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS apply_writes_apply ON apply_writes (apply_id);

-- Which rows a statement wrote, by user: a users row names itself (an
-- update's names before and after, so a rename records both); a row of
-- another table names its user by user_id, and the user's name as it is now
-- (a purge's cascade finds none, and keeps the id; the purge's own delete of
-- users names it). Aggregated without sorting where rows are one per user:
-- adopting 100,000 users costs the update about 0.3 s more. Recorded under
-- the apply this transaction recorded, not the mark's value when the
-- statement ends, which the statement itself may have changed (0026); a
-- transaction that recorded none is other_writes' (0016).
CREATE OR REPLACE FUNCTION record_apply_write() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  apply bigint := (SELECT max(id) FROM applies WHERE xmin = pg_current_xact_id()::xid);
  counted text := CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END;
  written bigint;
  ids uuid[] := '{}';
  names text[] := '{}';
BEGIN
  IF apply IS NULL THEN
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'users' THEN
    EXECUTE format('SELECT count(*), coalesce(array_agg(id), ''{}''), coalesce(array_agg(user_principal_name), ''{}'') FROM %I', counted)
      INTO written, ids, names;
    IF TG_OP = 'UPDATE' THEN
      names := names || ARRAY(SELECT o.user_principal_name FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.user_principal_name <> n.user_principal_name);
    END IF;
  ELSIF TG_TABLE_NAME = 'subscriptions' THEN
    EXECUTE format('SELECT count(*) FROM %I', counted) INTO written;
  ELSE
    EXECUTE format(
      'SELECT count(*), coalesce(array_agg(DISTINCT r.user_id) FILTER (WHERE r.user_id IS NOT NULL), ''{}''),
              coalesce(array_agg(DISTINCT u.user_principal_name) FILTER (WHERE u.user_principal_name IS NOT NULL), ''{}'')
         FROM %I r LEFT JOIN users u ON u.id = r.user_id', counted)
      INTO written, ids, names;
  END IF;
  IF written > 0 THEN
    INSERT INTO apply_writes (apply_id, table_name, operation, row_count, user_ids, user_principal_names)
    VALUES (apply, TG_TABLE_NAME, lower(TG_OP), written, ids, names);
  END IF;
  RETURN NULL;
END $$;

-- One trigger per table and event (a trigger with transition tables has one
-- event), after every statement: whether it is an apply's is the function's
-- to find, once per statement.
DO $$
DECLARE
  written text;
  event text;
BEGIN
  FOREACH written IN ARRAY ARRAY['users', 'user_roles', 'license_assignments', 'license_disabled_plans', 'subscriptions', 'credential_notifications'] LOOP
    FOREACH event IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
      EXECUTE format(
        $sql$CREATE OR REPLACE TRIGGER %I AFTER %s ON %I
               REFERENCING %s
               FOR EACH STATEMENT EXECUTE FUNCTION record_apply_write()$sql$,
        written || '_record_apply_' || lower(event), event, written,
        CASE event WHEN 'INSERT' THEN 'NEW TABLE AS new_rows' WHEN 'DELETE' THEN 'OLD TABLE AS old_rows' ELSE 'NEW TABLE AS new_rows OLD TABLE AS old_rows' END);
    END LOOP;
  END LOOP;
END $$;

-- 0015's check, on the outbox too: its rows are an apply's writes, and a
-- marker that names no apply of this transaction is refused there as well.
CREATE OR REPLACE TRIGGER credential_notifications_apply_marker_names_apply BEFORE INSERT OR UPDATE OR DELETE ON credential_notifications
  FOR EACH STATEMENT WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') <> '')
  EXECUTE FUNCTION refuse_apply_marker_without_apply();

-- Here as well as in sql/roles.sql: the reader reads it (history), where
-- roles.sql ran; the writer only through the reader. A roles.sql from before
-- 0011 gave the writer every table and sequence created since (default
-- privileges): taken away, as 0016 does for other_writes.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_reader')
     AND has_table_privilege('tenantctl_reader', 'applies', 'SELECT') THEN
    GRANT SELECT ON apply_writes TO tenantctl_reader;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_writer') THEN
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON apply_writes FROM tenantctl_writer;
    REVOKE ALL ON SEQUENCE apply_writes_id_seq FROM tenantctl_writer;
  END IF;
END $$;
