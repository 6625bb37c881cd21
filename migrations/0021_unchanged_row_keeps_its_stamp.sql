-- An UPDATE of a user that changed nothing (`SET city = city`) stamped the
-- row as changed outside tenantctl by the role that ran it: drift then named
-- that role, at that time, as the author of changes another role had made
-- before (the audit trail, other_writes, recorded no write for it, rightly).
-- The stamp now needs a change to the row: the whole row but the generated
-- domain, which a BEFORE trigger cannot see yet, and which follows the UPN.
-- A write to the stamp itself (updated_at, updated_by) is a change, and is
-- stamped over as before. An INSERT is always one. As in 0016, the stamp
-- names the login that connected.
CREATE OR REPLACE FUNCTION stamp_outside_write() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND to_jsonb(OLD) - 'domain' = to_jsonb(NEW) - 'domain' THEN
    RETURN NEW;
  END IF;
  NEW.updated_at := now();
  NEW.updated_by := 'outside tenantctl by database role ' || session_user;
  RETURN NEW;
END $$;
