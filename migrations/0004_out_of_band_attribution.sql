-- Out-of-band edits are attributed by the database itself. tenantctl's apply
-- marks its transaction with `SELECT set_config('tenantctl.apply_id', id, true)`
-- (transaction-local) and stamps the users it touched with `apply #id (actor)`.
-- Any other write to a user, its roles or its licences (psql, a script, an
-- admin tool) stamps the user row with `outside tenantctl by database role X`
-- and the time, so stale-plan messages and drift name who really changed it.
-- This is attribution, not authentication: a writer who sets the variable
-- itself is taken for tenantctl.
--
-- Functions keep the search_path they are created with (tenantctl's schema),
-- so the triggers work whatever the writing session's search_path is. The
-- WHEN clauses keep apply's own writes free of any per-row function call.

CREATE FUNCTION stamp_outside_write() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  NEW.updated_at := now();
  NEW.updated_by := 'outside tenantctl by database role ' || current_user;
  RETURN NEW;
END $$;

CREATE TRIGGER users_stamp_outside_write
  BEFORE INSERT OR UPDATE ON users
  FOR EACH ROW
  WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') = '')
  EXECUTE FUNCTION stamp_outside_write();

-- A role or licence written outside tenantctl stamps its user, once per
-- statement (set-based), through the users trigger above. Each branch names
-- only the transition tables its trigger declares.
CREATE FUNCTION stamp_outside_write_of_user() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE users SET updated_at = now() WHERE id IN (SELECT user_id FROM written_rows);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE users SET updated_at = now() WHERE id IN (SELECT user_id FROM removed_rows);
  ELSE
    UPDATE users SET updated_at = now()
     WHERE id IN (SELECT user_id FROM written_rows UNION SELECT user_id FROM removed_rows);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER user_roles_stamp_outside_insert
  AFTER INSERT ON user_roles REFERENCING NEW TABLE AS written_rows
  FOR EACH STATEMENT WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') = '')
  EXECUTE FUNCTION stamp_outside_write_of_user();
CREATE TRIGGER user_roles_stamp_outside_update
  AFTER UPDATE ON user_roles REFERENCING NEW TABLE AS written_rows OLD TABLE AS removed_rows
  FOR EACH STATEMENT WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') = '')
  EXECUTE FUNCTION stamp_outside_write_of_user();
CREATE TRIGGER user_roles_stamp_outside_delete
  AFTER DELETE ON user_roles REFERENCING OLD TABLE AS removed_rows
  FOR EACH STATEMENT WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') = '')
  EXECUTE FUNCTION stamp_outside_write_of_user();

CREATE TRIGGER license_assignments_stamp_outside_insert
  AFTER INSERT ON license_assignments REFERENCING NEW TABLE AS written_rows
  FOR EACH STATEMENT WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') = '')
  EXECUTE FUNCTION stamp_outside_write_of_user();
CREATE TRIGGER license_assignments_stamp_outside_update
  AFTER UPDATE ON license_assignments REFERENCING NEW TABLE AS written_rows OLD TABLE AS removed_rows
  FOR EACH STATEMENT WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') = '')
  EXECUTE FUNCTION stamp_outside_write_of_user();
CREATE TRIGGER license_assignments_stamp_outside_delete
  AFTER DELETE ON license_assignments REFERENCING OLD TABLE AS removed_rows
  FOR EACH STATEMENT WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') = '')
  EXECUTE FUNCTION stamp_outside_write_of_user();

CREATE TRIGGER license_disabled_plans_stamp_outside_insert
  AFTER INSERT ON license_disabled_plans REFERENCING NEW TABLE AS written_rows
  FOR EACH STATEMENT WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') = '')
  EXECUTE FUNCTION stamp_outside_write_of_user();
CREATE TRIGGER license_disabled_plans_stamp_outside_update
  AFTER UPDATE ON license_disabled_plans REFERENCING NEW TABLE AS written_rows OLD TABLE AS removed_rows
  FOR EACH STATEMENT WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') = '')
  EXECUTE FUNCTION stamp_outside_write_of_user();
CREATE TRIGGER license_disabled_plans_stamp_outside_delete
  AFTER DELETE ON license_disabled_plans REFERENCING OLD TABLE AS removed_rows
  FOR EACH STATEMENT WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') = '')
  EXECUTE FUNCTION stamp_outside_write_of_user();
