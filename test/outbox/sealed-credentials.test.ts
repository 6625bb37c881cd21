// Sealed credentials (INTERFACE.md): init makes the outbox key, apply seals
// each temporary password for it, deliver opens them with the private key,
// the standard `age` tool opens them too, and the key can be rotated.
//
// The keys and the sealing, not the engine, are the subject: the tenants are
// PostgreSQL databases when the suite's server runs (a CLI process on one
// costs a third of one that starts the embedded database), else embedded
// folders. Only the refusals that must leave no database behind use a folder
// on either: that no folder appears is what shows nothing was touched.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliResult } from '../support/cli.js';
import { TEST_OUTBOX_KEY_FILE } from '../support/outbox-key.js';
import { contosoDatabase, type ContosoStage } from '../support/contoso-database.js';
import { postgresTestUrl } from '../support/postgres.js';
import { databaseRows } from '../support/database-rows.js';
import { formatKeyFile, generateIdentity } from '../../src/outbox/outbox-key.js';

const CATALOG = 'examples/contoso/catalog.yaml';
const APPLY = ['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged'];

const ageInstalled = spawnSync('age', ['--version']).status === 0;
// CI installs age (.ci/run); only a developer's machine without it may skip.
const itWithAge = it.skipIf(!ageInstalled && process.env.CI !== 'true');

interface Sealed {
  readonly upn: string;
  readonly sealed: string;
}

async function sealedRows(database: string): Promise<Sealed[]> {
  return databaseRows<Sealed>(
    database,
    'SELECT user_principal_name AS upn, sealed_password AS sealed FROM tenantctl.credential_notifications WHERE sealed_password IS NOT NULL ORDER BY id',
  );
}

async function storedRecipient(database: string): Promise<string | undefined> {
  return (await databaseRows<{ recipient: string }>(database, 'SELECT recipient FROM tenantctl.outbox_key'))[0]?.recipient;
}

function ageOpen(keyFile: string, sealed: string): string {
  return execFileSync('age', ['--decrypt', '--identity', keyFile], { input: sealed, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

function publicKeyOf(keyFile: string): string {
  const match = /^# public key: (age1[0-9a-z]+)$/m.exec(fs.readFileSync(keyFile, 'utf8'));
  if (!match?.[1]) throw new Error(`no public key comment in ${keyFile}`);
  return match[1];
}

/** Every .eml in the folder, by the UPN in its subject, with the password it carries. */
function deliveredPasswords(folder: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const name of fs.readdirSync(folder)) {
    const raw = fs.readFileSync(path.join(folder, name), 'utf8');
    const upn = /^User ID: (\S+)\r?$/m.exec(raw)?.[1];
    const password = /^Temporary password: (\S+)\r?$/m.exec(raw)?.[1];
    if (upn && password) found.set(upn, password);
  }
  return found;
}

/**
 * Another tenant's outbox key, in the file init writes: what deliver and a rotation must
 * refuse needs only a key that is not this database's, not a database of its own to make it.
 */
async function otherTenantKey(file: string): Promise<void> {
  const { identity, recipient } = await generateIdentity();
  fs.writeFileSync(file, formatKeyFile([{ identity, recipient, note: 'another tenant' }]), { mode: 0o600 });
}

function ok(run: CliResult): CliResult {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run;
}

// Each case runs several CLI processes in a row.
describe('sealed credentials', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('tenantctl-sealed-');
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A new, empty database of its own: on the test server when it runs, else the folder `db-NAME`. */
  async function emptyDatabase(name: string): Promise<string> {
    return (await postgresTestUrl(`sealed_${name}`)) ?? path.join(dir, `db-${name}`);
  }

  /**
   * A tenant of its own (`sealed_NAME` on the test server, else the folder `db-NAME`; key
   * `NAME.key`), initialised, and by default with the example applied: credentials are queued.
   * A copy of the database the global setup made so, and of the key it sealed them for (the
   * first case makes its own with init and apply).
   */
  async function contosoTenant(name: string, stage: ContosoStage = 'applied') {
    const database = await contosoDatabase(stage, `sealed_${name}`, path.join(dir, `db-${name}`));
    const keyFile = path.join(dir, `${name}.key`);
    fs.copyFileSync(TEST_OUTBOX_KEY_FILE, keyFile);
    const env = { TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: keyFile };
    return { database, keyFile, env };
  }

  itWithAge('init creates the key, apply seals each password for it, and age and deliver both open them', async () => {
    const database = await emptyDatabase('first');
    const keyFile = path.join(dir, 'keys', 'outbox.key');
    const env = { TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: keyFile };
    const init = ok(await runCli(['init', '--catalog', CATALOG], { env }));
    expect(init.stdout).toContain(`Outbox key: created ${keyFile} (mode 0600; public key ${publicKeyOf(keyFile)})`);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(await storedRecipient(database)).toBe(publicKeyOf(keyFile));
    // Running init again keeps the key.
    expect(ok(await runCli(['init'], { env })).stdout).toContain(`credentials are sealed for ${publicKeyOf(keyFile)}; the private key is ${keyFile}`);

    ok(await runCli(APPLY, { env }));
    const sealed = await sealedRows(database);
    expect(sealed.length).toBe(13);
    const opened = new Map(sealed.map((row) => [row.upn, ageOpen(keyFile, row.sealed)]));
    for (const password of opened.values()) expect(password).toMatch(/^\S{12,}$/);

    const pickup = path.join(dir, 'pickup');
    const deliver = ok(await runCli(['deliver', '--pickup', pickup], { env }));
    expect(deliver.stdout).toContain('Delivered 13 of 13 notification(s)');
    expect(deliveredPasswords(pickup)).toEqual(opened);
    expect(await sealedRows(database)).toEqual([]);
  });

  it('deliver refuses clearly without the key file or with another key, and delivers nothing', async () => {
    const { database, keyFile, env } = await contosoTenant('refuse');
    const pickup = path.join(dir, 'refused-pickup');

    const missing = path.join(dir, 'nowhere.key');
    const noKey = await runCli(['deliver', '--pickup', pickup], { env: { ...env, TENANTCTL_OUTBOX_KEY: missing } });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain(`deliver needs the outbox's private key to open the queued credentials, and there is no file ${missing}`);

    const other = path.join(dir, 'other.key');
    await otherTenantKey(other);
    const wrong = await runCli(['deliver', '--pickup', pickup, '--outbox-key', other], { env });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`the key in ${other} is not this database's outbox key: credentials are sealed for ${publicKeyOf(keyFile)}`);

    fs.chmodSync(keyFile, 0o644);
    const readable = await runCli(['deliver', '--pickup', pickup], { env });
    expect(readable.code).toBe(1);
    expect(readable.stderr).toContain('may be read by others (mode 0644)');
    fs.chmodSync(keyFile, 0o600);

    expect(fs.existsSync(pickup) ? fs.readdirSync(pickup) : []).toEqual([]);
    expect((await sealedRows(database)).length).toBe(13);
  });

  itWithAge('rotating the key seals every queued credential again for the new key, and the old key opens nothing', async () => {
    const { database, keyFile, env } = await contosoTenant('rotate');
    const oldKey = path.join(dir, 'rotate.key.old');
    fs.copyFileSync(keyFile, oldKey);
    const before = new Map((await sealedRows(database)).map((row) => [row.upn, ageOpen(keyFile, row.sealed)]));

    const rotated = ok(await runCli(['init', '--rotate-outbox-key'], { env }));
    const newRecipient = publicKeyOf(keyFile);
    expect(newRecipient).not.toBe(publicKeyOf(oldKey));
    expect(rotated.stdout).toContain(`Outbox key: rotated; credentials are now sealed for ${newRecipient}, the key in ${keyFile} (13 queued credential(s) sealed again)`);
    expect(await storedRecipient(database)).toBe(newRecipient);
    expect(fs.readFileSync(keyFile, 'utf8').match(/AGE-SECRET-KEY-1/g)).toHaveLength(1);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);

    const after = await sealedRows(database);
    for (const row of after) {
      expect(() => ageOpen(oldKey, row.sealed)).toThrow();
      expect(ageOpen(keyFile, row.sealed)).toBe(before.get(row.upn));
    }
    const stale = await runCli(['deliver', '--pickup', path.join(dir, 'never'), '--outbox-key', oldKey], { env });
    expect(stale.code).toBe(1);

    const pickup = path.join(dir, 'rotate-pickup');
    ok(await runCli(['deliver', '--pickup', pickup], { env }));
    expect(deliveredPasswords(pickup)).toEqual(before);
  });

  it('a lost key: rotating is refused, naming the way out; with --discard-lost-credentials the credentials are erased and their users named', async () => {
    const { database, keyFile: lostKey, env } = await contosoTenant('lost');
    fs.rmSync(lostKey);
    const fresh = path.join(dir, 'after-loss.key');
    const withFresh = { TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: fresh };

    const alone = await runCli(['init', '--discard-lost-credentials'], { env: withFresh });
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('--discard-lost-credentials goes with --rotate-outbox-key');
    const refused = await runCli(['init', '--rotate-outbox-key'], { env: withFresh });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('13 queued credential(s) are sealed for the current outbox key');
    expect(refused.stderr).toContain('if that key is lost, add --discard-lost-credentials to erase them and reset those users\' passwords');
    expect((await sealedRows(database)).length).toBe(13);

    const recovered = ok(await runCli(['init', '--rotate-outbox-key', '--discard-lost-credentials'], { env: withFresh }));
    expect(recovered.stdout).toContain('(0 queued credential(s) sealed again)');
    expect(recovered.stdout).toMatch(/Erased 13 queued credential\(s\) no key could open; reset the passwords of .*joep\.devries@contoso\.com.* \(password\.reset in the configuration\) to send new ones/);
    expect(await storedRecipient(database)).toBe(publicKeyOf(fresh));
    expect(await sealedRows(database)).toEqual([]);
    const deliver = ok(await runCli(['deliver', '--pickup', path.join(dir, 'after-loss-pickup')], { env: withFresh }));
    expect(deliver.stdout).toContain('Nothing to deliver.');
  });

  it('--rotate-outbox-key refuses to write over a key file that holds another key', async () => {
    const database = await emptyDatabase('rotate-foreign');
    const keyFile = path.join(dir, 'rotate-foreign.key');
    ok(await runCli(['init'], { env: { TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: keyFile } }));
    const foreign = path.join(dir, 'foreign.key');
    await otherTenantKey(foreign);
    const before = fs.readFileSync(foreign, 'utf8');
    const refused = await runCli(['init', '--rotate-outbox-key', '--outbox-key', foreign], { env: { TENANTCTL_DATABASE_URL: database } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`refusing to rotate the outbox key into ${foreign}: it holds ${publicKeyOf(foreign)}, not this database's key ${publicKeyOf(keyFile)}`);
    expect(fs.readFileSync(foreign, 'utf8')).toBe(before);
    expect(await storedRecipient(database)).toBe(publicKeyOf(keyFile));
  });

  it('init refuses a key others may read, as deliver does, before it touches the database', async () => {
    const keyFile = path.join(dir, 'readable.key');
    const source = await emptyDatabase('readable-source');
    ok(await runCli(['init'], { env: { TENANTCTL_DATABASE_URL: source, TENANTCTL_OUTBOX_KEY: keyFile } }));
    fs.chmodSync(keyFile, 0o644);
    const refusal = `the outbox key ${keyFile} may be read by others (mode 0644): run chmod 600 on it, and rotate the key`;

    // Adopting it for a new database: refused, and the database is not even created (a folder on either engine, to show it).
    const fresh = path.join(dir, 'db-readable');
    const adopt = await runCli(['init'], { env: { TENANTCTL_DATABASE_URL: fresh, TENANTCTL_OUTBOX_KEY: keyFile } });
    expect(adopt.code).toBe(1);
    expect(adopt.stderr).toContain(refusal);
    expect(adopt.stdout).not.toContain('Schema:');
    expect(fs.existsSync(fresh)).toBe(false);

    // Keeping it for the database that made it: refused too.
    const keep = await runCli(['init'], { env: { TENANTCTL_DATABASE_URL: source, TENANTCTL_OUTBOX_KEY: keyFile } });
    expect(keep.code).toBe(1);
    expect(keep.stderr).toContain(refusal);

    // Rotating is the remedy: the new key file is 0600.
    ok(await runCli(['init', '--rotate-outbox-key'], { env: { TENANTCTL_DATABASE_URL: source, TENANTCTL_OUTBOX_KEY: keyFile } }));
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('deliver checks the key even when nothing is queued', async () => {
    // Initialised, nothing applied: nothing is queued.
    const { keyFile, env } = await contosoTenant('idle', 'initialised');
    const pickup = path.join(dir, 'idle-pickup');
    expect(ok(await runCli(['deliver', '--pickup', pickup], { env })).stdout).toBe('Nothing to deliver.\n');

    const other = path.join(dir, 'idle-other.key');
    await otherTenantKey(other);
    const cases: [string, string][] = [
      [other, `the key in ${other} is not this database's outbox key: credentials are sealed for ${publicKeyOf(keyFile)}`],
      [path.join(dir, 'idle-missing.key'), `there is no file ${path.join(dir, 'idle-missing.key')}`],
      [dir, `refusing the outbox key: ${dir} is a directory, not a regular file`],
    ];
    for (const [key, message] of cases) {
      const run = await runCli(['deliver', '--pickup', pickup, '--outbox-key', key], { env });
      expect(run.code, key).toBe(1);
      expect(run.stderr).toContain(message);
      expect(run.stdout).not.toContain('Nothing to deliver');
    }
    fs.chmodSync(keyFile, 0o640);
    const readable = await runCli(['deliver', '--pickup', pickup], { env });
    expect(readable.code).toBe(1);
    expect(readable.stderr).toContain(`the outbox key ${keyFile} may be read by others (mode 0640)`);
  });

  it('with no key configured, init puts it under the user\'s configuration folder and deliver finds it there', async () => {
    const database = await emptyDatabase('default');
    const config = path.join(dir, 'xdg');
    const env = { TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: undefined, XDG_CONFIG_HOME: config };
    ok(await runCli(['init', '--catalog', CATALOG], { env }));
    const recipient = await storedRecipient(database);
    const keyFile = path.join(config, 'tenantctl', 'outbox', `${recipient}.key`);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(keyFile)).mode & 0o777).toBe(0o700);
    ok(await runCli(APPLY, { env }));
    const pickup = path.join(dir, 'default-pickup');
    expect(ok(await runCli(['deliver', '--pickup', pickup], { env })).stdout).toContain('Delivered 13 of 13');
  });

  it('init refuses a key path git would commit, and accepts one git ignores', async () => {
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(repo);
    execFileSync('git', ['init', '-q', repo]);
    const database = path.join(dir, 'db-git');
    const tracked = path.join(repo, 'secrets', 'outbox.key');
    const refused = await runCli(['init'], { env: { TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: tracked } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`refusing to write the outbox key to ${tracked}: it is inside the git work tree ${repo} and git does not ignore it`);
    expect(fs.existsSync(tracked)).toBe(false);
    // Refused before the database is touched: exit 1 means nothing changed.
    expect(refused.stdout).not.toContain('Schema:');
    expect(fs.existsSync(database)).toBe(false);

    fs.writeFileSync(path.join(repo, '.gitignore'), 'secrets/\n');
    ok(await runCli(['init'], { env: { TENANTCTL_DATABASE_URL: await emptyDatabase('git'), TENANTCTL_OUTBOX_KEY: tracked } }));
    expect(fs.statSync(tracked).mode & 0o777).toBe(0o600);
  });

  // A home folder kept in git (dotfiles) puts the default place in a work tree: the key file's name
  // comes from the key, so init checked it only after migrating, and left exit 1 with a migrated database.
  it('init refuses the default key folder git would commit before it migrates, and accepts it once git ignores it', async () => {
    const repo = path.join(dir, 'home-repo');
    fs.mkdirSync(repo);
    execFileSync('git', ['init', '-q', repo]);
    const database = await emptyDatabase('default-git');
    const env = { TENANTCTL_DATABASE_URL: database, TENANTCTL_OUTBOX_KEY: undefined, XDG_CONFIG_HOME: path.join(repo, '.config') };
    const folder = path.join(repo, '.config', 'tenantctl', 'outbox');
    const refused = await runCli(['init', '--catalog', CATALOG], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `Error: refusing to write the outbox key into ${folder}: it is inside the git work tree ${repo} and git does not ignore it; ` +
        'name a file outside the repository with --outbox-key or TENANTCTL_OUTBOX_KEY, or have git ignore it\n',
    );
    expect(refused.stdout).toBe('');
    expect(fs.existsSync(folder)).toBe(false);

    fs.writeFileSync(path.join(repo, '.gitignore'), '*.key\n');
    const accepted = ok(await runCli(['init', '--catalog', CATALOG], { env }));
    expect(accepted.stdout).toContain('Schema: migrated from version 0 to ');
    expect(fs.readdirSync(folder)).toEqual([`${await storedRecipient(database)}.key`]);
  });

  it('init refuses a key path it could not create, or a folder given as the key, before the database is touched', async () => {
    const database = path.join(dir, 'db-bad-key');
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, '');
    const folder = path.join(dir, 'a-folder');
    fs.mkdirSync(folder, { mode: 0o700 });
    const refusals: [string, string][] = [
      [path.join(file, 'outbox', 'outbox.key'), `cannot create the outbox key ${path.join(file, 'outbox', 'outbox.key')}: ${file} is a file, not a folder; name a file in a folder`],
      [folder, `the outbox key ${folder} is not a regular file; name the key file, or a new file for init to create`],
    ];
    for (const [key, message] of refusals) {
      const refused = await runCli(['init', '--outbox-key', key], { env: { TENANTCTL_DATABASE_URL: database } });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`Error: ${message}\n`);
      // exit 1: nothing changed, so no database was made and migrated.
      expect(refused.stdout).toBe('');
      expect(fs.existsSync(database)).toBe(false);
    }
  });
});
