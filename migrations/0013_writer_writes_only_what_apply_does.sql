-- The writer role of sql/roles.sql (the merge pipeline) held INSERT, UPDATE
-- and DELETE on every table but a list of exceptions, so more than apply
-- writes: it could insert, reprice or delete subscriptions (the catalog is
-- init's, and the prices are what plans and their reviewers count purchases
-- in), update role and licence rows (apply only inserts and deletes them),
-- and queue a notification already marked delivered. It now writes what apply
-- does and no more: of subscriptions only the seats (a purchase) and the
-- count the seat trigger keeps, and of the outbox only a new notification.
--
-- Here as well as in sql/roles.sql, for tenants whose roles.sql predates this.
-- Taking away is safe anywhere; the narrower grants are made only where the
-- writer held the wider one (roles.sql ran in this database).
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_writer') THEN
    REVOKE INSERT, DELETE, TRUNCATE ON subscriptions FROM tenantctl_writer;
    REVOKE UPDATE, TRUNCATE ON user_roles, license_assignments, license_disabled_plans FROM tenantctl_writer;
    IF has_table_privilege('tenantctl_writer', 'subscriptions', 'UPDATE') THEN
      REVOKE UPDATE ON subscriptions FROM tenantctl_writer;
      GRANT UPDATE (seats, consumed) ON subscriptions TO tenantctl_writer;
    END IF;
    IF has_table_privilege('tenantctl_writer', 'credential_notifications', 'INSERT') THEN
      REVOKE INSERT ON credential_notifications FROM tenantctl_writer;
      GRANT INSERT (apply_id, user_id, user_principal_name, recipients, sealed_password, reason, force_change)
        ON credential_notifications TO tenantctl_writer;
    END IF;
  END IF;
END $$;
