import type { Queryable } from '../db/database.js';
import type { AppliedChange } from './read-history.js';

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

/** What the database recorded an apply writing, as history sets it beside the apply's own record. */
export interface RecordedWrites {
  /** The users written, by lower-cased name (either name of a rename). */
  readonly users: ReadonlyMap<string, UnlistedWrite>;
  /**
   * Subscription rows written though the apply bought nothing and wrote no
   * licence: an apply writes a subscription only to count the seats its
   * licences take (0005's trigger) or to add the seats it bought. Seats set
   * by hand under a forged apply name no user; this says them.
   */
  readonly unexplainedSeatRows: number;
}

/**
 * For each of these applies, the users its statements wrote and its seat
 * writes no purchase or licence explains (apply_writes); applies before
 * migration 0024 have none. A user known only by its id (a purge's cascade,
 * after the user's row was gone) is named by the purge's own delete of users.
 */
export async function readApplyWrites(db: Queryable, applyIds: readonly number[]): Promise<Map<number, RecordedWrites>> {
  const recorded = new Map<number, { users: Map<string, UnlistedWrite>; unexplainedSeatRows: number }>();
  if (applyIds.length === 0) return recorded;
  const ids = applyIds.map(String);
  const of = (id: string) => {
    const key = Number(id);
    let entry = recorded.get(key);
    if (!entry) recorded.set(key, (entry = { users: new Map(), unexplainedSeatRows: 0 }));
    return entry;
  };
  const users = await db.query<{ apply_id: string; key: string; name: string; writes: string[] }>(
    `SELECT w.apply_id::text AS apply_id, lower(n.name) AS key, min(n.name) AS name,
            array_agg(DISTINCT w.table_name || ' ' || w.operation ORDER BY w.table_name || ' ' || w.operation) AS writes
       FROM apply_writes w CROSS JOIN LATERAL unnest(w.user_principal_names) AS n(name)
      WHERE w.apply_id = ANY($1::bigint[])
      GROUP BY w.apply_id, lower(n.name)`,
    [ids],
  );
  for (const row of users) of(row.apply_id).users.set(row.key, { userPrincipalName: row.name, writes: row.writes });
  const seats = await db.query<{ apply_id: string; rows: string }>(
    `SELECT w.apply_id::text AS apply_id, sum(w.row_count)::text AS rows
       FROM apply_writes w
      WHERE w.apply_id = ANY($1::bigint[]) AND w.table_name = 'subscriptions'
        AND NOT EXISTS (SELECT 1 FROM apply_writes l WHERE l.apply_id = w.apply_id AND l.table_name = 'license_assignments')
        AND NOT EXISTS (SELECT 1 FROM purchases p WHERE p.apply_id = w.apply_id)
      GROUP BY w.apply_id`,
    [ids],
  );
  for (const row of seats) of(row.apply_id).unexplainedSeatRows = Number(row.rows);
  return recorded;
}

/**
 * The users written that none of these changes names, under either name of
 * a rename, in name order; `only` (lower-cased) keeps those names alone.
 * The changes are those history already holds: their JSON is not read twice.
 */
export function unlistedWrites(recorded: RecordedWrites | undefined, changes: readonly AppliedChange[], only: ReadonlySet<string> | null): UnlistedWrite[] {
  if (!recorded) return [];
  const named = new Set<string>();
  for (const change of changes) {
    named.add(change.userPrincipalName.toLowerCase());
    const from = (change as { fromUserPrincipalName?: unknown }).fromUserPrincipalName;
    if (typeof from === 'string') named.add(from.toLowerCase());
  }
  return [...recorded.users]
    .filter(([key]) => !named.has(key) && (only === null || only.has(key)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, write]) => write);
}
