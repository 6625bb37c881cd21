-- init marks its transactions (tenantctl.command = 'init', 0016) and history
-- shows their writes as init's. Any session can set that variable: the merge
-- pipeline's writer could mark a transaction that raised seats or replaced a
-- Global administrator's password hash, and history showed "init … by alice
-- (database role ci_apply)" for a command that role cannot run and that
-- never writes users.
--
-- The mark is now kept only for a write init can have made: by a role that
-- owns the table (init runs as the owner, which can change anything anyway),
-- and not to the directory's tables, which init never writes. Any other
-- marked write is kept as written outside tenantctl (command null), with
-- the actor and host it claimed, and so is any such entry kept before.
-- Running this file again changes nothing.

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
  marked_command text;
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
  -- init's mark only where init can have written: a role that owns the
  -- table (init runs as the owner), and not the directory, which init never
  -- writes. Anyone else's mark is what it is: a claim, not kept.
  IF TG_TABLE_NAME NOT IN ('users', 'user_roles', 'license_assignments', 'license_disabled_plans')
     AND pg_has_role(session_user, (SELECT c.relowner FROM pg_class c WHERE c.oid = TG_RELID), 'MEMBER') THEN
    marked_command := nullif(current_setting('tenantctl.command', true), '');
  END IF;
  INSERT INTO other_writes (command, actor, host, table_name, operation, user_id, user_principal_name, row_key, before, after)
  VALUES (marked_command, nullif(current_setting('tenantctl.actor', true), ''),
          nullif(current_setting('tenantctl.host', true), ''), TG_TABLE_NAME, lower(TG_OP), row_user, upn, row_key,
          other_write_image(before), other_write_image(after));
  RETURN NULL;
END $$;

-- Entries kept before this migration carry the mark as it was set: the same
-- rule applied to them, so an old forged "init" reads as what it was. Only the
-- label changes; the role, time, actor claimed and rows written stay.
UPDATE other_writes w SET command = NULL
 WHERE w.command IS NOT NULL
   AND (w.table_name IN ('users', 'user_roles', 'license_assignments', 'license_disabled_plans')
        OR NOT EXISTS (SELECT 1 FROM pg_roles r JOIN pg_class c ON c.oid = to_regclass(w.table_name)
                        WHERE r.rolname = w.database_role AND pg_has_role(r.oid, c.relowner, 'MEMBER')));
