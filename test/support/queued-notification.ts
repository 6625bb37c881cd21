// One credential notification queued as apply queues it (sealed for the test outbox key), with plain SQL,
// in a migrated database: anna@contoso.com's, to office@fabrikam.com.
import type { Database } from '../../src/db/database.js';
import { sealSecret } from '../../src/outbox/seal.js';
import { installTestOutboxKey, TEST_OUTBOX_RECIPIENT } from './outbox-key.js';

export async function queueNotification(db: Database): Promise<void> {
  await installTestOutboxKey(db);
  await db.query(`INSERT INTO domains (name, verified, is_default) VALUES ('contoso.com', true, true)`);
  const [apply] = await db.query<{ id: string }>(
    `INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes) VALUES ('test', 'test-host', 'plan-hash', '0.0.0', '{}'::jsonb, '[]'::jsonb) RETURNING id`,
  );
  const [user] = await db.query<{ id: string }>(`INSERT INTO users (user_principal_name, display_name, mail_nickname) VALUES ('anna@contoso.com', 'Anna', 'anna') RETURNING id::text AS id`);
  await db.query(
    `INSERT INTO credential_notifications (apply_id, user_id, user_principal_name, recipients, sealed_password) VALUES ($1, $2, 'anna@contoso.com', ARRAY['office@fabrikam.com'], $3)`,
    [Number(apply?.id), user?.id, await sealSecret(TEST_OUTBOX_RECIPIENT, 'Zx4$Kd8!wQe1')],
  );
}
