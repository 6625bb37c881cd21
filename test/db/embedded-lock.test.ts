import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireEmbeddedLock } from '../../src/db/embedded-lock.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-lock-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
let count = 0;
const folder = () => path.join(scratch, `db${++count}`);

describe('the embedded database lock file', () => {
  it('holds who took it, complete, and leaves nothing else beside it', async () => {
    const db = folder();
    const release = await acquireEmbeddedLock(db, 'alice', 1000);
    expect(JSON.parse(fs.readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({ actor: 'alice', pid: process.pid });
    expect(fs.readdirSync(scratch).filter((name) => name.startsWith(path.basename(db)))).toEqual([`${path.basename(db)}.lock`]);
    release();
    expect(fs.existsSync(`${db}.lock`)).toBe(false);
  });

  it('is taken over from a process that died', async () => {
    const db = folder();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.writeFileSync(`${db}.lock`, JSON.stringify({ actor: 'bob', host: os.hostname(), pid: Number(dead), since: new Date().toISOString() }));
    const release = await acquireEmbeddedLock(db, 'alice', 1000);
    expect(JSON.parse(fs.readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({ actor: 'alice' });
    release();
  });

  it('is taken over when empty and older than any write takes (a process killed while writing it)', async () => {
    const db = folder();
    fs.writeFileSync(`${db}.lock`, '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(`${db}.lock`, old, old);
    const release = await acquireEmbeddedLock(db, 'alice', 1000);
    expect(JSON.parse(fs.readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({ actor: 'alice' });
    release();
  });

  it('is waited for while a live process holds it, or while an empty one is fresh', async () => {
    const held = folder();
    const release = await acquireEmbeddedLock(held, 'alice', 1000);
    await expect(acquireEmbeddedLock(held, 'bob', 300)).rejects.toThrow(/is in use by alice on .* \(pid \d+\) since/);
    release();
    const fresh = folder();
    fs.writeFileSync(`${fresh}.lock`, '');
    await expect(acquireEmbeddedLock(fresh, 'bob', 300)).rejects.toThrow(/is in use by another process; waited 0s/);
  });
});
