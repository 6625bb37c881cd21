// settings.adminEmail pointed at a new address (the scenario,
// admin-email-approval-scenario.ts) on PostgreSQL with the least-privilege roles
// of sql/roles.sql: the reader plans, the writer applies.
import { runCli } from '../support/cli.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { readerAndWriter } from '../support/login-roles.js';
import { describePostgres } from '../support/postgres.js';
import { scenario } from './admin-email-approval-scenario.js';

scenario(
  'PostgreSQL, the reader planning and the writer applying',
  async () => {
    const { reader, writer } = await readerAndWriter(await contosoPostgres('applied', 'admin_email_approval'));
    return {
      read: (args) => runCli(args, { env: { TENANTCTL_DATABASE_URL: reader } }),
      write: (args) => runCli(args, { env: { TENANTCTL_DATABASE_URL: writer } }),
    };
  },
  describePostgres,
);
