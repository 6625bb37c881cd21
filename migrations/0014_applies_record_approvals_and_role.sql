-- The audit trail said who applied what, but not how the apply was approved:
-- a Global administrator granted by `--approve-privileged` in a pipeline and
-- one confirmed by a person typing "privileged" at a terminal left the same
-- row. Each apply now records its confirmation (--auto-approve or "yes"
-- typed) and each approval its plan needed (purchase, deletions, privileged),
-- as given by flag or by prompt. Applies made before this have none (null).
ALTER TABLE applies ADD COLUMN IF NOT EXISTS approvals jsonb;

-- `actor` is what the apply was told (--actor, the CI's user): whoever runs it
-- chooses it. The database role whose credentials wrote the row is now kept
-- beside it, set by the database: no role is granted this column, so an
-- apply cannot choose it. Earlier applies keep null (the default is set after
-- the column is added, so it is not filled in with the migrating role).
ALTER TABLE applies ADD COLUMN IF NOT EXISTS database_role text;
ALTER TABLE applies ALTER COLUMN database_role SET DEFAULT session_user;

-- Here as well as in sql/roles.sql, for tenants whose roles.sql predates this:
-- the writer appends the new column with the rest of its apply row.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_writer')
     AND has_column_privilege('tenantctl_writer', 'applies', 'actor', 'INSERT') THEN
    GRANT INSERT (approvals) ON applies TO tenantctl_writer;
  END IF;
END $$;
