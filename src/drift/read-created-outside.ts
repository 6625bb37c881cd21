import type { Queryable } from '../db/database.js';
import type { DriftFinding, OutsideWrite } from './finding.js';

/**
 * Who inserted each `user.unmanaged` finding's row outside tenantctl, by
 * user id: the latest insert of that id other_writes (migration 0016)
 * recorded, unmarked (command null: init never writes users). An apply
 * inserts a user under a new id, so a later insert of the same id is always
 * another write outside tenantctl, and the latest is the row drift sees. A
 * row from before migration 0016, or inserted with the trigger off, has
 * none: the finding's `createdOutside` stays null. One statement for all the
 * findings (the user id index of other_writes); no round trip when there are
 * none. The reader role may read other_writes (sql/roles.sql).
 */
export async function readCreatedOutside(db: Queryable, findings: readonly DriftFinding[]): Promise<Map<string, OutsideWrite>> {
  const ids = [...new Set(findings.flatMap((f) => (f.kind === 'user.unmanaged' && f.userId !== null ? [f.userId] : [])))];
  const created = new Map<string, OutsideWrite>();
  if (ids.length === 0) return created;
  const rows = await db.query<{ user_id: string; database_role: string; at: string }>(
    `SELECT DISTINCT ON (w.user_id) w.user_id::text AS user_id, w.database_role,
            to_char(w.written_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
       FROM other_writes w
      WHERE w.user_id = ANY ($1::uuid[]) AND w.table_name = 'users' AND w.operation = 'insert' AND w.command IS NULL
      ORDER BY w.user_id, w.id DESC`,
    [ids],
  );
  for (const row of rows) created.set(row.user_id, { databaseRole: row.database_role, at: row.at });
  return created;
}

/** The findings with each unmanaged user's insert outside tenantctl set in `createdOutside`. */
export function withCreatedOutside(findings: readonly DriftFinding[], created: ReadonlyMap<string, OutsideWrite>): DriftFinding[] {
  return findings.map((finding) => {
    if (finding.kind !== 'user.unmanaged' || finding.userId === null) return finding;
    const write = created.get(finding.userId);
    return write ? { ...finding, createdOutside: write } : finding;
  });
}
