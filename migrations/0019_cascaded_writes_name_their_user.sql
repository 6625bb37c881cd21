-- A user deleted for good outside tenantctl (DELETE FROM users) takes its
-- roles, licences and disabled plans with it by cascade. The cascade's
-- deletes run after the user's row is gone, so log_other_write (0016, 0017)
-- found no name for them: history's JSON gave their userPrincipalName as
-- null (its text, which groups rows by user id, named them). They now take
-- the name the user's own delete recorded, and the rows kept before this
-- migration are given it too.
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
    IF upn IS NULL THEN
      -- The user row is gone (a cascade runs after its delete): the name
      -- its own delete, or an earlier outside write, recorded.
      SELECT w.user_principal_name INTO upn FROM other_writes w
       WHERE w.user_id = row_user AND w.table_name = 'users' AND w.user_principal_name IS NOT NULL
       ORDER BY w.id DESC LIMIT 1;
    END IF;
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

UPDATE other_writes c SET user_principal_name = (
         SELECT w.user_principal_name FROM other_writes w
          WHERE w.user_id = c.user_id AND w.table_name = 'users' AND w.user_principal_name IS NOT NULL
          ORDER BY w.id DESC LIMIT 1)
 WHERE c.user_principal_name IS NULL AND c.user_id IS NOT NULL AND c.table_name <> 'users';
