-- deliver sent a new user's credentials under the name apply queued them
-- with (src/outbox/deliver.ts): renamed before deliver ran, as a typo fixed
-- in the next pull request is, the user was handed a user ID that no longer
-- signs in. The deliverer role now reads each user's current name as well,
-- still no attribute. Granted here as in sql/roles.sql (see 0010).
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_deliverer') THEN
    GRANT SELECT (user_principal_name) ON users TO tenantctl_deliverer;
  END IF;
END $$;
