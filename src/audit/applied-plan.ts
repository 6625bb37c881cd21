import type { Queryable } from '../db/database.js';

/** The apply that applied a plan, as the audit trail recorded it. */
export interface EarlierApply {
  readonly id: number;
  readonly appliedAt: string;
  /** The applier's own word (--actor, the CI's user). */
  readonly actor: string;
  readonly host: string;
}

/** The first apply that recorded this plan digest (migration 0020), or null. One parameterised SELECT; reads only. */
export async function findApplyOfPlan(db: Queryable, digest: string): Promise<EarlierApply | null> {
  const [row] = await db.query<{ id: string; applied_at: Date; actor: string; host: string }>(
    'SELECT id::text AS id, applied_at, actor, host FROM applies WHERE plan_digest = $1 ORDER BY id LIMIT 1',
    [digest],
  );
  return row ? { id: Number(row.id), appliedAt: row.applied_at.toISOString(), actor: row.actor, host: row.host } : null;
}
