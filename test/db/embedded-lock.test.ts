import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireEmbeddedLock, processStart, takeOverAbandoned } from '../../src/db/embedded-lock.js';
import { ROOT } from '../support/cli.js';

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

  it.skipIf(processStart(process.pid) === null)('is taken over from a process that died when its pid now belongs to another live process', async () => {
    const db = folder();
    const live = process.pid;
    const started = processStart(live) ?? '';
    const first = await acquireEmbeddedLock(db, 'alice', 1000);
    expect(JSON.parse(fs.readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({ pid: live, started });
    first();
    // Recorded by a process that had this pid before the one alive now.
    const reused = `${started.split('/')[0]}/${Number(started.split('/')[1]) - 1}`;
    fs.writeFileSync(`${db}.lock`, JSON.stringify({ actor: 'bob', host: os.hostname(), pid: live, since: new Date().toISOString(), started: reused }));
    const release = await acquireEmbeddedLock(db, 'alice', 1000);
    expect(JSON.parse(fs.readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({ actor: 'alice', started });
    release();
  });

  it('is waited for while a live process holds it, as its start time or an older lock without one says', async () => {
    for (const started of [processStart(process.pid) ?? undefined, undefined]) {
      const db = folder();
      fs.writeFileSync(`${db}.lock`, JSON.stringify({ actor: 'bob', host: os.hostname(), pid: process.pid, since: new Date().toISOString(), started }));
      await expect(acquireEmbeddedLock(db, 'alice', 300)).rejects.toThrow(/is in use by bob on .* \(pid \d+\) since/);
    }
  });

  it('names its holder on one line, whatever the --actor it was taken with holds', async () => {
    const db = folder();
    fs.writeFileSync(`${db}.lock`, JSON.stringify({ actor: 'bob\n::error::forged', host: 'build\u001b[2J', pid: process.pid, since: '2026-11-25T14:02:00.000Z\r::add-mask::x' }));
    await expect(acquireEmbeddedLock(db, 'alice', 300)).rejects.toThrow(
      `is in use by bob\\u000a::error::forged on build\\u001b[2J (pid ${process.pid}) since 2026-11-25T14:02:00.000Z\\u000d::add-mask::x; waited 0s`,
    );
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
    // Dated a minute ahead: still fresh (under EMPTY_LOCK_STALE_MS old) however slowly a loaded host gets to the check.
    const ahead = new Date(Date.now() + 60_000);
    fs.utimesSync(`${fresh}.lock`, ahead, ahead);
    await expect(acquireEmbeddedLock(fresh, 'bob', 300)).rejects.toThrow(/is in use by another process; waited 0s/);
  });

  it('is never taken over from a live holder because its content cannot be read or parsed, however old', async () => {
    const db = folder();
    // Not empty, so not a process killed while creating it (a lock of another version, or garbage): waited for, as before.
    fs.writeFileSync(`${db}.lock`, '{"actor":"carol","ho');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(`${db}.lock`, old, old);
    await expect(acquireEmbeddedLock(db, 'bob', 300)).rejects.toThrow(/is in use by another process; waited 0s/);
    expect(fs.readFileSync(`${db}.lock`, 'utf8')).toBe('{"actor":"carol","ho');
  });

  it('is not written through a symbolic link planted where it stages, nor removes the staging file of a process with its pid', async () => {
    const db = folder();
    const target = path.join(scratch, `target${count}`);
    fs.writeFileSync(target, 'keep me');
    // The staging name of older versions: pid only. Another container's process may have this pid too.
    fs.symlinkSync(target, `${db}.lock.${process.pid}.new`);
    const release = await acquireEmbeddedLock(db, 'alice', 1000);
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
    expect(fs.lstatSync(`${db}.lock`).isSymbolicLink()).toBe(false);
    expect(JSON.parse(fs.readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({ actor: 'alice', pid: process.pid });
    expect(fs.lstatSync(`${db}.lock.${process.pid}.new`).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(scratch).filter((name) => name.startsWith(`${path.basename(db)}.`)).sort()).toEqual([`${path.basename(db)}.lock`, `${path.basename(db)}.lock.${process.pid}.new`]);
    release();
  });

  /** The compiled module and every module it imports by a relative path, as paths under dist/src. */
  function importClosure(first: string): string[] {
    const found = new Set<string>();
    const visit = (file: string) => {
      if (found.has(file)) return;
      found.add(file);
      const text = fs.readFileSync(path.join(ROOT, 'dist', 'src', file), 'utf8');
      for (const [, relative] of text.matchAll(/from ['"](\.{1,2}\/[^'"]+)['"]/g)) visit(path.posix.join(path.posix.dirname(file), relative!));
    };
    visit(first);
    return [...found];
  }

  // Another OS user's lock (mode 0600) cannot be read; its holder is alive, so it must be waited for.
  it.runIf(process.getuid?.() === 0)('is never taken over from a live holder of another OS user whose lock cannot be read', async () => {
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-shared-lock-'));
    try {
      fs.chmodSync(shared, 0o777);
      // The compiled lock module, where the other user can read it. Modes are set explicitly:
      // an earlier test in this worker may have left the umask at 077, as tenantctl does.
      for (const file of importClosure('db/embedded-lock.js')) {
        for (const folder of ['lib', path.join('lib', path.dirname(file))]) {
          fs.mkdirSync(path.join(shared, folder), { recursive: true });
          fs.chmodSync(path.join(shared, folder), 0o755);
        }
        fs.copyFileSync(path.join(ROOT, 'dist', 'src', file), path.join(shared, 'lib', file));
        fs.chmodSync(path.join(shared, 'lib', file), 0o644);
      }
      const db = path.join(shared, 'db');
      const release = await acquireEmbeddedLock(db, 'alice', 1000);
      try {
        const old = new Date(Date.now() - 60_000);
        fs.utimesSync(`${db}.lock`, old, old);
        const script = `import { acquireEmbeddedLock } from ${JSON.stringify(path.join(shared, 'lib', 'db', 'embedded-lock.js'))};
try { await acquireEmbeddedLock(${JSON.stringify(db)}, 'mallory', 300); console.log('TOOK THE LOCK'); } catch (e) { console.log(e.message); }`;
        const other = spawnSync(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534, cwd: shared, encoding: 'utf8' });
        expect(other.stderr).toBe('');
        expect(other.stdout).toMatch(/is in use by another process; waited 0s/);
        expect(JSON.parse(fs.readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({ actor: 'alice', pid: process.pid });
      } finally {
        release();
      }
    } finally {
      fs.rmSync(shared, { recursive: true, force: true });
    }
  });

  it('is not removed by a second waiter that judged the dead lock the first has replaced since', async () => {
    const db = folder();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.writeFileSync(`${db}.lock`, JSON.stringify({ actor: 'bob', host: os.hostname(), pid: Number(dead), since: new Date().toISOString() }));
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(`${db}.lock`, old, old);
    // Both waiters judged bob's lock abandoned; the first took it over.
    const judged = fs.lstatSync(`${db}.lock`, { bigint: true });
    fs.rmSync(`${db}.lock`);
    const release = await acquireEmbeddedLock(db, 'alice', 1000);
    // The second now takes over what it judged: alice's lock must stay.
    takeOverAbandoned(`${db}.lock`, judged);
    expect(JSON.parse(fs.readFileSync(`${db}.lock`, 'utf8'))).toMatchObject({ actor: 'alice', pid: process.pid });
    await expect(acquireEmbeddedLock(db, 'carol', 300)).rejects.toThrow(/is in use by alice/);
    expect(fs.readdirSync(scratch).filter((name) => name.startsWith(`${path.basename(db)}.`))).toEqual([`${path.basename(db)}.lock`]);
    release();
    // What it judged, still there, it takes over.
    fs.writeFileSync(`${db}.lock`, '');
    fs.utimesSync(`${db}.lock`, old, old);
    takeOverAbandoned(`${db}.lock`, fs.lstatSync(`${db}.lock`, { bigint: true }));
    expect(fs.existsSync(`${db}.lock`)).toBe(false);
  });
});
