import { couldBePassword } from './password-policy.js';
/**
 * Where password.fromEnv may read. A pull request names the variable, and
 * validate and plan run with the CI job's environment, so a variable that
 * holds something else would be checked against the password policy and
 * described in the output, a few bits at a time: tenantctl's own settings
 * (the database URL, the SMTP URL, key files: TENANTCTL_*), and the
 * credentials the CI platform gives every job (GitLab's CI_JOB_TOKEN and
 * CI_REGISTRY_PASSWORD, GitHub's GITHUB_TOKEN and ACTIONS_RUNTIME_TOKEN, a
 * runner's RUNNER_*, Azure Pipelines' SYSTEM_ACCESSTOKEN), which reach
 * merge-request pipelines that see no protected secret, and variables
 * named as another service's credentials (PGPASSWORD, AWS_*, *_TOKEN,
 * *_SECRET, *_API_KEY). A list, so not every secret: the plan names the
 * variable each password comes from for the reviewer.
 */
const OWN_PREFIX = 'TENANTCTL_';
/** What CI platforms set for every job: GitLab, GitHub, Azure Pipelines, Bitbucket, CircleCI, Buildkite, Jenkins, Travis, Drone. */
export const CI_PREFIXES = [
  'CI_', 'GITLAB_', 'GITHUB_', 'ACTIONS_', 'RUNNER_', 'SYSTEM_', 'AGENT_', 'BUILD_', 'BITBUCKET_', 'CIRCLE_', 'BUILDKITE_', 'JENKINS_', 'TRAVIS_', 'DRONE_',
] as const;
/**
 * Variables that hold another service's credentials by their name: libpq's
 * password and password file, cloud and registry accounts, and any token,
 * secret or key. A new user's temporary password is none of these.
 */
export const CREDENTIAL_PREFIXES = ['PGPASS', 'AWS_', 'AZURE_', 'ARM_', 'GOOGLE_', 'GCP_', 'NPM_', 'DOCKER_'] as const;
const CREDENTIAL_WORDS = /(^|_)(TOKEN|SECRET|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|DATABASE_URL)(_|$)|TOKEN$/;

export type ReservedKind = 'tenantctl' | 'ci' | 'credential';

/** Why `name` is never a password source, or null when it may be one. */
export function reservedVariable(name: string): ReservedKind | null {
  const upper = name.toUpperCase();
  if (upper.startsWith(OWN_PREFIX)) return 'tenantctl';
  if (CI_PREFIXES.some((prefix) => upper.startsWith(prefix))) return 'ci';
  if (CREDENTIAL_PREFIXES.some((prefix) => upper.startsWith(prefix)) || CREDENTIAL_WORDS.test(upper)) return 'credential';
  return null;
}

export function isReservedVariable(name: string): boolean {
  return reservedVariable(name) !== null;
}

/** The variable's value; only the environment's own entries (`__proto__` is a name like any other). */
export function variableValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  return Object.hasOwn(env, name) ? env[name] : undefined;
}

/**
 * Whether a fromEnv "variable name" is written like a password: long enough,
 * and mixing lower case, upper case and digits (`fromEnv: Welkom2016x`, a
 * valid name, is most likely the password typed where its variable's name
 * belongs). Names written by convention are upper case (JOEP_INITIAL_PASSWORD,
 * MEGAN_PW_2016) or lower case, and are not.
 */
export function nameLikePassword(name: string): boolean {
  return couldBePassword(name) && /[a-z]/.test(name) && /[A-Z]/.test(name) && /[0-9]/.test(name);
}

/** What stands in messages for a fromEnv name written like a password. */
export const NAME_NOT_SHOWN = 'a variable whose name is written like a password (not shown here)';

/**
 * ` from $NAME`: where a temporary password came from, as the approval lines
 * and warnings say it (`show` escapes it for the output). A name written like
 * a password, or '' (one apply did not store, migration 0035), is never shown.
 */
export function fromVariableText(name: string, show: (text: string) => string = (text) => text): string {
  return name === '' || nameLikePassword(name) ? ` from ${NAME_NOT_SHOWN}` : ` from ${show(`$${name}`)}`;
}

/** `name` as messages and the plan show it: a name written like a password is never shown. */
export const shownVariable = (name: string): string => (nameLikePassword(name) ? NAME_NOT_SHOWN : name);
