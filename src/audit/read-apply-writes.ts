import type { Queryable } from '../db/database.js';
import { changesList } from './changes-list.js';

/**
 * A user the database recorded an apply's transaction writing (migration
 * 0024) whom none of the apply's recorded changes names: the row in applies
 * is the writer's word, and this is where it and the writes disagree.
 */
export interface UnlistedWrite {
  readonly userPrincipalName: string;
  /** What was written to the user, e.g. `user_roles insert`, `users update`, in table order. */
  readonly writes: readonly string[];
}

/**
 * For each of these applies, the users its statements wrote (apply_writes)
 * that its changes do not name, under either name of a rename; by name, in
 * any case. Applies before migration 0024 have no recorded writes, so none.
 * A user known only by its id (a purge's cascade, after the user's row was
 * gone) is named by the purge's own delete of the user.
 */
export async function readUnlistedWrites(db: Queryable, applyIds: readonly number[]): Promise<Map<number, UnlistedWrite[]>> {
  const unlisted = new Map<number, UnlistedWrite[]>();
  if (applyIds.length === 0) return unlisted;
  const rows = await db.query<{ apply_id: string; user_principal_name: string; writes: string[] }>(
    `WITH written AS (
       SELECT w.apply_id, lower(n.name) AS key, min(n.name) AS name,
              array_agg(DISTINCT w.table_name || ' ' || w.operation ORDER BY w.table_name || ' ' || w.operation) AS writes
         FROM apply_writes w CROSS JOIN LATERAL unnest(w.user_principal_names) AS n(name)
        WHERE w.apply_id = ANY($1::bigint[])
        GROUP BY w.apply_id, lower(n.name)),
     named AS (
       SELECT DISTINCT a.id AS apply_id, lower(x.name) AS key
         FROM applies a
         CROSS JOIN LATERAL json_array_elements(${changesList('a.changes')}) AS c(change)
         CROSS JOIN LATERAL (VALUES (c.change->>'userPrincipalName'), (c.change->>'fromUserPrincipalName')) AS x(name)
        WHERE a.id IN (SELECT apply_id FROM written) AND x.name IS NOT NULL)
     SELECT w.apply_id::text AS apply_id, w.name AS user_principal_name, w.writes
       FROM written w LEFT JOIN named n ON n.apply_id = w.apply_id AND n.key = w.key
      WHERE n.key IS NULL
      ORDER BY w.apply_id, w.key`,
    [applyIds.map(String)],
  );
  for (const row of rows) {
    const id = Number(row.apply_id);
    const list = unlisted.get(id) ?? [];
    list.push({ userPrincipalName: row.user_principal_name, writes: row.writes });
    unlisted.set(id, list);
  }
  return unlisted;
}

/**
 * For each of these applies, how many subscription rows its statements wrote
 * (apply_writes) when it bought nothing (no purchases row) and wrote no
 * licence: an apply writes a subscription only to count the seats its
 * licences take (0005's trigger) or to add the seats it bought. A forged
 * apply that sets seats by hand names no user, so readUnlistedWrites cannot
 * say it; this does. Seat numbers themselves are not compared.
 */
export async function readUnexplainedSeatWrites(db: Queryable, applyIds: readonly number[]): Promise<Map<number, number>> {
  const unexplained = new Map<number, number>();
  if (applyIds.length === 0) return unexplained;
  const rows = await db.query<{ apply_id: string; rows: string }>(
    `SELECT w.apply_id::text AS apply_id, sum(w.row_count)::text AS rows
       FROM apply_writes w
      WHERE w.apply_id = ANY($1::bigint[]) AND w.table_name = 'subscriptions'
        AND NOT EXISTS (SELECT 1 FROM apply_writes l WHERE l.apply_id = w.apply_id AND l.table_name = 'license_assignments')
        AND NOT EXISTS (SELECT 1 FROM purchases p WHERE p.apply_id = w.apply_id)
      GROUP BY w.apply_id`,
    [applyIds.map(String)],
  );
  for (const row of rows) unexplained.set(Number(row.apply_id), Number(row.rows));
  return unexplained;
}
