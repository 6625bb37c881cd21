// drift's attribution of users removed outside tenantctl (the scenario,
// drift-outside-removals-scenario.ts) on PostgreSQL with the least-privilege
// roles of sql/roles.sql: the writer writes, the reader runs drift.
import { runCli } from '../support/cli.js';
import { contosoPostgres } from '../support/contoso-database.js';
import { asLogin, readerAndWriter } from '../support/login-roles.js';
import { describePostgres } from '../support/postgres.js';
import { APPROVE, CONFIG, scenario } from './drift-outside-removals-scenario.js';

scenario(
  'PostgreSQL, the reader running drift and the writer writing',
  async () => {
    const owner = await contosoPostgres('applied', 'drift_outside_removals');
    const { reader, writer, writerRole } = await readerAndWriter(owner);
    return {
      writer: writerRole,
      drift: (format, config = CONFIG) => runCli(['drift', ...config, '--format', format], { env: { TENANTCTL_DATABASE_URL: reader } }),
      apply: (config = CONFIG) => runCli(['apply', ...config, ...APPROVE], { env: { TENANTCTL_DATABASE_URL: writer } }),
      asWriter: async (...sql) => {
        for (const text of sql) await asLogin(writer, text);
      },
      asOwner: (sql) => asLogin(owner, sql),
    };
  },
  describePostgres,
);
