import type { Queryable } from '../db/database.js';
import { userKey, type TenantState } from '../state/tenant-state.js';
import type { OutsideWrite } from './finding.js';

/**
 * Who took declared users out of tenantctl's hands outside it, as
 * other_writes (migration 0016) recorded it: `deleted` by lower-cased UPN
 * (the row deleted), `released` by user id (`managed` set from true to
 * false). Each holds the latest such write, and only when no apply touched
 * that UPN at or after it.
 */
export interface OutsideRemovals {
  readonly deleted: ReadonlyMap<string, OutsideWrite>;
  readonly released: ReadonlyMap<string, OutsideWrite>;
}

export const NO_OUTSIDE_REMOVALS: OutsideRemovals = { deleted: new Map(), released: new Map() };

/**
 * The users drift may report as removed outside tenantctl: declared UPNs
 * (lower-cased) the directory has no row for, and the ids of declared users
 * whose active row is not managed. A superset of the `user.missing` and
 * `user.unadopted` findings (a pending rename is not missing), so the
 * query can run before the comparison.
 */
export interface RemovalCandidates {
  readonly upns: readonly string[];
  readonly userIds: readonly string[];
}

export function removalCandidates(desired: TenantState, current: TenantState): RemovalCandidates {
  const upns: string[] = [];
  const userIds: string[] = [];
  for (const key of desired.users.keys()) {
    const directory = current.users.get(key)?.directory;
    if (!directory) upns.push(key);
    else if (!directory.managed && !directory.deletedAt) userIds.push(directory.id);
  }
  return { upns, userIds };
}

interface RemovalRow {
  operation: 'delete' | 'update';
  upn: string;
  user_id: string | null;
  at: string;
  database_role: string;
}

/**
 * One statement, set-based: the candidates go in as two arrays, whatever
 * their number (100,000 declared users on a new tenant). The latest delete
 * per UPN and the latest release per id are picked first; the applies are
 * then read once, only those at or after the oldest write picked, and only
 * their changes naming one of those UPNs (as the user or as the UPN a rename
 * came from). A write at the same time as an apply (one transaction's start)
 * is not attributed: drift cannot tell which came last. The reader role may
 * read both tables (sql/roles.sql); nothing here needs users.password_hash.
 */
const OUTSIDE_REMOVALS_QUERY = `WITH deleted AS (
  SELECT DISTINCT ON (lower(w.user_principal_name)) w.operation, lower(w.user_principal_name) AS upn, NULL::uuid AS user_id,
         w.written_at, w.database_role
    FROM other_writes w
   WHERE w.table_name = 'users' AND w.operation = 'delete' AND lower(w.user_principal_name) = ANY ($1::text[])
   ORDER BY lower(w.user_principal_name), w.id DESC),
released AS (
  SELECT DISTINCT ON (w.user_id) w.operation, lower(w.user_principal_name) AS upn, w.user_id, w.written_at, w.database_role
    FROM other_writes w
   WHERE w.table_name = 'users' AND w.operation = 'update' AND w.user_id = ANY ($2::uuid[])
     AND w.before->>'managed' = 'true' AND w.after->>'managed' = 'false'
   ORDER BY w.user_id, w.id DESC),
picked AS (SELECT * FROM deleted UNION ALL SELECT * FROM released),
touched AS (
  SELECT named.upn, max(a.applied_at) AS applied_at
    FROM applies a
   CROSS JOIN LATERAL json_array_elements(a.changes) AS c(change)
   CROSS JOIN LATERAL (VALUES (lower(c.change->>'userPrincipalName')), (lower(c.change->>'fromUserPrincipalName'))) AS named(upn)
   WHERE a.applied_at >= (SELECT min(written_at) FROM picked)
     AND named.upn IN (SELECT upn FROM picked)
   GROUP BY named.upn)
SELECT p.operation, p.upn, p.user_id::text AS user_id, p.database_role,
       to_char(p.written_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
  FROM picked p LEFT JOIN touched t ON t.upn = p.upn
 WHERE t.applied_at IS NULL OR t.applied_at < p.written_at`;

/** The outside writes that removed `candidates` from tenantctl's hands; no round trip when there are none. */
export async function readOutsideRemovals(db: Queryable, candidates: RemovalCandidates): Promise<OutsideRemovals> {
  if (candidates.upns.length === 0 && candidates.userIds.length === 0) return NO_OUTSIDE_REMOVALS;
  const rows = await db.query<RemovalRow>(OUTSIDE_REMOVALS_QUERY, [candidates.upns.map(userKey), candidates.userIds]);
  const deleted = new Map<string, OutsideWrite>();
  const released = new Map<string, OutsideWrite>();
  for (const row of rows) {
    const write: OutsideWrite = { databaseRole: row.database_role, at: row.at };
    if (row.operation === 'delete') deleted.set(row.upn, write);
    else if (row.user_id !== null) released.set(row.user_id, write);
  }
  return { deleted, released };
}
