-- Re-running a pipeline's apply job with the saved plan it applied already
-- (GitHub's "Re-run all jobs" after deliver failed) was refused as a stale
-- plan, with no word that the plan had been applied. Each apply now records
-- which plan it applied: a digest of the plan's fingerprint (the rows it was
-- made from) and its planHash (its changes and purchases). A plan with the
-- same changes made from other rows has another digest, so apply can say
-- that exactly this plan was applied, and by which apply. Applies made
-- before this have none (null).
ALTER TABLE applies ADD COLUMN IF NOT EXISTS plan_digest text;
CREATE INDEX IF NOT EXISTS applies_plan_digest ON applies (plan_digest) WHERE plan_digest IS NOT NULL;

-- Here as well as in sql/roles.sql, for tenants whose roles.sql predates this:
-- the writer appends the new column with the rest of its apply row.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_writer')
     AND has_column_privilege('tenantctl_writer', 'applies', 'actor', 'INSERT') THEN
    GRANT INSERT (plan_digest) ON applies TO tenantctl_writer;
  END IF;
END $$;
