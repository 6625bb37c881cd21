-- apply_writes (0024) says which users an apply's statement wrote, by table
-- and operation, not which columns. history takes a `users update` of a user
-- the record names for any change for the stamp every apply gives it, so a
-- writer that recorded a copy of a merged pull request's apply (its changes,
-- hashes and digest), marked its transaction with it, and in one UPDATE made
-- the change asked for and replaced a Global administrator's password_hash,
-- left history showing the reviewed change alone; drift and plan compare no
-- credential, and the pipeline's own apply of the plan said it was applied
-- already (helper attack, December 2026).
--
-- So an update of users now also records, per user whose row it changed in
-- one of the columns that make or govern its password (old row against new),
-- the user's id, name and those columns' names, never their values:
-- credential_writes, null when the statement changed none (and for every
-- statement recorded before this migration). Only a user.create or
-- user.password-reset of the user, or for password_policies a user.update
-- that sets it, explains one (src/audit). Running this file again changes
-- nothing.

ALTER TABLE apply_writes ADD COLUMN IF NOT EXISTS credential_writes jsonb;

-- 0024's function, with credential_writes for an update of users. The join
-- of the statement's rows is what the rename's names already pay.
CREATE OR REPLACE FUNCTION record_apply_write() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  apply bigint := (SELECT max(id) FROM applies WHERE xmin = pg_current_xact_id()::xid);
  counted text := CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END;
  written bigint;
  ids uuid[] := '{}';
  names text[] := '{}';
  credentials jsonb;
BEGIN
  IF apply IS NULL THEN
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'users' THEN
    EXECUTE format('SELECT count(*), coalesce(array_agg(id), ''{}''), coalesce(array_agg(user_principal_name), ''{}'') FROM %I', counted)
      INTO written, ids, names;
    IF TG_OP = 'UPDATE' THEN
      names := names || ARRAY(SELECT o.user_principal_name FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.user_principal_name <> n.user_principal_name);
      SELECT jsonb_agg(jsonb_build_object('userId', c.id, 'userPrincipalName', c.user_principal_name, 'columns', c.columns))
        INTO credentials
        FROM (SELECT n.id, n.user_principal_name, array_remove(ARRAY[
                       CASE WHEN o.password_hash IS DISTINCT FROM n.password_hash THEN 'password_hash' END,
                       CASE WHEN o.force_change_password IS DISTINCT FROM n.force_change_password THEN 'force_change_password' END,
                       CASE WHEN o.password_temporary IS DISTINCT FROM n.password_temporary THEN 'password_temporary' END,
                       CASE WHEN o.password_expires_at IS DISTINCT FROM n.password_expires_at THEN 'password_expires_at' END,
                       CASE WHEN o.password_reset_token IS DISTINCT FROM n.password_reset_token THEN 'password_reset_token' END,
                       CASE WHEN o.password_policies IS DISTINCT FROM n.password_policies THEN 'password_policies' END], NULL) AS columns
                FROM old_rows o JOIN new_rows n ON n.id = o.id
               WHERE o.password_hash IS DISTINCT FROM n.password_hash
                  OR o.force_change_password IS DISTINCT FROM n.force_change_password
                  OR o.password_temporary IS DISTINCT FROM n.password_temporary
                  OR o.password_expires_at IS DISTINCT FROM n.password_expires_at
                  OR o.password_reset_token IS DISTINCT FROM n.password_reset_token
                  OR o.password_policies IS DISTINCT FROM n.password_policies) c;
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
    INSERT INTO apply_writes (apply_id, table_name, operation, row_count, user_ids, user_principal_names, credential_writes)
    VALUES (apply, TG_TABLE_NAME, lower(TG_OP), written, ids, names, credentials);
  END IF;
  RETURN NULL;
END $$;
