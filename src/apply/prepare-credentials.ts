import { checkPasswordPolicy } from '../credentials/password-policy.js';
import { generatePassword } from '../credentials/generate-password.js';
import { hashPassword } from '../credentials/hash-password.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import type { Change, ChangeOf } from '../plan/change.js';
import type { StoredCredential } from './statements.js';
import { NO_PROGRESS, type ProgressReporter } from '../workflow/progress.js';

/** A temporary password on its way to the outbox; lives only in memory. */
export interface NewCredential {
  readonly userPrincipalName: string;
  readonly temporaryPassword: string;
  readonly stored: StoredCredential;
  readonly notify: readonly string[];
}

type CredentialChange = ChangeOf<'user.create'> | ChangeOf<'user.password-reset'>;

const needsCredential = (change: Change): change is CredentialChange =>
  change.kind === 'user.create' || change.kind === 'user.password-reset';

function obtainPassword(change: CredentialChange, env: Readonly<Record<string, string | undefined>>): string {
  const account = change.userPrincipalName.split('@')[0] ?? '';
  if (change.password.kind === 'generate') return generatePassword(account);
  const variable = change.password.variable;
  const value = env[variable];
  if (value === undefined || value === '') {
    throw new TenantctlError(`${change.userPrincipalName}: environment variable ${variable} (password.fromEnv) is not set; export it or remove fromEnv to generate a password`);
  }
  const problems = checkPasswordPolicy(value, account);
  if (problems.length > 0) {
    throw new TenantctlError(`${change.userPrincipalName}: the password in ${variable} breaks the password policy: ${problems.join('; ')}`);
  }
  return value;
}

/**
 * Makes (or reads) and hashes every temporary password the plan needs, before
 * the transaction opens, so a missing variable stops the apply with nothing
 * changed and slow hashing does not hold the lock.
 */
export async function prepareCredentials(
  changes: readonly Change[],
  env: Readonly<Record<string, string | undefined>>,
  progress: ProgressReporter = NO_PROGRESS,
): Promise<NewCredential[]> {
  const wanted = changes.filter(needsCredential).map((change) => ({ change, password: obtainPassword(change, env) }));
  const stage = 'hashing new passwords';
  let hashed = 0;
  if (wanted.length > 0) progress({ stage, done: 0, total: wanted.length });
  // All at once: node:crypto's scrypt runs on libuv's thread pool, which the
  // CLI sizes to the machine's cores, so every core hashes.
  return Promise.all(
    wanted.map(async ({ change, password }) => {
      const passwordHash = await hashPassword(password);
      progress({ stage, done: ++hashed, total: wanted.length });
      return {
        userPrincipalName: change.userPrincipalName,
        temporaryPassword: password,
        notify: change.notify,
        stored: { passwordHash, forceChange: change.forceChangePasswordNextSignIn, resetToken: change.resetToken },
      };
    }),
  );
}
