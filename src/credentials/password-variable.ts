/**
 * Where password.fromEnv may read. A pull request names the variable, and
 * plan runs with the CI job's environment, so tenantctl's own settings
 * (the database URL, the SMTP URL, key files: TENANTCTL_*) are never a
 * password source: their values would be checked against the password
 * policy and described in the output.
 */
const RESERVED_PREFIX = 'TENANTCTL_';

export function isReservedVariable(name: string): boolean {
  return name.toUpperCase().startsWith(RESERVED_PREFIX);
}

/** The variable's value; only the environment's own entries (`__proto__` is a name like any other). */
export function variableValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  return Object.hasOwn(env, name) ? env[name] : undefined;
}
