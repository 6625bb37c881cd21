-- The tenant directory: the whole domain of DOMAIN.md, with its invariants
-- enforced here as well as in tenantctl, so that no writer (tenantctl, a script,
-- an administrator with psql) can leave the directory inconsistent.

CREATE TABLE domains (
  name        text PRIMARY KEY CHECK (name = lower(name) AND char_length(name) BETWEEN 1 AND 48),
  verified    boolean NOT NULL DEFAULT false,
  is_default  boolean NOT NULL DEFAULT false,
  CHECK (NOT is_default OR verified)
);
-- At most one default domain.
CREATE UNIQUE INDEX domains_single_default ON domains (is_default) WHERE is_default;

CREATE TABLE roles (
  template_id    uuid PRIMARY KEY,
  display_name   text NOT NULL UNIQUE,
  directory_name text NOT NULL UNIQUE,
  description    text NOT NULL,
  privileged     boolean NOT NULL DEFAULT false
);

INSERT INTO roles (template_id, display_name, directory_name, description, privileged) VALUES
  ('62e90394-69f5-4237-9190-012177145e10', 'Global administrator', 'Company Administrator', 'everything; the only role that may assign admin roles', true),
  ('b0f54661-2d74-4c50-afa3-1ec803f12efe', 'Billing administrator', 'Billing Administrator', 'purchases, subscriptions, support tickets', false),
  ('729827e3-9c14-49f7-bb1b-9608f156bbb8', 'Password administrator', 'Helpdesk Administrator', 'reset passwords of non-admins and other password admins', false),
  ('f023fd81-a637-4b56-95fd-791ac0226033', 'Service administrator', 'Service Support Administrator', 'support tickets, service health', false),
  ('fe930be7-5e62-47db-91af-98c3a49a38b1', 'User management administrator', 'User Account Administrator', 'create, edit, delete users; manage licenses; reset non-admin passwords', false),
  ('29232cdf-9323-42fd-ade2-1d097af3e4de', 'Exchange administrator', 'Exchange Service Administrator', 'Exchange Online', false),
  ('f28a1f50-f6e7-4571-818b-6a12f2af6b6c', 'SharePoint administrator', 'SharePoint Service Administrator', 'SharePoint Online', false),
  ('75941009-915a-4869-abe7-691bff18279e', 'Skype for Business administrator', 'Lync Service Administrator', 'Skype for Business', false),
  ('17315797-102d-40b4-93e0-432062caca18', 'Compliance administrator', 'Compliance Administrator', 'compliance center', false);

CREATE TABLE subscriptions (
  sku          text PRIMARY KEY CHECK (sku ~ '^[A-Z0-9_]+$'),
  product_name text NOT NULL,
  seats        integer NOT NULL CHECK (seats >= 0),
  -- Maintained by triggers on license_assignments; free seats never go negative.
  consumed     integer NOT NULL DEFAULT 0 CHECK (consumed >= 0),
  unit_price   numeric(12, 2) NOT NULL CHECK (unit_price >= 0),
  currency     char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  purchasable  boolean NOT NULL DEFAULT true,
  CONSTRAINT subscriptions_seats_available CHECK (consumed <= seats)
);

CREATE TABLE service_plans (
  sku  text NOT NULL REFERENCES subscriptions (sku) ON DELETE CASCADE,
  name text NOT NULL CHECK (name ~ '^[A-Za-z0-9_]+$'),
  PRIMARY KEY (sku, name)
);

CREATE TABLE users (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_principal_name    text NOT NULL CHECK (
    char_length(user_principal_name) <= 113
    AND user_principal_name ~ '^[A-Za-z0-9''._!#^~-]{1,64}@[A-Za-z0-9.-]{1,48}$'
    AND user_principal_name !~ '\.@'),
  -- The UPN's domain must be one of the tenant's domains.
  domain                 text GENERATED ALWAYS AS (lower(split_part(user_principal_name, '@', 2))) STORED
                         NOT NULL REFERENCES domains (name),
  display_name           text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 256),
  given_name             text CHECK (char_length(given_name) <= 64),
  surname                text CHECK (char_length(surname) <= 64),
  mail_nickname          text NOT NULL CHECK (char_length(mail_nickname) BETWEEN 1 AND 64),
  account_enabled        boolean NOT NULL DEFAULT true,
  job_title              text CHECK (char_length(job_title) <= 128),
  department             text CHECK (char_length(department) <= 64),
  mobile_phone           text CHECK (char_length(mobile_phone) <= 64),
  business_phones        text[] NOT NULL DEFAULT '{}' CHECK (cardinality(business_phones) <= 1),
  street_address         text CHECK (char_length(street_address) <= 1024),
  city                   text CHECK (char_length(city) <= 128),
  state                  text CHECK (char_length(state) <= 128),
  postal_code            text CHECK (char_length(postal_code) <= 40),
  country                text CHECK (char_length(country) <= 128),
  usage_location         char(2) CHECK (usage_location ~ '^[A-Z]{2}$'),
  -- scrypt with its parameters; the password itself is never stored.
  password_hash          text,
  password_set_at        timestamptz,
  password_expires_at    timestamptz,
  force_change_password  boolean NOT NULL DEFAULT false,
  password_reset_token   text,
  managed                boolean NOT NULL DEFAULT false,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  updated_by             text,
  deleted_at             timestamptz
);
CREATE UNIQUE INDEX users_upn_unique ON users (lower(user_principal_name));

CREATE TABLE user_roles (
  user_id          uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role_template_id uuid NOT NULL REFERENCES roles (template_id),
  granted_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, role_template_id)
);

CREATE TABLE license_assignments (
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  sku         text NOT NULL REFERENCES subscriptions (sku),
  assigned_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, sku)
);

-- Plans switched off in one assignment; every plan not listed is on.
CREATE TABLE license_disabled_plans (
  user_id uuid NOT NULL,
  sku     text NOT NULL,
  plan    text NOT NULL,
  PRIMARY KEY (user_id, sku, plan),
  FOREIGN KEY (user_id, sku) REFERENCES license_assignments (user_id, sku) ON DELETE CASCADE,
  FOREIGN KEY (sku, plan) REFERENCES service_plans (sku, name)
);

CREATE FUNCTION count_consumed_seats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE subscriptions SET consumed = consumed + 1 WHERE sku = NEW.sku;
  ELSE
    UPDATE subscriptions SET consumed = consumed - 1 WHERE sku = OLD.sku;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER license_assignments_consume
  AFTER INSERT OR DELETE ON license_assignments
  FOR EACH ROW EXECUTE FUNCTION count_consumed_seats();

-- The audit trail: one row per apply, written in the apply's transaction.
CREATE TABLE applies (
  id           bigserial PRIMARY KEY,
  applied_at   timestamptz NOT NULL DEFAULT now(),
  actor        text NOT NULL,
  host         text NOT NULL,
  git_commit   text,
  config_hash  text,
  plan_hash    text NOT NULL,
  tool_version text NOT NULL,
  summary      jsonb NOT NULL,
  changes      jsonb NOT NULL
);

CREATE TABLE purchases (
  id           bigserial PRIMARY KEY,
  apply_id     bigint NOT NULL REFERENCES applies (id),
  sku          text NOT NULL REFERENCES subscriptions (sku),
  quantity     integer NOT NULL CHECK (quantity > 0),
  unit_price   numeric(12, 2) NOT NULL CHECK (unit_price >= 0),
  currency     char(3) NOT NULL,
  monthly_cost numeric(12, 2) NOT NULL CHECK (monthly_cost >= 0),
  approved_by  text NOT NULL,
  approved_at  timestamptz NOT NULL DEFAULT now(),
  plan_hash    text NOT NULL
);

-- Credentials waiting to be sent. The temporary password is kept only until
-- delivery; then it is erased (set to NULL) in the same statement that marks
-- the notification delivered.
CREATE TABLE credential_notifications (
  id                  bigserial PRIMARY KEY,
  apply_id            bigint NOT NULL REFERENCES applies (id),
  user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  user_principal_name text NOT NULL,
  recipients          text[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 6),
  temporary_password  text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  attempts            integer NOT NULL DEFAULT 0,
  last_attempt_at     timestamptz,
  last_error          text,
  delivered_at        timestamptz,
  CHECK (delivered_at IS NULL OR temporary_password IS NULL)
);
CREATE INDEX credential_notifications_pending ON credential_notifications (id) WHERE delivered_at IS NULL;
