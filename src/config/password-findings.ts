import { couldBePassword } from '../credentials/password-policy.js';
import { DISABLE_PASSWORD_EXPIRATION } from '../state/tenant-state.js';
import type { Finding, Path } from './schema-diagnostics.js';
import { closest } from './suggest.js';
import { PASSWORD_FIELD } from './type-messages.js';

/**
 * What the tenant schema's errors say about passwords: one written in the
 * configuration, a key that may be one (never quoted back), and Graph's
 * passwordPolicies, which names a policy and never holds a password.
 */

/** passwordPolicies as written, or nearly: Graph's policy, never a password. */
const PASSWORD_POLICIES_FIELD = /^passwordpolic/i;

/** Whether a key names a password (and so must not be in the configuration); passwordPolicies, or a misspelling of it, does not. */
export const namesPassword = (key: string): boolean => PASSWORD_FIELD.test(key) && !PASSWORD_POLICIES_FIELD.test(key);

/** A password written in the configuration, or a key named like one; the key is quoted only when it cannot be a password itself. */
export function passwordInConfig(path: Path, key: string | undefined): Finding {
  const shown = key !== undefined && !couldBePassword(key);
  const what = key && key !== 'password' ? (shown ? `"${key}" looks like a password: ` : 'this key looks like a password (not shown here): ') : '';
  return {
    code: 'PASSWORD_IN_CONFIG',
    path,
    pointAt: 'key',
    message: `${what}a password is never written in the configuration (it would be kept in Git); remove it and use password: { fromEnv: VARIABLE_NAME } to read it from the environment when apply runs, or leave it out to have one generated`,
  };
}

/** An unknown key not quoted back: written like a password, it may be one. */
export function unknownSecretKey(path: Path, key: string, allowed: readonly string[], owner: string): Finding {
  const message = (): string => {
    const suggestion = closest(key, allowed);
    const instead = suggestion ? `did you mean ${suggestion}?` : `${owner} takes: ${allowed.join(', ')}`;
    return `unknown field, not shown here: it may be a password (${instead}); a password is never written in the configuration: use password: { fromEnv: VARIABLE_NAME }, or leave it out to have one generated`;
  };
  return { code: 'SCHEMA_UNKNOWN_FIELD', path: [...path, key], pointAt: 'key', message };
}

/** passwordPolicies under defaults, which the schema does not allow there. */
export function passwordPoliciesInDefaults(path: Path, key: string): Finding {
  const message = 'passwordPolicies is not a default: passwords that never expire are an exception for an account that needs one (an emergency "break-glass" account); write it on that user instead';
  return { code: 'SCHEMA_UNKNOWN_FIELD', path: [...path, key], pointAt: 'key', message };
}

/**
 * passwordPolicies other than DisablePasswordExpiration (the schema's enum).
 * Graph's DisableStrongPassword, alone or in a list ("DisablePasswordExpiration,
 * DisableStrongPassword"), has its own code: the strong-password rules are not
 * optional. The value is not quoted back: it may be any text.
 */
export function passwordPoliciesValue(path: Path, value: string): Finding {
  if (/DisableStrongPassword/i.test(value)) {
    return {
      code: 'STRONG_PASSWORD_REQUIRED',
      path,
      message:
        'passwordPolicies asks for DisableStrongPassword, which tenantctl refuses: every password must meet the strong-password rules (8 to 16 characters, 3 of the 4 kinds: lower case, upper case, digits, symbols); ' +
        'remove DisableStrongPassword (write passwordPolicies: DisablePasswordExpiration if the user\'s passwords must not expire, or leave passwordPolicies out)',
    };
  }
  return {
    code: 'SCHEMA_FORMAT',
    path,
    message: `passwordPolicies takes one value, ${DISABLE_PASSWORD_EXPIRATION} (the passwords the user chooses never expire); leave it out for the default, passwords that expire after 90 days`,
  };
}
