import { checkPasswordPolicy } from '../../credentials/password-policy.js';
import { CI_PREFIXES, CREDENTIAL_PREFIXES, isReservedVariable, nameLikePassword, reservedVariable, shownVariable, variableValue } from '../../credentials/password-variable.js';
import { error, warning, type Diagnostic, type SourceLocation } from '../../diagnostics/diagnostic.js';
import { at, type ConfigRule, type DeclaredUser, type FieldBlock, ownerName } from './rule.js';

/** JOEP_INITIAL_PASSWORD for joep@contoso.com, as INTERFACE's example names it. */
function suggestedVariable(block: FieldBlock): string {
  const local = block.user?.user.userPrincipalName.split('@')[0] ?? 'NEW_USERS';
  return `${local.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_INITIAL_PASSWORD`;
}

/** generate and fromEnv say where the password comes from; a block must not say both, nor neither after generate: false. */
export const passwordSource: ConfigRule = ({ blocks }) =>
  blocks.flatMap((block): Diagnostic[] => {
    const password = block.fields.password;
    if (password === undefined) return [];
    if (password.generate === true && password.fromEnv !== undefined) {
      // A fromEnv that is no variable name may be the password itself, typed in: never repeated.
      const variable = typeof password.fromEnv === 'string' && VARIABLE_NAME.test(password.fromEnv) && !nameLikePassword(password.fromEnv) ? password.fromEnv : null;
      return [
        error(
          'PASSWORD_SOURCE_CONFLICT',
          `the password of ${ownerName(block)} is both generated (generate: true) and read from ${variable ?? 'a variable'} (fromEnv); keep one: remove generate: true to use ${variable ?? 'the variable fromEnv names'}, or remove fromEnv to generate one`,
          at(block.location, 'password', 'generate'),
        ),
      ];
    }
    const reserved = typeof password.fromEnv === 'string' ? reservedVariable(password.fromEnv) : null;
    if (reserved !== null) {
      const whose = {
        tenantctl: "one of tenantctl's own settings (TENANTCTL_*: database and SMTP URLs, key files)",
        ci: `one of the variables a CI platform sets for its jobs (${CI_PREFIXES.map((prefix) => `${prefix}*`).join(', ')}: job tokens, registry passwords)`,
        credential: `named as another service's credential (${CREDENTIAL_PREFIXES.map((prefix) => `${prefix}*`).join(', ')}, or a TOKEN, SECRET, API_KEY, ACCESS_KEY or PRIVATE_KEY)`,
      }[reserved];
      return [
        error(
          'PASSWORD_ENV_RESERVED',
          `the password of ${ownerName(block)} would be read from ${shownVariable(password.fromEnv ?? '')}, ${whose}, which are never a password source; name a variable that holds only this password, e.g. ${suggestedVariable(block)}`,
          at(block.location, 'password', 'fromEnv'),
        ),
      ];
    }
    if (password.generate === false && password.fromEnv === undefined) {
      return [
        error(
          'PASSWORD_SOURCE_MISSING',
          `the password of ${ownerName(block)} is not generated (generate: false) but no fromEnv says where it comes from; add fromEnv: VARIABLE_NAME (the password itself never goes in the configuration), or remove generate: false`,
          at(block.location, 'password', 'generate'),
        ),
      ];
    }
    return [];
  });

/**
 * A fromEnv written like a password (Welkom2016x) rather than a variable's
 * name: most likely the password itself, typed where the name belongs, and
 * now in Git. A warning, never quoting it: the name is valid, and may be one.
 */
export const passwordEnvName: ConfigRule = ({ blocks }) =>
  blocks.flatMap((block): Diagnostic[] => {
    const fromEnv = block.fields.password?.fromEnv;
    if (typeof fromEnv !== 'string' || !VARIABLE_NAME.test(fromEnv) || !nameLikePassword(fromEnv)) return [];
    return [
      warning(
        'PASSWORD_ENV_NAME_LIKE_PASSWORD',
        `password.fromEnv of ${ownerName(block)} is written like a password (lower case, upper case and digits mixed; not shown here), not like the name of an environment variable: fromEnv names the variable that holds the password, e.g. ${suggestedVariable(block)}, never the password itself; if this is the password, write the variable's name instead and change the password: it is in the Git history`,
        at(block.location, 'password', 'fromEnv'),
      ),
    ];
  });

/** The schema's pattern for password.fromEnv. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface EnvUse {
  readonly variable: string;
  /** Where fromEnv is written: the user's own password, or defaults'. */
  readonly location: SourceLocation;
  readonly fromDefaults: boolean;
  readonly users: DeclaredUser[];
}

/**
 * Where the fromEnv a user's password is read from is written: in the user's
 * own entry, or else in `defaults` (declared at `defaults`). Validate, plan
 * and apply point there.
 */
export function fromEnvLocation(declared: DeclaredUser, defaults: SourceLocation | undefined): SourceLocation {
  const own = declared.own.password?.fromEnv !== undefined;
  return own || !defaults ? at(declared.location, 'password', 'fromEnv') : at(defaults, 'password', 'fromEnv');
}

/** Users whose password comes from a variable, grouped by where that fromEnv is written. */
function envUses(users: readonly DeclaredUser[], defaults: FieldBlock | undefined): EnvUse[] {
  const uses = new Map<string, EnvUse>();
  for (const declared of users) {
    const source = declared.user.password?.source;
    // generate: true with fromEnv is PASSWORD_SOURCE_CONFLICT, a name that is no variable
    // name is SCHEMA_FORMAT, and a reserved one PASSWORD_ENV_RESERVED: nothing is looked up.
    if (source?.kind !== 'env' || declared.raw.password?.generate === true || !VARIABLE_NAME.test(source.variable) || isReservedVariable(source.variable)) continue;
    const own = declared.own.password?.fromEnv !== undefined;
    const location = fromEnvLocation(declared, defaults?.location);
    const key = `${location.file}\0${JSON.stringify(location.path)}`;
    const use = uses.get(key) ?? { variable: source.variable, location, fromDefaults: !own && defaults !== undefined, users: [] };
    use.users.push(declared);
    uses.set(key, use);
  }
  return [...uses.values()];
}

function whose(use: EnvUse): string {
  if (!use.fromDefaults) return use.users[0]?.user.userPrincipalName ?? '';
  return `the ${use.users.length === 1 ? 'user' : `${use.users.length} users`} without a password source of their own (defaults)`;
}

/**
 * A fromEnv variable that is set must meet the password policy; one that is
 * not set is a warning at validate (the plan decides whether it is needed).
 * Messages name the variable, never its value. Not checked here: whether it
 * holds the account name. A pull request chooses the account names, so that
 * check, run on every user, would tell it piece by piece what any variable of
 * the CI job holds; apply checks it, for the users it creates, before it
 * changes anything.
 */
export const passwordFromEnv: ConfigRule = ({ users, defaults, env, phase }) =>
  envUses(users, defaults).flatMap((use): Diagnostic[] => {
    // Only a user being created or reset needs the password: at plan time the
    // planner knows which (planTenant checks those), and drift needs none.
    if (phase !== 'validate') return [];
    const value = variableValue(env, use.variable);
    if (value === undefined || value === '') {
      return [
        warning(
          'PASSWORD_ENV_UNSET',
          `${nameLikePassword(use.variable) ? `the variable password.fromEnv names for ${whose(use)} (not shown here: it is written like a password)` : `environment variable ${use.variable} (the password of ${whose(use)})`} is not set here; apply needs it when the user is created or its password reset: set it (e.g. from a CI secret) where apply runs`,
          use.location,
        ),
      ];
    }
    const problems = checkPasswordPolicy(value, '');
    if (problems.length === 0) return [];
    return [error('PASSWORD_POLICY', `the password in ${shownVariable(use.variable)} for ${whose(use)} breaks the password policy: it ${problems.join('; it ')}`, use.location)];
  });
