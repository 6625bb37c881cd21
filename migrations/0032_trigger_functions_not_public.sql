-- A trigger function's EXECUTE privilege is checked when a trigger is
-- created, not when it fires; PostgreSQL grants it to PUBLIC. Every role may
-- create a temporary table (TEMP on the database is PUBLIC's too), and a
-- trigger on it: the reader, whose credentials run a pull request's code,
-- could fire record_former_name, log_other_write, record_apply_write or
-- count_consumed_seats, which run as their owner (SECURITY DEFINER), on rows
-- of its own temporary table named users, and so write former_names (forged
-- names: a copy withheld, a notify refused, plans fed rows without end),
-- other_writes and apply_writes (a forged audit trail) or a subscription's
-- consumed seats. No role needs to call them: the triggers the migrations
-- created fire them whoever writes. Running this file again changes nothing.
DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
            WHERE p.pronamespace = current_schema()::regnamespace AND p.prorettype = 'trigger'::regtype
  LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
  END LOOP;
END $$;
