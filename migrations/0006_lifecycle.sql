-- The directory's lifecycle (issue 12): settings kept with each apply, the
-- recycle bin, credential notifications that say what happened, and what the
-- catalog knows about which service plans can really be assigned.

-- The settings each apply was made with, as the plan resolved them; `export`
-- writes back those of the latest apply. Null for applies made before this.
ALTER TABLE applies ADD COLUMN settings jsonb;

-- Deleted users stay restorable for 30 days; the planner and drift look for
-- them by deletion time.
CREATE INDEX users_deleted_at ON users (deleted_at) WHERE deleted_at IS NOT NULL;

-- Why a temporary password was sent (a new account or a reset), and whether
-- it must be changed at the next sign-in, so the message can say so. Rows
-- queued before this migration were all new accounts forced to change.
ALTER TABLE credential_notifications
  ADD COLUMN reason text NOT NULL DEFAULT 'created' CHECK (reason IN ('created', 'reset')),
  ADD COLUMN force_change boolean NOT NULL DEFAULT true;

-- A service plan that Entra switches on only while another plan of the same
-- subscription is on (otherwise: DependencyViolation).
CREATE TABLE service_plan_dependencies (
  sku      text NOT NULL,
  plan     text NOT NULL,
  requires text NOT NULL,
  PRIMARY KEY (sku, plan, requires),
  CHECK (plan <> requires),
  FOREIGN KEY (sku, plan) REFERENCES service_plans (sku, name) ON DELETE CASCADE,
  FOREIGN KEY (sku, requires) REFERENCES service_plans (sku, name) ON DELETE CASCADE
);

-- Countries (usage locations, ISO 3166-1 alpha-2) where a service plan is not
-- offered (otherwise: ProhibitedInUsageLocationViolation).
CREATE TABLE service_plan_unavailable_countries (
  sku     text NOT NULL,
  plan    text NOT NULL,
  country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  PRIMARY KEY (sku, plan, country),
  FOREIGN KEY (sku, plan) REFERENCES service_plans (sku, name) ON DELETE CASCADE
);
