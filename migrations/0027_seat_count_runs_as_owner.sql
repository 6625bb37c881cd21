-- A subscription's consumed seats are counted by the seat-count trigger
-- (0005), which ran as the writing role, so the writer role was granted
-- UPDATE of consumed, and with it could set the count by hand: to the seats
-- (every later apply refused for want of seats) or to 0 (the database's own
-- cap, consumed <= seats, switched off), and a change of consumed alone is
-- not logged (0016 counts it with every licence written) (helper-83). The
-- trigger now runs as the tables' owner, and the writer keeps UPDATE of the
-- seats alone (a purchase). Running this file again changes nothing.

ALTER FUNCTION count_consumed_seats() SECURITY DEFINER;

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_writer') THEN
    REVOKE UPDATE (consumed) ON subscriptions FROM tenantctl_writer;
  END IF;
END $$;
