import type { Queryable } from '../db/database.js';
import type { DriftFinding, LaterApply } from './finding.js';

/**
 * The users drift traces to an apply by their row's stamp (lastChange),
 * by id, with that apply's id: the only ones a later apply can contradict.
 */
function stampedByApply(findings: readonly DriftFinding[]): Map<string, number> {
  const stamped = new Map<string, number>();
  for (const finding of findings) {
    if ('lastChange' in finding && finding.userId !== null && finding.lastChange.applyId !== null) stamped.set(finding.userId, finding.lastChange.applyId);
  }
  return stamped;
}

/**
 * The latest apply the database recorded writing each of these findings'
 * users (apply_writes, migration 0024), where it is not the apply the user's
 * stamp names. A write under an apply to the user's roles or licences by
 * plain SQL leaves the stamp of the last real apply (the marker keeps the
 * database from stamping it), and the writer may set the stamp itself to
 * name any apply, one that never was too (helper-87): the stamp alone would
 * blame that apply for what this one did. Every real apply stamps each user
 * it writes, so for them the two agree; applies before migration 0024 have
 * no record, and a user no recorded apply wrote is left as its stamp says.
 * One statement, for the users drift reports alone: only the statements that
 * wrote one of them (`&&`) are unnested.
 */
export async function readLaterApplies(db: Queryable, findings: readonly DriftFinding[]): Promise<Map<string, LaterApply>> {
  const stamped = stampedByApply(findings);
  const later = new Map<string, LaterApply>();
  if (stamped.size === 0) return later;
  const rows = await db.query<{ user_id: string; apply_id: string; actor: string; database_role: string | null; writes: string[] }>(
    `WITH stamped AS (SELECT * FROM unnest($1::uuid[], $2::bigint[]) AS s(user_id, apply_id)),
          written AS (
            SELECT s.user_id, w.apply_id, w.table_name || ' ' || w.operation AS write
              FROM apply_writes w CROSS JOIN LATERAL unnest(w.user_ids) AS u(id)
              JOIN stamped s ON s.user_id = u.id
             WHERE w.user_ids && $1::uuid[]),
          latest AS (SELECT user_id, max(apply_id) AS apply_id FROM written GROUP BY user_id)
     SELECT l.user_id::text AS user_id, l.apply_id::text AS apply_id, a.actor, a.database_role,
            (SELECT array_agg(DISTINCT x.write ORDER BY x.write) FROM written x WHERE x.user_id = l.user_id AND x.apply_id = l.apply_id) AS writes
       FROM latest l JOIN stamped s ON s.user_id = l.user_id AND s.apply_id <> l.apply_id
       JOIN applies a ON a.id = l.apply_id`,
    [[...stamped.keys()], [...stamped.values()].map(String)],
  );
  for (const row of rows) later.set(row.user_id, { applyId: Number(row.apply_id), actor: row.actor, databaseRole: row.database_role, writes: row.writes });
  return later;
}

/** The findings with each later apply set in their lastChange. */
export function withLaterApplies(findings: readonly DriftFinding[], later: ReadonlyMap<string, LaterApply>): DriftFinding[] {
  if (later.size === 0) return [...findings];
  return findings.map((finding) => {
    const laterApply = 'lastChange' in finding && finding.userId !== null ? later.get(finding.userId) : undefined;
    return laterApply && 'lastChange' in finding ? ({ ...finding, lastChange: { ...finding.lastChange, laterApply } } as DriftFinding) : finding;
  });
}
