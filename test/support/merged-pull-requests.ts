import path from 'node:path';
import { expect } from 'vitest';
import { copyContoso, runCli, type CliResult } from './cli.js';

/** A copy of the contoso example, and the CLI on `database` with `env` besides. */
export interface PullRequests {
  readonly config: string;
  /** The copy's users.yaml, which each pull request edits. */
  readonly users: string;
  readonly cli: (args: string[]) => Promise<CliResult>;
  /** Applies the configuration as CI does on merge: --auto-approve and no approval flag; it must succeed. */
  readonly merged: (actor?: string) => Promise<CliResult>;
}

/**
 * The pull requests of an attack on the approvals, each merged on its own
 * (the grant-after-* tests): none may need an approval flag but the last.
 */
export function pullRequests(database: string, env: Readonly<Record<string, string>> = {}): PullRequests {
  const config = copyContoso();
  const cli = (args: string[]) => runCli(args, { env: { TENANTCTL_DATABASE_URL: database, ...env } });
  const merged = async (actor?: string) => {
    const run = await cli(['apply', '-c', config, '--auto-approve', ...(actor === undefined ? [] : ['--actor', actor])]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    return run;
  };
  return { config, users: path.join(config, 'users.yaml'), cli, merged };
}
