import type { Database } from '../db/database.js';
import type { OutsideWrite } from './finding.js';
import { OUTSIDE_REMOVALS_SETTINGS, setLocally } from './read-outside-removals.js';

/**
 * What was done to a user's password outside tenantctl: its hash replaced
 * (`reset`: an admin center reset or SQL), or the change required at next
 * sign-in switched from true to false (`forcedChangeOff`). Never a value.
 */
export type PasswordChangeOutside = 'reset' | 'forcedChangeOff';

/** A user's password writes outside tenantctl since an apply last set its password: which, the latest write's role and time. */
export interface PasswordWrittenOutside {
  readonly changes: readonly PasswordChangeOutside[];
  readonly write: OutsideWrite;
}

/**
 * By user id, the updates outside tenantctl (other_writes, migration 0016,
 * with no init mark) that replaced a user's password_hash or switched
 * force_change_password from true to false, after the last apply that set
 * the user's password (a create or password.reset: its update of
 * password_hash, which apply_writes records since migration 0030, or its
 * insert). Whether each still counts depends on the row now (drift.ts): the
 * user's own change sets password_temporary to false. Such writes are few:
 * one statement over them, not one per user. The ids apply wrote are
 * unnested once and matched by a semi-join: filtered inside the unnest, the
 * planner unnested every creating apply's ids once per user found (50 users
 * beside one apply creating 100,000: 0.74 s; 5,000 users: minutes), so the
 * statement runs with the removals' lookup's settings (hash joins, no JIT).
 * other_writes keeps no hash, only that one was written; the reader role may
 * read both tables.
 */
export async function readPasswordsWrittenOutside(db: Database): Promise<Map<string, PasswordWrittenOutside>> {
  const rows = await db.transaction(async (tx) => {
    const settings = setLocally(OUTSIDE_REMOVALS_SETTINGS);
    await tx.query(settings.text, settings.params);
    return tx.query<{ user_id: string; reset: boolean; forced_change_off: boolean; database_role: string; at: string }>(
    `WITH outside AS (
       SELECT w.id, w.user_id, w.written_at, w.database_role,
              w.after ? 'password_hash' AS reset,
              w.before->>'force_change_password' = 'true' AND w.after->>'force_change_password' = 'false' AS forced_change_off
         FROM other_writes w
        WHERE w.user_id IS NOT NULL AND w.table_name = 'users' AND w.operation = 'update' AND w.command IS NULL
          AND (w.after ? 'password_hash' OR (w.before->>'force_change_password' = 'true' AND w.after->>'force_change_password' = 'false'))),
     set_by_apply AS (
       SELECT x.user_id, max(x.applied_at) AS applied_at
         FROM (SELECT (c.written->>'userId')::uuid AS user_id, p.applied_at
                 FROM apply_writes a JOIN applies p ON p.id = a.apply_id
                CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(a.credential_writes) = 'array' THEN a.credential_writes ELSE '[]' END) AS c(written)
                WHERE a.table_name = 'users' AND a.operation = 'update' AND c.written->'columns' ? 'password_hash'
               UNION ALL
               SELECT u.user_id, p.applied_at
                 FROM apply_writes a JOIN applies p ON p.id = a.apply_id
                CROSS JOIN LATERAL unnest(a.user_ids) AS u(user_id)
                WHERE a.table_name = 'users' AND a.operation = 'insert') AS x
        WHERE EXISTS (SELECT FROM outside o WHERE o.user_id = x.user_id)
        GROUP BY x.user_id)
     SELECT o.user_id::text AS user_id, bool_or(o.reset) AS reset, bool_or(o.forced_change_off) AS forced_change_off,
            (array_agg(o.database_role ORDER BY o.id DESC))[1] AS database_role,
            to_char(max(o.written_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
       FROM outside o LEFT JOIN set_by_apply s ON s.user_id = o.user_id
      WHERE s.applied_at IS NULL OR s.applied_at < o.written_at
      GROUP BY o.user_id`,
    );
  });
  const found = new Map<string, PasswordWrittenOutside>();
  for (const row of rows) {
    const changes: PasswordChangeOutside[] = [];
    if (row.reset) changes.push('reset');
    if (row.forced_change_off) changes.push('forcedChangeOff');
    found.set(row.user_id, { changes, write: { databaseRole: row.database_role, at: row.at } });
  }
  return found;
}
