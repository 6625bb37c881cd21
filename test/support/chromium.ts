import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Debian's `chromium`, for the browser tests, installed here when missing:
 * this setup, not .ci/run, owns the dependency, so a clean clone gets it
 * whichever way the suite is started. As root apt-get runs directly; as
 * another user only through `sudo -n` (never a password prompt). When it
 * cannot be had, CI (CI=true) fails with the reason, and a developer's run
 * skips the browser tests with the same reason.
 */

export const CHROMIUM = '/usr/bin/chromium';

export type ChromiumSetup = { readonly path: string; readonly skipReason: null } | { readonly path: null; readonly skipReason: string };

const APT = ['-o', 'DPkg::Lock::Timeout=300'];

function run(command: string, args: readonly string[]): { ok: boolean; output: string } {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 15 * 60 * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/** How to run apt-get here: directly as root, through passwordless sudo, or not at all. */
function aptRunner(): ((args: readonly string[]) => { ok: boolean; output: string }) | null {
  if (process.getuid?.() === 0) return (args) => run('apt-get', args);
  if (run('sudo', ['-n', 'true']).ok) return (args) => run('sudo', ['-n', 'apt-get', ...args]);
  return null;
}

function install(): string | null {
  const apt = aptRunner();
  if (!apt) return 'chromium is missing and this user can install it neither as root nor with passwordless sudo (install Debian\'s chromium package)';
  let attempt = apt([...APT, 'install', '-y', '-q', 'chromium']);
  // A fresh container has no package lists yet.
  if (!attempt.ok) {
    apt([...APT, 'update', '-q']);
    attempt = apt([...APT, 'install', '-y', '-q', 'chromium']);
  }
  if (!attempt.ok || !fs.existsSync(CHROMIUM)) return `installing chromium failed:\n${attempt.output.slice(-2000)}`;
  return null;
}

/** The browser, installing it when missing; throws under CI=true when it cannot be had. */
export function setUpChromium(): ChromiumSetup {
  const problem = fs.existsSync(CHROMIUM) ? null : install();
  if (problem === null) return { path: CHROMIUM, skipReason: null };
  if (process.env.CI === 'true') throw new Error(`The browser tests need ${CHROMIUM}: ${problem}`);
  return { path: null, skipReason: problem };
}

/**
 * Flags for a quiet, private headless run: no sandbox (containers run as
 * root), no GPU, and none of Chromium's own background traffic (component
 * updates, sync, QUIC probes), so any request seen came from the page.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;
