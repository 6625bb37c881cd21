-- The writer role inserts an apply's purchases and queued credentials, and
-- named the apply they belong to itself: a purchase of 50 seats "approved by"
-- anyone could be attached to an apply of last month, and a credential queued
-- outside any apply, for any recipients, left no trace (helper-79). Now a row
-- of either must name the apply its transaction recorded (0015's test: a row
-- of applies this transaction inserted), and a credential queued outside an
-- apply (the owner's psql) is kept in other_writes (0016), its sealed
-- password only as "(sealed, not kept here)". Running this file again
-- changes nothing.

CREATE OR REPLACE FUNCTION refuse_row_of_another_apply() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM applies WHERE id = NEW.apply_id AND xmin = pg_current_xact_id()::xid) THEN
    RAISE EXCEPTION 'refused: a row of % must name the apply recorded in its own transaction, not apply %; only tenantctl apply writes them', TG_TABLE_NAME, NEW.apply_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE TRIGGER purchases_name_their_apply BEFORE INSERT OR UPDATE ON purchases
  FOR EACH ROW EXECUTE FUNCTION refuse_row_of_another_apply();

-- In an apply, its credentials name it; outside one (the owner seeding a
-- notification by hand, as tests do) they are logged instead.
CREATE OR REPLACE TRIGGER credential_notifications_name_their_apply BEFORE INSERT ON credential_notifications
  FOR EACH ROW WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') <> '')
  EXECUTE FUNCTION refuse_row_of_another_apply();

CREATE OR REPLACE TRIGGER credential_notifications_log_other_write AFTER INSERT OR DELETE ON credential_notifications
  FOR EACH ROW WHEN (coalesce(current_setting('tenantctl.apply_id', true), '') = '')
  EXECUTE FUNCTION log_other_write();
