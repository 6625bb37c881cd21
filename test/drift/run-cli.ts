// Runs tenantctl commands in this process, the way cmd/tenantctl.ts wires them.
import { Command, CommanderError } from 'commander';
import { vi } from 'vitest';
import { registerDrift } from '../../cmd/commands/drift.js';
import { registerHistory } from '../../cmd/commands/history.js';
import { addDatabaseOptions } from '../../cmd/database-option.js';
import { TenantctlError } from '../../src/diagnostics/tenantctl-error.js';

export interface CliRun {
  readonly stdout: string;
  readonly stderr: string;
  /** process.exitCode as the command left it (undefined: it set none). */
  readonly exitCode: number | undefined;
}

/**
 * `tenantctl <args>` with drift and history registered. Expected failures end
 * as cmd/tenantctl.ts ends them (`Error: …` on stderr, exit code 1); anything
 * else is a bug and is thrown.
 */
export async function runCli(args: readonly string[]): Promise<CliRun> {
  const program = new Command('tenantctl').exitOverride();
  registerDrift(program);
  registerHistory(program);
  for (const command of program.commands) addDatabaseOptions(command);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => stdout.push(String(chunk)) > 0);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => stderr.push(String(chunk)) > 0);
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'tenantctl', ...args]);
  } catch (cause) {
    if (cause instanceof TenantctlError) {
      stderr.push(`Error: ${cause.message}\n`);
      process.exitCode = cause.exitCode;
    } else if (cause instanceof CommanderError) {
      process.exitCode = cause.exitCode === 0 ? 0 : 1;
    } else {
      throw cause;
    }
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const exitCode = process.exitCode === undefined ? undefined : Number(process.exitCode);
  process.exitCode = undefined;
  return { stdout: stdout.join(''), stderr: stderr.join(''), exitCode };
}
