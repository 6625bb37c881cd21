// Settings to record (the scenario, settings-to-record-scenario.ts) on the embedded database.
import path from 'node:path';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { scenario } from './settings-to-record-scenario.js';

scenario('embedded database', async () => {
  const env = { TENANTCTL_DATABASE_URL: contosoFolder('applied', path.join(tempDir('tenantctl-settings-'), 'db')) };
  return { read: (args) => runCli(args, { env }), write: (args) => runCli(args, { env }) };
});
