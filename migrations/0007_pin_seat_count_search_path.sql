-- The seat-count trigger function (0005) looked its tables up through the
-- writing session's search_path. A writer other than tenantctl (psql, a
-- script) whose search_path does not start with tenantctl would make it read
-- or update other tables, or fail. Pin it to tenantctl's schema, as the
-- attribution triggers of 0004 are.
ALTER FUNCTION count_consumed_seats() SET search_path = tenantctl, pg_temp;
