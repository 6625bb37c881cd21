-- deliver holds back the credentials of users deleted since apply queued them
-- (src/outbox/deliver.ts): a "your account was created" message for an account
-- in the recycle bin would be wrong. The deliverer role (sql/roles.sql) could
-- read nothing of the directory; it now needs to know which users are deleted,
-- and only that: their id and deletion time, no name, no attribute. Granted
-- here as well as in sql/roles.sql, so that a tenant upgraded without running
-- roles.sql again keeps delivering; where the role does not exist (the
-- embedded database, a tenant without roles.sql) there is nothing to grant.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_deliverer') THEN
    GRANT SELECT (id, deleted_at) ON users TO tenantctl_deliverer;
  END IF;
END $$;
