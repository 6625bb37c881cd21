-- A way into an account (its password reset, a phone set where a
-- self-service reset sends its code, sign-in allowed again) is privileged only
-- while the account holds an admin role: a plan changing it then needs
-- --approve-privileged. Three pull requests, each merged on its own, took an
-- account the long way round: revoke Joep's Exchange administrator (not
-- privileged), set his mobile phone to the author's (he held no role: not
-- privileged), grant the role back. Only the last needed approval, and it
-- showed the grant alone; the approver could not know the way in had moved.
--
-- This table keeps, per account holding no admin role, the latest change of
-- each way in since it last held one, whoever made it (an apply, or psql),
-- and for a reset where apply queued its temporary password. Plan warns on a
-- grant to an account with rows here (WAY_IN_CHANGED_WITHOUT_ROLE), in the
-- plan the approver reviews. A grant clears the account's rows: that approver
-- was shown them. Only these triggers write it, as its owner (SECURITY
-- DEFINER); the reader reads it, no role writes it. Rows are per account and
-- way, the latest kept, so the table holds at most four rows per account.
-- A purged account's rows go with it. Changes made before this migration are
-- not recorded: the applies recorded them, but not whether the account held
-- a role then. Running this file again changes nothing.
--
-- An account apply creates under a name another account had (former_names,
-- migration 0031) is recorded too ('created', its phones): its first password
-- went where the creating plan's notify said, with no approval, as no role
-- can be held before the row exists. Renaming Pieter away (no role) and
-- creating a new pieter.bakker@ for the author, then granting the role to the
-- name, showed the grant's approver the name that held it before and nothing
-- else. A new name is not recorded: every plan reads this table, and a row per
-- account tenantctl ever created (up to three) cost a 10,000-user embedded
-- read 234 -> 402 ms of CPU; a grant to a new name is a grant to an account
-- its approver does not know yet. Accounts written by SQL (a directory seeded
-- to be adopted) are not recorded either: no pull request chose where their
-- password went.

CREATE TABLE IF NOT EXISTS unapproved_ways_in (
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  way        text NOT NULL CHECK (way IN ('created', 'password', 'mobilePhone', 'businessPhones', 'signIn')),
  -- The apply that made the change (its marker, migration 0015), or null outside tenantctl.
  apply_id   bigint,
  changed_at timestamptz NOT NULL DEFAULT now(),
  -- A reset's: where apply queued its temporary password (set when it queues it).
  recipients text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (user_id, way)
);

-- A phone number as written, without the ASCII spaces, dashes, dots,
-- brackets and slashes that only format it, as the planner compares an
-- admin's (privileged-roles.ts): writing the same number another way points
-- no code anywhere new. Any other difference counts (a digit of another
-- script, another kind of space).
CREATE OR REPLACE FUNCTION phone_digits(phone text) RETURNS text LANGUAGE sql IMMUTABLE
SET search_path FROM CURRENT AS $$
  SELECT regexp_replace(coalesce(phone, ''), '[ ()./-]', '', 'g')
$$;

CREATE OR REPLACE FUNCTION record_unapproved_way_in() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  ways text[] := '{}';
  marker bigint;
BEGIN
  IF NEW.deleted_at IS NOT NULL OR EXISTS (SELECT FROM user_roles r WHERE r.user_id = NEW.id) THEN
    RETURN NULL;
  END IF;
  IF NEW.password_hash IS NOT NULL AND NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN
    ways := array_append(ways, 'password');
  END IF;
  IF phone_digits(NEW.mobile_phone) <> '' AND phone_digits(NEW.mobile_phone) <> phone_digits(OLD.mobile_phone) THEN
    ways := array_append(ways, 'mobilePhone');
  END IF;
  IF EXISTS (SELECT FROM unnest(NEW.business_phones) AS n(phone)
              WHERE phone_digits(n.phone) <> ''
                AND phone_digits(n.phone) NOT IN (SELECT phone_digits(o.phone) FROM unnest(OLD.business_phones) AS o(phone))) THEN
    ways := array_append(ways, 'businessPhones');
  END IF;
  IF NEW.account_enabled AND NOT OLD.account_enabled THEN
    ways := array_append(ways, 'signIn');
  END IF;
  IF cardinality(ways) = 0 THEN
    RETURN NULL;
  END IF;
  -- Informative only: the apply to look up in history. Not an apply's id, or none: null.
  marker := CASE WHEN current_setting('tenantctl.apply_id', true) ~ '^[0-9]{1,18}$' THEN current_setting('tenantctl.apply_id', true)::bigint END;
  INSERT INTO unapproved_ways_in (user_id, way, apply_id)
  SELECT NEW.id, w, marker FROM unnest(ways) AS w
  ON CONFLICT (user_id, way) DO UPDATE SET apply_id = EXCLUDED.apply_id, changed_at = now(), recipients = '{}';
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER users_record_unapproved_way_in
  AFTER UPDATE OF password_hash, mobile_phone, business_phones, account_enabled ON users
  FOR EACH ROW
  WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash OR OLD.mobile_phone IS DISTINCT FROM NEW.mobile_phone
        OR OLD.business_phones IS DISTINCT FROM NEW.business_phones OR (NEW.account_enabled AND NOT OLD.account_enabled))
  EXECUTE FUNCTION record_unapproved_way_in();

-- A statement's new accounts at once: an apply creating thousands fires this once.
-- Only a name another account had is looked up, once per new account.
CREATE OR REPLACE FUNCTION record_created_ways_in() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  marker bigint := CASE WHEN current_setting('tenantctl.apply_id', true) ~ '^[0-9]{1,18}$' THEN current_setting('tenantctl.apply_id', true)::bigint END;
BEGIN
  IF marker IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO unapproved_ways_in (user_id, way, apply_id)
  SELECT c.id, w.way, marker
    FROM created c
   CROSS JOIN LATERAL (VALUES
     ('created', c.password_hash IS NOT NULL),
     ('mobilePhone', phone_digits(c.mobile_phone) <> ''),
     ('businessPhones', EXISTS (SELECT FROM unnest(c.business_phones) AS n(phone) WHERE phone_digits(n.phone) <> ''))
   ) AS w(way, taken)
   WHERE w.taken AND c.deleted_at IS NULL
     AND EXISTS (SELECT FROM former_names f WHERE lower(f.user_principal_name) = lower(c.user_principal_name) AND f.user_id <> c.id)
  ON CONFLICT (user_id, way) DO NOTHING;
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER users_record_created_ways_in
  AFTER INSERT ON users
  REFERENCING NEW TABLE AS created
  FOR EACH STATEMENT EXECUTE FUNCTION record_created_ways_in();

-- Where the reset's (or the creation's) temporary password goes: apply queues it after the reset, in the same transaction.
CREATE OR REPLACE FUNCTION record_unapproved_reset_recipients() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE unapproved_ways_in w SET recipients = q.recipients
    FROM queued q
   WHERE w.user_id = q.user_id AND w.way IN ('created', 'password') AND w.apply_id = q.apply_id AND w.changed_at = now();
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER credential_notifications_record_unapproved_reset
  AFTER INSERT ON credential_notifications
  REFERENCING NEW TABLE AS queued
  FOR EACH STATEMENT EXECUTE FUNCTION record_unapproved_reset_recipients();

-- A grant was approved with the account's rows shown: they are cleared.
CREATE OR REPLACE FUNCTION clear_unapproved_ways_in() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
  DELETE FROM unapproved_ways_in w USING granted g WHERE w.user_id = g.user_id;
  RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER user_roles_clear_unapproved_ways_in
  AFTER INSERT ON user_roles
  REFERENCING NEW TABLE AS granted
  FOR EACH STATEMENT EXECUTE FUNCTION clear_unapproved_ways_in();

-- As migration 0032: no role may fire these from a trigger of its own.
REVOKE ALL ON FUNCTION record_unapproved_way_in() FROM PUBLIC;
REVOKE ALL ON FUNCTION record_created_ways_in() FROM PUBLIC;
REVOKE ALL ON FUNCTION record_unapproved_reset_recipients() FROM PUBLIC;
REVOKE ALL ON FUNCTION clear_unapproved_ways_in() FROM PUBLIC;

-- Here as well as in sql/roles.sql: the reader reads it (every plan), where
-- roles.sql ran; the writer only through the reader.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_reader')
     AND has_table_privilege('tenantctl_reader', 'applies', 'SELECT') THEN
    GRANT SELECT ON unapproved_ways_in TO tenantctl_reader;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'tenantctl_writer') THEN
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON unapproved_ways_in FROM tenantctl_writer;
  END IF;
END $$;
