-- A queued credential goes to the recipients apply wrote into its row, and
-- deliver sends it whenever it runs: after the relay came back, or after its
-- user was restored. Plan judged a mailbox taking an address temporary
-- passwords are sent to (RECIPIENT_MAILBOX_TAKEN) by the configuration's
-- addresses alone, and the reader may not read the outbox: a pull request
-- that removed settings.adminEmail (it-desk@contoso.com) and gave a
-- colleague's mailbox `mailNickname: it-desk` planned one plain update, and
-- the next deliver sent that mailbox the copy of every password still queued,
-- the Global administrators' among them (helper-154). This function gives
-- the reader the addresses of the credentials not delivered yet, lower-cased,
-- each once, and nothing else of the outbox. Running this file again changes
-- nothing.
CREATE OR REPLACE FUNCTION queued_recipients() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path FROM CURRENT
AS $$
  SELECT DISTINCT lower(r) FROM credential_notifications c, unnest(c.recipients) AS r WHERE c.delivered_at IS NULL
$$;

-- EXECUTE stays PUBLIC's, as PostgreSQL makes it: only a role with USAGE on
-- the schema reaches the function (0003 took that from PUBLIC), and every such
-- role may plan, a role given SELECT on the tables by hand included. Granted to
-- the reader alone, such a role's plan and drift would fail, or be planned
-- without the addresses.
