// A mailbox given an address temporary passwords are sent to (the scenario, recipient-mailbox-scenario.ts) on the embedded database.
import path from 'node:path';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { scenario } from './recipient-mailbox-scenario.js';

scenario('embedded database', async () => {
  const env = { TENANTCTL_DATABASE_URL: contosoFolder('applied', path.join(tempDir('tenantctl-recipient-mailbox-'), 'db')) };
  return { read: (args) => runCli(args, { env }), write: (args) => runCli(args, { env }) };
});
