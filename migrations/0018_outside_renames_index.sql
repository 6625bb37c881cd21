-- A user renamed outside tenantctl (psql, a script, the admin center's own
-- tool) while the configuration still declares the old UPN: the next plan
-- would delete the account under its new name and create a new one under the
-- old, with a new object id, an empty mailbox and a new password. plan warns
-- (RENAMED_OUTSIDE) and drift reports user.renamed, from the renames
-- other_writes (0016) keeps. Every plan reads them; this index keeps that read
-- to the renames themselves, however many other writes (every user's own
-- password change) the table holds.
-- Running this file again changes nothing.

CREATE INDEX IF NOT EXISTS other_writes_renames ON other_writes (user_id, id)
  WHERE table_name = 'users' AND operation = 'update' AND before ? 'user_principal_name';
