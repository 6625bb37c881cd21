import { checkPasswordPolicy } from '../credentials/password-policy.js';
import { NAME_NOT_SHOWN, nameLikePassword, shownVariable, variableValue } from '../credentials/password-variable.js';
import { generatePassword } from '../credentials/generate-password.js';
import { hashPasswords, type HashingOptions } from '../credentials/hash-passwords.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import type { Change, ChangeOf } from '../plan/change.js';
import type { StoredCredential } from './statements.js';
import { sealerFor } from '../outbox/seal.js';
import { NO_PROGRESS, type ProgressReporter } from '../workflow/progress.js';

/** A temporary password on its way to the outbox; lives only in memory. */
export interface NewCredential {
  readonly userPrincipalName: string;
  readonly temporaryPassword: string;
  readonly stored: StoredCredential;
  readonly notify: readonly string[];
  /** settings.adminEmail is this reset user's own mailbox: no copy goes there (plan/admin-copy.ts). */
  readonly adminCopyWithheld: boolean;
  /** What the notification tells: a new account, or a reset password. */
  readonly reason: 'created' | 'reset';
  /**
   * The fromEnv variable the password came from (kept with the queued
   * notification, migration 0035), '' for one whose name is written like a
   * password (never stored), null for a generated one.
   */
  readonly passwordFrom: string | null;
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
  const value = variableValue(env, variable);
  if (value === undefined || value === '') {
    const named = nameLikePassword(variable) ? NAME_NOT_SHOWN : `environment variable ${variable}`;
    throw new TenantctlError(`${change.userPrincipalName}: ${named} (password.fromEnv) is not set; export it or remove fromEnv to generate a password`);
  }
  const problems = checkPasswordPolicy(value, account);
  if (problems.length > 0) {
    throw new TenantctlError(`${change.userPrincipalName}: the password in ${shownVariable(variable)} breaks the password policy: ${problems.join('; ')}`);
  }
  return value;
}

/** Lets the event loop run: a hash that ended gets its successor started before more sealing. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** New passwords being hashed; `finish` seals them and waits for the hashes. */
export interface CredentialsInProgress {
  /**
   * Seals each password for the outbox key `outboxRecipient` reads (the
   * transaction checks it still is) and resolves once every hash has ended.
   * If reading the key or sealing fails, no further hash starts and the
   * failure is thrown once the running ones have ended.
   */
  finish(outboxRecipient: () => Promise<string | null>): Promise<NewCredential[]>;
  /** Starts no further hash; resolves once the running ones have ended. For a caller that fails before `finish`. */
  abandon(): Promise<void>;
}

/**
 * Makes (or reads) every temporary password the plan needs and starts hashing
 * them, before the transaction opens, so a missing variable stops the apply
 * (thrown here, before any hash starts) with nothing changed and slow hashing
 * does not hold the lock. The hashes run on the thread pool, one per core
 * (hash-passwords.ts), while this thread goes on: `apply` opens the database
 * meanwhile, and `finish` seals each password, one between two turns of the
 * event loop, so a core whose hash ended is given the next one at once.
 */
export function startCredentials(
  changes: readonly Change[],
  env: Readonly<Record<string, string | undefined>>,
  progress: ProgressReporter = NO_PROGRESS,
  hashingOptions: Pick<HashingOptions, 'concurrency' | 'hash'> = {},
): CredentialsInProgress {
  const wanted = changes.filter(needsCredential).map((change) => ({ change, password: obtainPassword(change, env) }));
  if (wanted.length === 0) return { finish: async () => [], abandon: async () => undefined };
  const stage = 'hashing new passwords';
  progress({ stage, done: 0, total: wanted.length });
  const hashing = hashPasswords(wanted.map(({ password }) => password), {
    ...hashingOptions,
    onHashed: (done) => progress({ stage, done, total: wanted.length }),
  });
  // Awaited in finish; until then a failed hash must not count as an unhandled rejection.
  hashing.hashes.catch(() => undefined);
  const abandon = async () => {
    hashing.stop();
    await hashing.hashes.catch(() => undefined);
  };
  return {
    abandon,
    async finish(outboxRecipient) {
      let sealed: NewCredential['sealed'][];
      try {
        sealed = await sealAll(wanted.map(({ password }) => password), outboxRecipient);
      } catch (cause) {
        await abandon();
        throw cause;
      }
      const hashes = await hashing.hashes;
      return wanted.map(({ change, password }, i) => ({
        userPrincipalName: change.userPrincipalName,
        temporaryPassword: password,
        notify: change.notify,
        adminCopyWithheld: change.kind === 'user.password-reset' && change.adminCopyWithheld === true,
        reason: change.kind === 'user.create' ? ('created' as const) : ('reset' as const),
        passwordFrom: change.password.kind === 'generate' ? null : nameLikePassword(change.password.variable) ? '' : change.password.variable,
        stored: { passwordHash: hashes[i]!, forceChange: change.forceChangePasswordNextSignIn, resetToken: change.resetToken },
        sealed: sealed[i] ?? null,
      }));
    },
  };
}

/** `startCredentials` and `finish` in one: hashes and seals every new password. */
export async function prepareCredentials(
  changes: readonly Change[],
  env: Readonly<Record<string, string | undefined>>,
  progress: ProgressReporter = NO_PROGRESS,
  outboxRecipient: () => Promise<string | null> = async () => null,
  hashingOptions: Pick<HashingOptions, 'concurrency' | 'hash'> = {},
): Promise<NewCredential[]> {
  return startCredentials(changes, env, progress, hashingOptions).finish(outboxRecipient);
}

/** Each password sealed for the outbox key current now, or null without one. */
async function sealAll(passwords: readonly string[], outboxRecipient: () => Promise<string | null>): Promise<NewCredential['sealed'][]> {
  const recipient = await outboxRecipient();
  if (recipient === null) return passwords.map(() => null);
  const seal = await sealerFor(recipient);
  const sealed: NewCredential['sealed'][] = [];
  for (const password of passwords) {
    await yieldToEventLoop();
    sealed.push({ recipient, value: await seal(password) });
  }
  return sealed;
}
