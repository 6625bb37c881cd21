import { TenantctlError } from '../src/diagnostics/tenantctl-error.js';

/** The spellings of yes and no a boolean variable takes, in any case, blanks around them ignored; empty is no (a CI secret the job cannot read is set, empty). */
const YES = new Set(['1', 'true', 'yes', 'on']);
const NO = new Set(['0', 'false', 'no', 'off', '']);

/** tenantctl's own switches in the environment (README, "Environment variables"). */
export const BOOLEAN_VARIABLES = ['TENANTCTL_QUIET', 'TENANTCTL_DEBUG', 'TENANTCTL_DEBUG_TRACE'] as const;
export type BooleanVariable = (typeof BOOLEAN_VARIABLES)[number];

const spelling = (value: string) => value.trim().toLowerCase();

/** Whether a value of a variable that is a platform's convention (`CI`) says no; any other value is yes (`CI=woodpecker`). */
export function saysNo(value: string | undefined): boolean {
  return value === undefined || NO.has(spelling(value));
}

/** A switch's value; throws for one that is neither yes nor no, so `TENANTCTL_QUIET=ture` is not silently off. */
export function booleanVariable(name: BooleanVariable, env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[name];
  if (value === undefined) return false;
  const given = spelling(value);
  if (YES.has(given)) return true;
  if (NO.has(given)) return false;
  throw new TenantctlError(
    `${name} is ${JSON.stringify(value)}, which is neither yes nor no: set it to 1, true, yes or on (any case), or to 0, false, no, off or nothing, or unset it`,
  );
}

/** Each switch checked before a command starts, so a misspelt one stops it before anything is read or changed. */
export function refuseUnreadableBooleanVariables(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of BOOLEAN_VARIABLES) booleanVariable(name, env);
}
