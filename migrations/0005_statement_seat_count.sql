-- Seat counting, set-based. 0001's row-level trigger updated the same
-- subscriptions row once per licence; within one transaction every update
-- walks a longer chain of that row's versions, so licensing N users cost
-- O(N²) (100,000 licences in one statement took over six minutes). These
-- statement-level triggers read the statement's transition tables and update
-- each subscription once per statement, by the net change of its count.
--
-- consumed must stay exactly count(*) of the subscription's assignments, and
-- CHECK (consumed <= seats) still rejects a statement that oversubscribes.

DROP TRIGGER license_assignments_consume ON license_assignments;
DROP FUNCTION count_consumed_seats();

CREATE FUNCTION count_consumed_seats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Each branch names only the transition tables its trigger declares.
  IF TG_OP = 'INSERT' THEN
    UPDATE subscriptions s SET consumed = s.consumed + d.delta
      FROM (SELECT sku, count(*)::int AS delta FROM added_assignments GROUP BY sku) d
     WHERE s.sku = d.sku;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE subscriptions s SET consumed = s.consumed - d.delta
      FROM (SELECT sku, count(*)::int AS delta FROM removed_assignments GROUP BY sku) d
     WHERE s.sku = d.sku;
  ELSE
    -- An UPDATE that moves assignments between subscriptions (no tenantctl
    -- statement does, but anyone with psql may).
    UPDATE subscriptions s SET consumed = s.consumed + d.delta
      FROM (SELECT sku, sum(n)::int AS delta
              FROM (SELECT sku, 1 AS n FROM added_assignments
                    UNION ALL SELECT sku, -1 FROM removed_assignments) moved
             GROUP BY sku) d
     WHERE s.sku = d.sku AND d.delta <> 0;
  END IF;
  RETURN NULL;
END $$;

-- A trigger with transition tables may have only one event and no column
-- list, hence three, the UPDATE one firing for any column (net delta 0).
CREATE TRIGGER license_assignments_consume_insert
  AFTER INSERT ON license_assignments
  REFERENCING NEW TABLE AS added_assignments
  FOR EACH STATEMENT EXECUTE FUNCTION count_consumed_seats();

CREATE TRIGGER license_assignments_consume_delete
  AFTER DELETE ON license_assignments
  REFERENCING OLD TABLE AS removed_assignments
  FOR EACH STATEMENT EXECUTE FUNCTION count_consumed_seats();

CREATE TRIGGER license_assignments_consume_update
  AFTER UPDATE ON license_assignments
  REFERENCING OLD TABLE AS removed_assignments NEW TABLE AS added_assignments
  FOR EACH STATEMENT EXECUTE FUNCTION count_consumed_seats();

-- Start from the truth, whatever the old trigger left.
UPDATE subscriptions s SET consumed = (SELECT count(*) FROM license_assignments a WHERE a.sku = s.sku)
 WHERE consumed <> (SELECT count(*) FROM license_assignments a WHERE a.sku = s.sku);
