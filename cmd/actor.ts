import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** --actor, else the CI's user, else the OS user: who the audit trail names. */
export function resolveActor(flag: string | undefined): string {
  if (flag) return flag;
  const env = process.env;
  const ci = env.GITHUB_ACTOR ?? env.GITLAB_USER_LOGIN ?? env.BUILD_REQUESTEDFOR ?? env.BITBUCKET_STEP_TRIGGERER_UUID;
  if (ci) return ci;
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? 'unknown';
  }
}

/**
 * The git commit of the configuration, with "+dirty" when its files have
 * uncommitted changes; null outside a git repository.
 */
export function configCommit(configPaths: readonly string[]): string | null {
  const first = configPaths[0];
  if (!first) return null;
  const absolute = path.resolve(first);
  const dir = fs.existsSync(absolute) && fs.statSync(absolute).isDirectory() ? absolute : path.dirname(absolute);
  try {
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', 'HEAD');
    const dirty = git('status', '--porcelain', '--', ...configPaths.map((p) => path.resolve(p))) !== '';
    return dirty ? `${commit}+dirty` : commit;
  } catch {
    return null;
  }
}
