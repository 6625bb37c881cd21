// Settings to record (the scenario, settings-to-record-scenario.ts) on
// PostgreSQL with the least-privilege roles of sql/roles.sql: the reader
// plans and reads the history, the writer applies (an applies row without
// changes is one the writer may write).
import { postgresLogins } from '../support/scenario-logins.js';
import { describePostgres } from '../support/postgres.js';
import { scenario } from './settings-to-record-scenario.js';

scenario('PostgreSQL, the reader planning and the writer applying', () => postgresLogins('settings_to_record'), describePostgres);
