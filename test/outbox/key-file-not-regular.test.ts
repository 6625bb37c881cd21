// deliver read the outbox key with a blocking readFileSync: a FIFO without a
// writer named by --outbox-key or TENANTCTL_OUTBOX_KEY hung it for good (deaf
// to SIGTERM, stuck in open), and /dev/zero or a huge file was read until
// memory ran out. Each is now one located line and exit 1.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { TEST_OUTBOX_KEY_FILE } from '../support/outbox-key.js';

const root = tempDir('tenantctl-key-not-regular-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const NOT_A_FILE = 'not a regular file; tenantctl reads only regular files (save the content to a file and give its path)';
/** Broken, deliver blocks in open() for good: killed long after any healthy run ends, so the test fails instead of hanging. */
const KILL_AFTER_MS = 60_000;

let db: string;
let pickup: string;
beforeAll(() => {
  db = contosoFolder('applied', path.join(root, 'db'));
  pickup = path.join(root, 'pickup');
  fs.mkdirSync(pickup, { mode: 0o700 });
});

const deliver = (key: string) => runCli(['deliver', '--database', db, '--pickup', pickup, '--outbox-key', key], { cwd: root, killAfterMs: KILL_AFTER_MS });

it('a FIFO without a writer is refused, its name escaped, and nothing is delivered', async () => {
  const fifo = path.join(root, 'pipe\u001b[31m.key');
  execFileSync('mkfifo', [fifo]);
  const shown = fifo.replace('\u001b', '\\u001b');
  const run = await deliver(fifo);
  expect(run).toEqual({ code: 1, stdout: '', stderr: `Error: refusing the outbox key: ${shown} is a named pipe (FIFO), ${NOT_A_FILE}\n` });
  const viaVariable = await runCli(['deliver', '--database', db, '--pickup', pickup], { cwd: root, env: { TENANTCTL_OUTBOX_KEY: fifo }, killAfterMs: KILL_AFTER_MS });
  expect(viaVariable).toEqual(run);
  // init refused it before (by stat); its message now escapes the name too.
  const init = await runCli(['init', '--database', db, '--outbox-key', fifo], { cwd: root, killAfterMs: KILL_AFTER_MS });
  expect(init).toMatchObject({ code: 1, stderr: `Error: the outbox key ${shown} is not a regular file; name the key file, or a new file for init to create\n` });
  expect(fs.readdirSync(pickup)).toEqual([]);
}, 2 * KILL_AFTER_MS);

it('/dev/zero and a file far larger than any key are refused before they are read', async () => {
  expect(await deliver('/dev/zero')).toEqual({ code: 1, stdout: '', stderr: `Error: refusing the outbox key: /dev/zero is a character device, ${NOT_A_FILE}\n` });
  const huge = path.join(root, 'huge.key');
  fs.writeFileSync(huge, '', { mode: 0o600 });
  fs.truncateSync(huge, 4 * 1024 * 1024 * 1024);
  expect(await deliver(huge)).toEqual({
    code: 1,
    stdout: '',
    stderr: `Error: refusing the outbox key: ${huge} is larger than 65,536 bytes, the limit for an outbox key file; name the key file init wrote\n`,
  });
  expect(fs.readdirSync(pickup)).toEqual([]);
}, 2 * KILL_AFTER_MS);

it('a symbolic link to the key file is still followed (secret mounts are links)', async () => {
  const link = path.join(root, 'linked.key');
  fs.symlinkSync(TEST_OUTBOX_KEY_FILE, link);
  const run = await deliver(link);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/^Delivered \d+ of \d+/m);
  expect(fs.readdirSync(pickup).length).toBeGreaterThan(0);
}, 2 * KILL_AFTER_MS);
