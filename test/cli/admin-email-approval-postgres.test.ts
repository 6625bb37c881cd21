// settings.adminEmail pointed at a new address (the scenario,
// admin-email-approval-scenario.ts) on PostgreSQL with the least-privilege roles
// of sql/roles.sql: the reader plans, the writer applies.
import { postgresLogins } from '../support/scenario-logins.js';
import { describePostgres } from '../support/postgres.js';
import { scenario } from './admin-email-approval-scenario.js';

scenario('PostgreSQL, the reader planning and the writer applying', () => postgresLogins('admin_email_approval'), describePostgres);
