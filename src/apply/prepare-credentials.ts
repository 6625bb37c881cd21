import { checkPasswordPolicy } from '../credentials/password-policy.js';
import { generatePassword } from '../credentials/generate-password.js';
import { hashPassword } from '../credentials/hash-password.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import type { Change, ChangeOf } from '../plan/change.js';
import type { StoredCredential } from './statements.js';
import { sealSecret } from '../outbox/seal.js';
import { NO_PROGRESS, type ProgressReporter } from '../workflow/progress.js';

/** A temporary password on its way to the outbox; lives only in memory. */
export interface NewCredential {
  readonly userPrincipalName: string;
  readonly temporaryPassword: string;
  readonly stored: StoredCredential;
  readonly notify: readonly string[];
  /** What the notification tells: a new account, or a reset password. */
  readonly reason: 'created' | 'reset';
  /** The password sealed for the outbox key that was current before the transaction, and that key. */
  readonly sealed: { readonly recipient: string; readonly value: string } | null;
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
 * changed and slow hashing does not hold the lock; and seals each for
 * the outbox key as `outboxRecipient` reads it (the transaction checks it still is).
 */
export async function prepareCredentials(
  changes: readonly Change[],
  env: Readonly<Record<string, string | undefined>>,
  progress: ProgressReporter = NO_PROGRESS,
  outboxRecipient: () => Promise<string | null> = async () => null,
): Promise<NewCredential[]> {
  const wanted = changes.filter(needsCredential).map((change) => ({ change, password: obtainPassword(change, env) }));
  const recipient = wanted.length > 0 ? await outboxRecipient() : null;
  const stage = 'hashing new passwords';
  let hashed = 0;
  if (wanted.length > 0) progress({ stage, done: 0, total: wanted.length });
  // All at once: node:crypto's scrypt runs on libuv's thread pool, which the
  // CLI sizes to the machine's cores, so every core hashes.
  const hashes = wanted.map(({ password }) =>
    hashPassword(password).then((passwordHash) => {
      progress({ stage, done: ++hashed, total: wanted.length });
      return passwordHash;
    }),
  );
  // Meanwhile this thread seals each password for the outbox (age's X25519 is
  // JavaScript), which would otherwise wait for the hashing to end.
  const sealed: (NewCredential['sealed'])[] = [];
  for (const { password } of wanted) sealed.push(recipient === null ? null : { recipient, value: await sealSecret(recipient, password) });
  return Promise.all(
    wanted.map(async ({ change, password }, i) => ({
      userPrincipalName: change.userPrincipalName,
      temporaryPassword: password,
      notify: change.notify,
      reason: change.kind === 'user.create' ? ('created' as const) : ('reset' as const),
      stored: { passwordHash: await hashes[i]!, forceChange: change.forceChangePasswordNextSignIn, resetToken: change.resetToken },
      sealed: sealed[i] ?? null,
    })),
  );
}
