import type { Queryable } from '../db/database.js';
import { TenantctlError } from '../diagnostics/tenantctl-error.js';
import { defaultKeyPath, OUTBOX_KEY_VARIABLE, readKeyFile, refuseReadableKey, storedRecipient, type OutboxKeyFile } from './outbox-key.js';

/**
 * The private key deliver opens sealed credentials with: the file named by
 * --outbox-key or TENANTCTL_OUTBOX_KEY, else init's default place for this
 * database's public key. Refuses a missing file, one others may read, and a
 * key that is not this database's.
 */
export async function loadOutboxKey(db: Queryable, configured: string | null): Promise<OutboxKeyFile> {
  const stored = await storedRecipient(db);
  const file = configured ?? (stored ? defaultKeyPath(stored) : null);
  if (file === null) {
    throw new TenantctlError('this database has no outbox key: run `tenantctl init` once to create one');
  }
  const key = await readKeyFile(file);
  if (key === null) {
    throw new TenantctlError(
      `deliver needs the outbox's private key to open the queued credentials, and there is no file ${file}: ` +
        `set ${OUTBOX_KEY_VARIABLE} or pass --outbox-key with the file \`tenantctl init\` created`,
    );
  }
  refuseReadableKey(file);
  if (stored !== null && !key.recipients.includes(stored)) {
    throw new TenantctlError(
      `the key in ${file} is not this database's outbox key: credentials are sealed for ${stored}, the file holds ${key.recipients.join(', ')}; pass the right file`,
    );
  }
  return key;
}
