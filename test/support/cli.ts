import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cmd', 'tenantctl.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly input?: string;
  /** Run under this umask (e.g. 0o000), through /bin/sh. */
  readonly umask?: number;
  /**
   * SIGKILL the process if it has not ended after this long: for a command
   * that, broken, would block in a system call (opening a FIFO), where it
   * ignores SIGTERM and would outlive the test. The result then has code null.
   */
  readonly killAfterMs?: number;
}

/**
 * No progress lines: on a loaded machine any command may pass the two seconds
 * after which progress shows, and tests compare stderr exactly. The progress
 * tests override this.
 */
export const QUIET = { TENANTCTL_QUIET: '1' } as const;

/**
 * Node reads the certificates NODE_EXTRA_CA_CERTS names as it starts, whether
 * or not the process opens a TLS connection: about 80 ms of CPU for a system
 * bundle on these machines, whose environment sets it, on each of the suite's
 * several hundred CLI processes. The tests reach nothing outside this machine;
 * those that trust a test server's certificate set it themselves (options.env).
 */
const NO_EXTRA_CAS = { NODE_EXTRA_CA_CERTS: undefined } as const;

/** Runs the built tenantctl as a user would, without a terminal. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // GITHUB_WORKSPACE (a run on GitHub's runners) would make annotations' paths relative to it.
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', TENANTCTL_DATABASE_URL: undefined, GITHUB_WORKSPACE: undefined, ...NO_EXTRA_CAS, ...QUIET, ...options.env };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const [file, argv] = options.umask === undefined
      ? [process.execPath, [CLI, ...args]]
      : ['/bin/sh', ['-c', `umask ${options.umask.toString(8).padStart(3, '0')}; exec "$0" "$@"`, process.execPath, CLI, ...args]];
    const child = spawn(file, argv, { cwd: options.cwd ?? ROOT, env: env as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    // Decoded as a stream: a chunk of a pipe (64 KiB) may end inside a character, which decoded alone is two U+FFFD.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const killer = options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A fresh folder for an embedded database, removed by the caller's cleanup. */
export function tempDir(prefix = 'tenantctl-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A copy of examples/contoso to edit freely. */
export function copyContoso(): string {
  const dir = tempDir('tenantctl-config-');
  fs.cpSync(path.join(ROOT, 'examples', 'contoso'), dir, { recursive: true });
  return dir;
}
