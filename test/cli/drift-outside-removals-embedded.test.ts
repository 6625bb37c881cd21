// drift's attribution of users removed outside tenantctl (the scenario,
// drift-outside-removals-scenario.ts) on the embedded database, whose one
// role does every write.
import path from 'node:path';
import { startPGlite } from '../../src/db/embedded-database.js';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { APPROVE, CONFIG, scenario } from './drift-outside-removals-scenario.js';

scenario('embedded database', async () => {
  const database = contosoFolder('applied', path.join(tempDir('tenantctl-drift-removals-'), 'db'));
  const sql = async (...texts: readonly string[]) => {
    const db = startPGlite(database);
    try {
      for (const text of texts) await db.exec(text);
    } finally {
      await db.close();
    }
  };
  const env = { TENANTCTL_DATABASE_URL: database };
  return {
    // Every write to the embedded database is by its one role.
    writer: 'postgres',
    drift: (format, config = CONFIG) => runCli(['drift', ...config, '--format', format], { env }),
    apply: (config = CONFIG) => runCli(['apply', ...config, ...APPROVE], { env }),
    asWriter: sql,
    asOwner: sql,
  };
});
