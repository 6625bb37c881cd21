-- Microsoft Graph's passwordPolicies of a user: DisablePasswordExpiration
-- (the user's passwords never expire, as Microsoft recommends for an
-- emergency "break-glass" account), or NULL, the default: they expire after
-- 90 days. DisableStrongPassword, which Graph also knows, is refused here as
-- in a configuration: the strong-password rules are not optional. A
-- temporary password tenantctl sets still expires after 90 days whatever the
-- policy (password_expires_at): the first password must be changed.
--
-- Existing rows get NULL, which is what they had: every password expired.
ALTER TABLE users ADD COLUMN IF NOT EXISTS password_policies text
  CONSTRAINT users_password_policies_check CHECK (password_policies = 'DisablePasswordExpiration');

-- The reader reads users by named columns (0011); where roles.sql ran (the
-- reader can read the UPN), it reads this one too, as sql/roles.sql now
-- grants. The writer's INSERT and UPDATE are on the whole table.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_reader')
     AND has_column_privilege('tenantctl_reader', 'users', 'user_principal_name', 'SELECT') THEN
    GRANT SELECT (password_policies) ON users TO tenantctl_reader;
  END IF;
END $$;
