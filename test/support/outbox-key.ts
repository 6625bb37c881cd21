// The outbox key every test shares unless it tests keys themselves: made once
// with `age-keygen`, and only ever used for test databases.
import type { Queryable } from '../../src/db/database.js';
import { storeRecipient } from '../../src/outbox/outbox-key.js';
import { TEST_OUTBOX_RECIPIENT } from './outbox-key-file.js';

export { TEST_OUTBOX_IDENTITY, TEST_OUTBOX_KEY_FILE, TEST_OUTBOX_RECIPIENT, writeTestOutboxKey } from './outbox-key-file.js';

/** What `tenantctl init` stores, for databases a test migrates itself. */
export async function installTestOutboxKey(db: Queryable): Promise<void> {
  await storeRecipient(db, TEST_OUTBOX_RECIPIENT);
}
