// Settings to record (the scenario, settings-to-record-scenario.ts) on
// PostgreSQL with the least-privilege roles of sql/roles.sql: the reader
// plans and reads the history, the writer applies (an applies row without
// changes is one the writer may write).
import { runCli } from '../support/cli.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { readerAndWriter } from '../support/login-roles.js';
import { describePostgres } from '../support/postgres.js';
import { scenario } from './settings-to-record-scenario.js';

scenario(
  'PostgreSQL, the reader planning and the writer applying',
  async () => {
    const { reader, writer } = await readerAndWriter(await contosoPostgres('applied', 'settings_to_record'));
    return {
      read: (args) => runCli(args, { env: { TENANTCTL_DATABASE_URL: reader } }),
      write: (args) => runCli(args, { env: { TENANTCTL_DATABASE_URL: writer } }),
    };
  },
  describePostgres,
);
