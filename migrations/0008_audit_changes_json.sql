-- The audit trail keeps each apply's changes as `json` rather than `jsonb`
-- (issue 11). The value is only ever written once and read back whole by
-- `history`; nothing queries inside it. `jsonb` makes PostgreSQL decompose
-- and rebuild every change on insert: for an apply adopting 100,000 users
-- (a 120 MB value) that was about 3 s of the apply's transaction, against
-- well under a second to check and store the same text as `json`. `json`
-- keeps the text as tenantctl wrote it, so `history` shows each change's
-- fields in the plan's order. Existing rows are converted in place and read
-- back as before.
ALTER TABLE applies ALTER COLUMN changes TYPE json USING changes::json;
