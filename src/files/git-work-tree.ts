import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { gitEnvironment } from './git-environment.js';

/** The top of the git work tree holding `file`: the nearest folder above it with a `.git`. */
export function findWorkTree(file: string): string | null {
  let folder = path.dirname(path.resolve(file));
  for (;;) {
    if (fs.existsSync(path.join(folder, '.git'))) return folder;
    const parent = path.dirname(folder);
    if (parent === folder) return null;
    folder = parent;
  }
}

/**
 * Whether git ignores `file` in the work tree `top`. git runs with the
 * repository named explicitly (no discovery, so a folder dressed up as a
 * bare repository is never used), fsmonitor off (a repository's config
 * cannot make it run a command), ceiling directories set, and none of this
 * process's secrets in its environment (git-environment.ts).
 */
function gitIgnores(top: string, file: string): boolean {
  const run = spawnSync(
    'git',
    ['-c', 'core.fsmonitor=false', '-c', 'safe.bareRepository=explicit', '--git-dir', path.join(top, '.git'), '--work-tree', top,
      'check-ignore', '-q', '--', path.relative(top, file)],
    {
      cwd: top,
      encoding: 'utf8',
      env: gitEnvironment({ GIT_CEILING_DIRECTORIES: path.dirname(top), GIT_CONFIG_NOSYSTEM: '1', GIT_OPTIONAL_LOCKS: '0' }),
      timeout: 10_000,
    },
  );
  if (run.error || (run.status !== 0 && run.status !== 1)) {
    throw new TenantctlError(`cannot tell whether git ignores ${file} in the work tree ${top}: ${run.error?.message ?? run.stderr.trim()}`);
  }
  return run.status === 0;
}

/**
 * Refuses a secret's path inside a git work tree unless git ignores it, so a
 * routine `git add -A` cannot commit it. `what` names the file in the message.
 * A folder that does not exist yet is asked about through a file in it
 * (`inside`): git matches `name/` patterns only against folders it sees.
 */
export function refuseTrackedPath(file: string, what: string, how: string, inside?: string): void {
  const resolved = path.resolve(file);
  const top = findWorkTree(resolved);
  if (top === null || gitIgnores(top, inside === undefined ? resolved : path.join(resolved, inside))) return;
  throw new TenantctlError(`refusing ${what} ${resolved}: it is inside the git work tree ${top} and git does not ignore it; ${how}`);
}
