/**
 * Where password.fromEnv may read. A pull request names the variable, and
 * validate and plan run with the CI job's environment, so a variable that
 * holds something else would be checked against the password policy and
 * described in the output, a few bits at a time: tenantctl's own settings
 * (the database URL, the SMTP URL, key files: TENANTCTL_*), and the
 * credentials the CI platform gives every job (GitLab's CI_JOB_TOKEN and
 * CI_REGISTRY_PASSWORD, GitHub's GITHUB_TOKEN and ACTIONS_RUNTIME_TOKEN, a
 * runner's RUNNER_*), which reach merge-request pipelines that see no
 * protected secret.
 */
const OWN_PREFIX = 'TENANTCTL_';
const CI_PREFIXES = ['CI_', 'GITLAB_', 'GITHUB_', 'ACTIONS_', 'RUNNER_'] as const;

export type ReservedKind = 'tenantctl' | 'ci';

/** Why `name` is never a password source, or null when it may be one. */
export function reservedVariable(name: string): ReservedKind | null {
  const upper = name.toUpperCase();
  if (upper.startsWith(OWN_PREFIX)) return 'tenantctl';
  return CI_PREFIXES.some((prefix) => upper.startsWith(prefix)) ? 'ci' : null;
}

export function isReservedVariable(name: string): boolean {
  return reservedVariable(name) !== null;
}

/** The variable's value; only the environment's own entries (`__proto__` is a name like any other). */
export function variableValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  return Object.hasOwn(env, name) ? env[name] : undefined;
}
