-- The marker (tenantctl.apply_id) was checked at a statement's start (0015)
-- and read at its end (0024), but the row triggers read it as each row is
-- written (0004's stamp, 0016's other_writes), and set_config() in a WHERE
-- or RETURNING clause changes it in the middle of a statement: unset at the
-- start, set to an old apply while the rows were written, the writer granted
-- a Global administrator that neither other_writes nor apply_writes recorded,
-- and the user's stamp kept naming that old apply (helper-82).
--
-- Now a row written while the marker is set must be written in the
-- transaction of the apply it names, checked row by row (only an apply's
-- rows pay: about 0.5 s for 100,000), and the writes of a transaction that
-- recorded an apply go to apply_writes under that apply whatever the marker
-- says when the statement ends. So every row is either logged in other_writes
-- (no marker when it was written) or recorded with its transaction's apply.
-- Running this file again changes nothing.

CREATE OR REPLACE FUNCTION refuse_row_marker_without_apply() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  marker text := current_setting('tenantctl.apply_id', true);
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM applies
     WHERE id = CASE WHEN marker ~ '^[0-9]{1,18}$' THEN marker::bigint END
       AND xmin = pg_current_xact_id()::xid) THEN
    RAISE EXCEPTION 'refused: tenantctl.apply_id is set to "%", which names no apply recorded in this transaction; only tenantctl apply marks its writes as its own (write without it, and the change is stamped as made outside tenantctl)', left(marker, 40)
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

DO $$
DECLARE
  written text;
BEGIN
  FOREACH written IN ARRAY ARRAY['users', 'user_roles', 'license_assignments', 'license_disabled_plans', 'subscriptions', 'credential_notifications'] LOOP
    EXECUTE format(
      $sql$CREATE OR REPLACE TRIGGER %I BEFORE INSERT OR UPDATE OR DELETE ON %I
             FOR EACH ROW WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') <> '')
             EXECUTE FUNCTION refuse_row_marker_without_apply()$sql$,
      written || '_row_marker_names_apply', written);
  END LOOP;
END $$;

-- The writes of an apply's transaction, recorded under the apply that
-- transaction recorded (not the marker's value when the statement ends,
-- which the statement itself may have changed); a transaction that recorded
-- none wrote every row unmarked (checked above), and other_writes has them.
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
