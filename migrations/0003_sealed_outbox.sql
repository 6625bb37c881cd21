-- Sealed credentials: a temporary password never rests in the database in the
-- clear. apply seals each one (an ASCII-armored age file) for the outbox's
-- public key kept here; deliver opens it with the private key, which lives
-- only in a file outside the database (TENANTCTL_OUTBOX_KEY).

-- One row: the public key (an age X25519 recipient) queued credentials are
-- sealed for. init creates it and replaces it on a key rotation.
CREATE TABLE outbox_key (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  recipient  text NOT NULL CHECK (recipient ~ '^age1[02-9ac-hj-np-z]{58}$'),
  created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE credential_notifications
  ADD COLUMN sealed_password text
    CHECK (sealed_password LIKE '-----BEGIN AGE ENCRYPTED FILE-----%');

-- Passwords queued in the clear before this migration cannot be sealed in SQL
-- (there is no key yet); they are erased, and deliver reports each such
-- notification as failed, asking for a password reset.
UPDATE credential_notifications
   SET last_error = 'the temporary password queued in the clear was erased when tenantctl began sealing credentials; reset the user''s password to send new credentials'
 WHERE delivered_at IS NULL AND temporary_password IS NOT NULL;

ALTER TABLE credential_notifications DROP COLUMN temporary_password;
ALTER TABLE credential_notifications
  ADD CONSTRAINT credential_notifications_erased_on_delivery CHECK (delivered_at IS NULL OR sealed_password IS NULL);
