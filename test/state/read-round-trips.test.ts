// plan, drift and apply read the tenant while they parse the configuration,
// and each round trip to the database waits until the parse lets the event
// loop run (between files, between rules): the directory is one statement and
// the catalog another, in one read-only snapshot, whatever the tenant's size.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder, contosoPostgres } from '../support/contoso-database.js';

const READ = [
  'transaction begin',
  'statement in transaction: SET TRANSACTION',
  'statement in transaction: SELECT … FROM users',
  'statement in transaction: SELECT … FROM domains',
  'transaction commit',
  'transaction committed',
];

/** drift's lookup of the users removed outside tenantctl (src/drift/read-outside-removals.ts). */
const REMOVALS = [
  'transaction begin',
  // Its settings (no nested loops, no JIT) in one statement.
  'statement in transaction: SELECT',
  'statement in transaction: WITH … FROM unnest',
  'transaction commit',
  'transaction committed',
];

/** drift's lookup of the passwords reset outside tenantctl (src/drift/read-passwords-outside.ts), with the same settings. */
const PASSWORDS = [
  'transaction begin',
  'statement in transaction: SELECT',
  'statement in transaction: WITH … FROM other_writes',
  'transaction commit',
  'transaction committed',
];

/** The traced events of each transaction, in order. */
function transactions(stderr: string): string[][] {
  const found: string[][] = [];
  for (const line of stderr.split('\n')) {
    const event = line.replace(/^tenantctl debug: /, '');
    if (event === 'transaction begin') found.push([]);
    if (line.startsWith('tenantctl debug: ') && !event.startsWith('statement outside') && found.length > 0) found.at(-1)!.push(event);
  }
  return found;
}

describe.each([
  { name: 'embedded', skip: false },
  { name: 'postgres', skip: inject('postgresUrl') === null },
])('reading the tenant ($name)', ({ name, skip }) => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.skipIf(skip)('plan and drift read it in two statements of one transaction, and apply reads it so again under its lock', async () => {
    const database = name === 'embedded' ? contosoFolder('initialised', path.join(dir, 'db')) : await contosoPostgres('initialised', 'read-round-trips');
    const env = { TENANTCTL_DATABASE_URL: database };

    const traced = { ...env, TENANTCTL_DEBUG_TRACE: '1' };
    const plan = await runCli(['plan', '-c', 'examples/contoso'], { env: traced });
    expect(plan.code, plan.stderr).toBe(0);
    expect(transactions(plan.stderr)).toEqual([READ]);
    const drift = await runCli(['drift', '-c', 'examples/contoso'], { env: traced });
    // Then, for the users declared but not found (contoso's are not created yet), who removed them
    // outside tenantctl: one statement, in a transaction of its own for its planner setting.
    // Then the passwords written outside tenantctl: one statement, with the same settings.
    expect(transactions(drift.stderr)).toEqual([READ, REMOVALS, PASSWORDS]);

    const applyReads = async (url: string) => {
      const apply = await runCli(['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged'], { env: { TENANTCTL_DATABASE_URL: url, TENANTCTL_DEBUG_TRACE: '1' } });
      expect(apply.code, apply.stderr).toBe(0);
      const [read, applied] = transactions(apply.stderr);
      expect(read).toEqual(READ);
      return applied!.filter((event) => /^statement in transaction: SELECT … FROM/.test(event));
    };
    let reads = await applyReads(database);
    // The digest holds the server's last checkpoint (migration 0022), so a checkpoint between the
    // read and the lock, which another test file's database work on the shared server can cause,
    // makes apply read the rows again, as it must. Once more on a fresh copy: a digest that never
    // matches fails both.
    if (name === 'postgres' && reads[2] === 'statement in transaction: SELECT … FROM users') {
      reads = await applyReads(await contosoPostgres('initialised', 'read-round-trips-again'));
    }
    // Under the lock, before any write: the schema version (a newer release's init may have migrated since),
    // the digest of the rows' versions (the same rows, so not sent again), then the catalog.
    expect(reads.slice(0, 3)).toEqual([
      'statement in transaction: SELECT … FROM tenantctl.schema_migrations',
      'statement in transaction: SELECT … FROM directory_row_versions',
      'statement in transaction: SELECT … FROM domains',
    ]);
  }, 120_000);
});
