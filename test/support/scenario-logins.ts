// How a CLI scenario (a *-scenario.ts file run once per engine) reads and
// writes: on the embedded database one folder for both, on PostgreSQL the
// least-privilege logins of sql/roles.sql, the reader planning and the
// writer applying, as a pull-request job and a merge job do.
import path from 'node:path';
import { runCli, tempDir, type CliResult } from './cli.js';
import { contosoFolder, contosoPostgres } from './contoso-database.js';
import { readerAndWriter } from './login-roles.js';

export interface ScenarioLogins {
  read(args: readonly string[]): Promise<CliResult>;
  write(args: readonly string[]): Promise<CliResult>;
}

const through = (database: string) => (args: readonly string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database } });

/** A copy of the applied contoso example in a new folder, read and written alike. */
export function embeddedLogins(prefix: string): ScenarioLogins {
  const folder = contosoFolder('applied', path.join(tempDir(prefix), 'db'));
  return { read: through(folder), write: through(folder) };
}

/** A copy of the applied contoso example on the test server, through its reader and writer logins. */
export async function postgresLogins(label: string): Promise<ScenarioLogins> {
  const { reader, writer } = await readerAndWriter(await contosoPostgres('applied', label));
  return { read: through(reader), write: through(writer) };
}
