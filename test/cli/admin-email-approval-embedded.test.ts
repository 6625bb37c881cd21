// settings.adminEmail pointed at a new address (the scenario, admin-email-approval-scenario.ts) on the embedded database.
import path from 'node:path';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { scenario } from './admin-email-approval-scenario.js';

scenario('embedded database', async () => {
  const env = { TENANTCTL_DATABASE_URL: contosoFolder('applied', path.join(tempDir('tenantctl-admin-email-approval-'), 'db')) };
  return { read: (args) => runCli(args, { env }), write: (args) => runCli(args, { env }) };
});
