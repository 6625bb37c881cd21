import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';

const CLI = path.join(ROOT, 'dist', 'cmd', 'tenantctl.js');
const diagnosticsSchema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/diagnostics.schema.json'), 'utf8')) as object;
const validDiagnostics = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(diagnosticsSchema);

interface Stopped {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs tenantctl with every statement of its reading transaction held for a
 * minute, and sends `signal` once it is inside that transaction: a command
 * stopped mid-read, as Ctrl-C or a cancelled CI job stops one.
 */
function stopWhileReading(args: readonly string[], database: string, signal: NodeJS.Signals): Promise<Stopped> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      NO_COLOR: '1',
      TENANTCTL_QUIET: '1',
      NODE_EXTRA_CA_CERTS: undefined,
      GITHUB_WORKSPACE: undefined,
      TENANTCTL_DATABASE_URL: database,
      TENANTCTL_DEBUG_TRACE: '1',
      TENANTCTL_DEBUG_STATEMENT_DELAY_MS: '60000',
    };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (!sent && stderr.includes('tenantctl debug: transaction begin')) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code, killedBy) => resolve({ code, signal: killedBy, stdout, stderr }));
  });
}

describe('--format json when the command is stopped by a signal', () => {
  let dir: string;
  let database: string;

  beforeAll(async () => {
    dir = tempDir();
    database = await contosoDatabase('applied', 'json-on-signal', path.join(dir, 'db'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['plan', '-c', 'examples/contoso', '--format', 'json'], 'SIGINT', 130],
    [['drift', '-c', 'examples/contoso', '--format=json'], 'SIGINT', 130],
    [['validate', '-c', 'examples/contoso', '--format', 'json'], 'SIGINT', 130],
    [['history', '--format', 'json'], 'SIGINT', 130],
    [['plan', '-c', 'examples/contoso', '--format', 'json'], 'SIGTERM', 143],
  ] as const)('%j stopped by %s prints one CANCELLED document on stdout and exits %i', async (args, signal, exitCode) => {
    const run = await stopWhileReading(args, database, signal);
    expect(run.stderr).toContain(`Error: stopped by ${signal}; nothing was changed`);
    expect({ code: run.code, signal: run.signal }).toEqual({ code: exitCode, signal: null });
    const document = JSON.parse(run.stdout) as { diagnostics: { code: string; message: string }[] };
    expect(validDiagnostics(document), JSON.stringify(validDiagnostics.errors)).toBe(true);
    expect(document.diagnostics).toEqual([expect.objectContaining({ code: 'CANCELLED', message: `stopped by ${signal}; nothing was changed` })]);
  });

  it('leaves the signal as it is under another format: nothing on stdout, ended by the signal', async () => {
    const run = await stopWhileReading(['plan', '-c', 'examples/contoso', '--format', 'json', '--format', 'text'], database, 'SIGINT');
    expect(run.stdout).toBe('');
    expect(run.code === 130 || run.signal === 'SIGINT').toBe(true);
  });
});
