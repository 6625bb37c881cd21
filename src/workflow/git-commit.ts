import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { gitEnvironment } from '../files/git-environment.js';
import { terminalText } from '../render/escape-terminal.js';

/**
 * Where CI services publish the commit being built, in the order looked at.
 * Preferred to git's HEAD (a CI may check out a merge it names so); git
 * still says whether the configuration has uncommitted changes.
 */
export const CI_COMMIT_VARIABLES = [
  'GITHUB_SHA',
  'CI_COMMIT_SHA',
  'BUILD_SOURCEVERSION',
  'BITBUCKET_COMMIT',
  'CIRCLE_SHA1',
  'BUILDKITE_COMMIT',
  'TRAVIS_COMMIT',
  'DRONE_COMMIT_SHA',
  'CODEBUILD_RESOLVED_SOURCE_VERSION',
  'GIT_COMMIT',
] as const;

const runGit = promisify(execFile);

const COMMIT_ID = /^[0-9a-f]{7,64}$/i;
const DIRTY = '+dirty';

export interface CommitLookup {
  /** `--commit SHA`, when given. */
  readonly flag?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly configPaths: readonly string[];
}

export interface FoundCommit {
  /** The commit id, with `+dirty` when git saw uncommitted changes to the configuration; null when unknown. */
  readonly commit: string | null;
  /** Why git was not asked, for a one-line notice; null when there is nothing to say. */
  readonly notice: string | null;
  /**
   * A CI variable whose value is not a commit id, passed over (a platform may put
   * another kind of revision there, e.g. a TFVC changeset): for a warning, its
   * value escaped for a terminal; absent when every one set was a commit id.
   */
  readonly warning?: string;
}

/** `--commit` must be a commit id, so nothing else is written into the audit trail as one. */
export function parseCommitFlag(value: string): string {
  if (!COMMIT_ID.test(value)) throw new TenantctlError(`--commit takes a git commit id (7 to 64 hexadecimal digits), got ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

/**
 * The configuration's commit: `--commit`, else the CI's variable (with
 * `+dirty` when git sees the configuration changed), else git's HEAD; git is
 * run so that nothing in the configuration folder can make it run a command
 * (see `askGit`). Never throws for a missing or odd repository: the commit
 * is then unknown (null).
 */
export async function findConfigCommit(lookup: CommitLookup): Promise<FoundCommit> {
  if (lookup.flag) return { commit: parseCommitFlag(lookup.flag), notice: null };
  const asked = await askGit(lookup.configPaths);
  const passedOver: string[] = [];
  let found: FoundCommit = asked;
  for (const name of CI_COMMIT_VARIABLES) {
    const value = lookup.env[name]?.trim();
    if (!value) continue;
    if (!COMMIT_ID.test(value)) {
      passedOver.push(`${name} is ${terminalText(JSON.stringify(value))}`);
      continue;
    }
    // A job that edits the configuration after checkout applies what no commit holds: say so, as git would.
    found = { commit: `${value.toLowerCase()}${asked.commit?.endsWith(DIRTY) ? DIRTY : ''}`, notice: null };
    break;
  }
  if (passedOver.length === 0) return found;
  const recorded = found.commit === null ? 'no commit is recorded: pass --commit SHA to record one' : `the commit recorded is ${found.commit}`;
  return {
    ...found,
    warning: `${passedOver.join(', ')}: not a git commit id (7 to 64 hexadecimal digits), so not recorded as the configuration's commit; ${recorded}`,
  };
}

const folderOf = (target: string): string => {
  const absolute = path.resolve(target);
  try {
    return fs.statSync(absolute).isDirectory() ? absolute : path.dirname(absolute);
  } catch {
    return path.dirname(absolute);
  }
};

/**
 * Would git take this folder for a repository of its own (a bare one, or a
 * git directory)? It would when it holds HEAD and objects/refs, or a
 * commondir pointing elsewhere. A pull request can add exactly these files.
 */
export function looksLikeGitDirectory(folder: string): boolean {
  const has = (name: string) => fs.existsSync(path.join(folder, name));
  return has('HEAD') && (has('objects') || has('refs') || has('commondir') || has('config'));
}

/** The nearest folder at or above `folder` holding a `.git` (folder or gitfile): the work tree's top. */
function existingRealPath(folder: string): string | null {
  try {
    return fs.realpathSync.native(folder);
  } catch {
    return null;
  }
}

function workTreeTop(folder: string): string | null {
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

const globEscaped = (text: string): string => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/**
 * What tenantctl reads of a -c path, for git status: a file itself, a
 * directory's YAML files (not its subfolders, nor a plan.json written there,
 * which would mark every apply of that plan +dirty).
 */
function readPathspecs(given: string): string[] {
  const real = fs.existsSync(given) ? fs.realpathSync.native(given) : path.resolve(given);
  if (!fs.statSync(real, { throwIfNoEntry: false })?.isDirectory()) return [`:(literal)${real}`];
  return ['yaml', 'yml'].map((ext) => `:(glob,icase)${globEscaped(real)}/*.${ext}`);
}

/**
 * Runs git with the repository named explicitly (GIT_DIR = the work tree's
 * own `.git`, found by looking for it ourselves), so git never discovers a
 * repository planted inside the configuration; system configuration, hooks
 * and fsmonitor are switched off, and implicit bare repositories refused.
 * Its environment holds none of this process's secrets (git-environment.ts).
 * A folder between the configuration and the work tree's top that looks like
 * a repository itself is not trusted at all.
 */
async function askGit(configPaths: readonly string[]): Promise<FoundCommit> {
  const first = configPaths[0];
  if (!first) return { commit: null, notice: null };
  // A path that does not exist has no commit; loading it says CONFIG_NOT_FOUND.
  const start = existingRealPath(folderOf(first));
  const top = start === null ? null : workTreeTop(start);
  if (start === null || !top) return { commit: null, notice: null };
  for (let dir = start; dir !== top; dir = path.dirname(dir)) {
    if (looksLikeGitDirectory(dir)) {
      return {
        commit: null,
        notice: `not asking git for the configuration's commit: ${dir} looks like a git repository of its own (HEAD, objects, refs); pass --commit SHA to record the commit`,
      };
    }
  }
  const env = gitEnvironment({
    GIT_DIR: path.join(top, '.git'),
    GIT_WORK_TREE: top,
    GIT_CEILING_DIRECTORIES: path.dirname(top),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_TERMINAL_PROMPT: '0',
  });
  const hardening = ['-c', 'safe.bareRepository=explicit', '-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'core.untrackedCache=false'];
  // Not run synchronously: both questions are asked at once, and the caller reads the directory and
  // parses the configuration meanwhile (two spawns from a CLI of 100 MB blocked a plan for ~0.1 s).
  const git = async (...args: string[]) => (await runGit('git', [...hardening, ...args], { cwd: top, env, encoding: 'utf8', timeout: 10_000 })).stdout.trim();
  try {
    const pathspecs = configPaths.flatMap(readPathspecs);
    const [commit, status] = await Promise.all([git('rev-parse', '--verify', 'HEAD^{commit}'), git('status', '--porcelain', '--', ...pathspecs)]);
    if (!COMMIT_ID.test(commit)) return { commit: null, notice: null };
    return { commit: status !== '' ? `${commit}${DIRTY}` : commit, notice: null };
  } catch {
    return { commit: null, notice: null };
  }
}
