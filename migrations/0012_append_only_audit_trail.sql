-- The writer role of sql/roles.sql (the merge pipeline) could update and
-- delete the audit trail: rewrite who applied what, erase a purchase. An
-- apply only inserts into applies and purchases (its own rows; no statement
-- updates or deletes one, and nothing cascades into them), so the writer now
-- inserts and nothing more, and not the id or the time, which the database
-- assigns: a row can be neither backdated nor slipped in among earlier ones.
--
-- Here as well as in sql/roles.sql, for tenants whose roles.sql predates this.
-- Taking away is safe anywhere; the narrower INSERT is granted only where the
-- writer held INSERT on the whole table (roles.sql ran in this database).
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_writer') THEN
    REVOKE UPDATE, DELETE, TRUNCATE ON applies, purchases FROM tenantctl_writer;
    IF has_table_privilege('tenantctl_writer', 'applies', 'INSERT') THEN
      REVOKE INSERT ON applies FROM tenantctl_writer;
      GRANT INSERT (actor, host, git_commit, config_hash, plan_hash, tool_version, summary, changes, settings)
        ON applies TO tenantctl_writer;
    END IF;
    IF has_table_privilege('tenantctl_writer', 'purchases', 'INSERT') THEN
      REVOKE INSERT ON purchases FROM tenantctl_writer;
      GRANT INSERT (apply_id, sku, quantity, unit_price, currency, monthly_cost, approved_by, plan_hash)
        ON purchases TO tenantctl_writer;
    END IF;
  END IF;
END $$;
