// init --rotate-outbox-key when the connection goes during its COMMIT: the
// server may have committed or not, so the key file keeps both keys, and
// every queued credential stays deliverable whichever happened.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, tempDir, type CliResult } from '../support/cli.js';
import { describePostgres, postgresTestUrl } from '../support/postgres.js';
import { startCommitCuttingProxy, type CutAt } from './support/commit-cutting-proxy.js';

const CATALOG = 'examples/contoso/catalog.yaml';
const APPLY = ['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged'];

function ok(run: CliResult): CliResult {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run;
}

const publicKeys = (keyFile: string): string[] => [...fs.readFileSync(keyFile, 'utf8').matchAll(/^# public key: (age1[0-9a-z]+)$/gm)].map((m) => m[1] ?? '');

async function storedRecipient(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ recipient: string }>('SELECT recipient FROM tenantctl.outbox_key')).rows[0]?.recipient;
  } finally {
    await client.end();
  }
}

describePostgres('rotating the outbox key when the commit\'s outcome is unknown', { timeout: 180_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('tenantctl-rotation-cut-');
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['after', 'the server committed: the database seals for the new key'],
    ['before', 'the server rolled back: the database still seals for the previous key'],
  ] as const)('connection cut %s COMMIT (%s): the file keeps both keys and every credential is delivered', async (cutAt: CutAt) => {
    const url = await postgresTestUrl(`rotation_cut_${cutAt}`);
    if (url === null) return;
    const keyFile = path.join(dir, `${cutAt}.key`);
    const env = { TENANTCTL_DATABASE_URL: url, TENANTCTL_OUTBOX_KEY: keyFile };
    ok(await runCli(['init', '--catalog', CATALOG], { env }));
    ok(await runCli(APPLY, { env }));
    const [previousKey] = publicKeys(keyFile);

    const proxy = await startCommitCuttingProxy(url, 'INSERT INTO outbox_key', cutAt);
    let rotation: CliResult;
    try {
      rotation = await runCli(['init', '--rotate-outbox-key'], { env: { ...env, TENANTCTL_DATABASE_URL: proxy.url } });
      expect(proxy.cuts()).toBe(1);
    } finally {
      await proxy.close();
    }
    expect(rotation.code).toBe(1);
    // Whichever the server did, the file holds the key it seals for, and the message says so.
    const [newKey, ...rest] = publicKeys(keyFile);
    expect(rest, 'the previous key must stay in the file').toEqual([previousKey]);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(await storedRecipient(url)).toBe(cutAt === 'after' ? newKey : previousKey);
    expect(rotation.stderr).toContain('while committing the outbox key rotation: whether the database now seals for the new key or the previous one is unknown');
    expect(rotation.stderr).toContain(`${keyFile} keeps both the new key and the previous one, so every queued credential opens either way; run \`tenantctl init --outbox-key ${keyFile}\` to see which key the database holds`);
    expect(rotation.stderr).not.toContain('tenantctl history');

    // init says which key the database holds, and that the file has another.
    const check = ok(await runCli(['init', '--outbox-key', keyFile], { env }));
    expect(check.stdout).toContain(`Outbox key: credentials are sealed for ${cutAt === 'after' ? newKey : previousKey}, one of the 2 keys in ${keyFile}`);

    // Rotating again ends with one key, and every credential still opens.
    ok(await runCli(['init', '--rotate-outbox-key'], { env }));
    expect(publicKeys(keyFile)).toHaveLength(1);
    const pickup = path.join(dir, `${cutAt}-pickup`);
    expect(ok(await runCli(['deliver', '--pickup', pickup], { env })).stdout).toContain('Delivered 13 of 13 notification(s)');
  });
});
