import os from 'node:os';
import { findConfigCommit, type FoundCommit } from '../src/workflow/git-commit.js';
import { err } from './terminal.js';

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
 * The configuration's commit for plans and the audit trail (`--commit`, the
 * CI's variable, or git run safely); a reason git was not asked goes to stderr.
 */
export async function configCommit(configPaths: readonly string[], flag: string | undefined): Promise<string | null> {
  const found = await findConfigCommit({ flag, env: process.env, configPaths });
  reportCommitLookup(found);
  return found.commit;
}

/** What finding the configuration's commit has to say, on stderr. */
export function reportCommitLookup(found: FoundCommit): void {
  if (found.warning) err(`warning: ${found.warning}`);
  if (found.notice) err(`note: ${found.notice}`);
}
