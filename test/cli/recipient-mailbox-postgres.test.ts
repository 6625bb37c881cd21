// A mailbox given an address temporary passwords are sent to (the scenario,
// recipient-mailbox-scenario.ts) on PostgreSQL with the least-privilege roles
// of sql/roles.sql: the reader plans, the writer applies.
import { postgresLogins } from '../support/scenario-logins.js';
import { describePostgres } from '../support/postgres.js';
import { scenario } from './recipient-mailbox-scenario.js';

scenario('PostgreSQL, the reader planning and the writer applying', () => postgresLogins('recipient_mailbox'), describePostgres);
