import { changesList } from './changes-list.js';
import type { Queryable } from '../db/database.js';
import type { PlanDocument } from '../plan/plan-document.js';
import type { ApplyApprovals } from '../apply/recorded-approvals.js';
import type { OtherWritesEntry } from './read-other-writes.js';

/** One change as the audit trail stored it: the plan's change with its risks. */
export type AppliedChange = PlanDocument['changes'][number];

/** The plan's summary as stored with the apply, with what was bought and its cost. */
export type AppliedSummary = PlanDocument['summary'] & {
  readonly purchases?: PlanDocument['purchases'];
  readonly cost?: PlanDocument['cost'];
};

/**
 * One apply from the audit table `applies`: who (actor, host) applied which
 * configuration (git commit) when, and every change it made. The audit trail
 * never stores a password, so neither does an entry.
 */
export interface HistoryEntry {
  readonly id: number;
  readonly appliedAt: string;
  /** Who the apply said was acting (--actor, the CI's user): the applier's own word. */
  readonly actor: string;
  /** The database role whose credentials wrote it, set by the database; null for applies before migration 0014. */
  readonly databaseRole: string | null;
  readonly host: string;
  /** The configuration's commit, `+dirty` when it had uncommitted edits; null outside git. */
  readonly gitCommit: string | null;
  readonly configHash: string | null;
  readonly planHash: string;
  readonly toolVersion: string;
  readonly summary: AppliedSummary;
  readonly changes: readonly AppliedChange[];
  /** How it was confirmed and its plan's approvals given; null for applies made before tenantctl recorded them (migration 0014). */
  readonly approvals: ApplyApprovals | null;
  /**
   * settings.adminEmail as the apply recorded it: where every temporary
   * password it made went too. Null when unset; absent for an apply that
   * recorded no settings (before migration 0006), where it is not known.
   */
  readonly adminEmail?: string | null;
}

export interface HistoryQuery {
  /** Only applies at or after this time. */
  readonly since?: Date | null;
  /** At most this many, the newest. */
  readonly limit?: number | null;
  /**
   * Only applies that changed this user (by UPN, in any case, or renamed it
   * from this UPN), and of each only that user's changes.
   */
  readonly user?: string | null;
}

interface ApplyRow {
  id: string;
  applied_at: Date;
  actor: string;
  database_role: string | null;
  host: string;
  git_commit: string | null;
  config_hash: string | null;
  plan_hash: string;
  tool_version: string;
  summary: AppliedSummary;
  changes: AppliedChange[];
  approvals: ApplyApprovals | null;
  admin_email: string | null;
  settings_recorded: boolean;
}

/**
 * The changes of an apply row as tenantctl writes them: objects naming a kind
 * and a user. The writer may append a row of anything (sql/roles.sql), which
 * history shows without what is not a change rather than failing on it.
 */
function wellFormed(changes: unknown): AppliedChange[] {
  if (!Array.isArray(changes)) return [];
  return changes.filter(
    (change): change is AppliedChange =>
      change !== null && typeof change === 'object' && typeof (change as { kind?: unknown }).kind === 'string' && typeof (change as { userPrincipalName?: unknown }).userPrincipalName === 'string',
  );
}

/** The audit trail, newest apply first. One parameterised SELECT; reads only. */
export async function readHistory(db: Queryable, query: HistoryQuery = {}): Promise<HistoryEntry[]> {
  // The user's changes are picked out by the server: an adoption's apply stores 100,000 users' changes.
  // The order names listed.id: a bare `id` is the text output column, which puts #9 before #13.
  const rows = await db.query<ApplyRow>(
    `WITH listed AS (
       SELECT a.*, CASE WHEN $3::text IS NOT NULL THEN
                (SELECT json_agg(c.change ORDER BY c.n) FROM json_array_elements(${changesList('a.changes')}) WITH ORDINALITY AS c(change, n)
                  WHERE lower(c.change->>'userPrincipalName') = $3 OR lower(c.change->>'fromUserPrincipalName') = $3
                     -- The same apply's other changes to the account it renamed away from that UPN (its new mailNickname, say).
                     OR lower(c.change->>'userPrincipalName') = renamed.upn) END AS of_user
         FROM applies a
         -- Found in one pass over the apply's changes, not once per change.
         LEFT JOIN LATERAL (
           SELECT lower(r->>'userPrincipalName') AS upn FROM json_array_elements(${changesList('a.changes')}) r
            WHERE $3::text IS NOT NULL AND r->>'kind' = 'user.rename' AND lower(r->>'fromUserPrincipalName') = $3
            LIMIT 1) AS renamed ON true
        WHERE $1::timestamptz IS NULL OR a.applied_at >= $1::timestamptz)
     SELECT id::text AS id, applied_at, actor, database_role, host, git_commit, config_hash, plan_hash, tool_version, summary, approvals,
            settings->>'adminEmail' AS admin_email, settings IS NOT NULL AS settings_recorded,
            CASE WHEN $3::text IS NULL THEN changes ELSE of_user END AS changes
       FROM listed
      WHERE $3::text IS NULL OR of_user IS NOT NULL
      ORDER BY listed.id DESC
      LIMIT $2::int`,
    [query.since ? query.since.toISOString() : null, query.limit ?? null, query.user?.toLowerCase() ?? null],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    appliedAt: row.applied_at.toISOString(),
    actor: row.actor,
    databaseRole: row.database_role,
    host: row.host,
    gitCommit: row.git_commit,
    configHash: row.config_hash,
    planHash: row.plan_hash,
    toolVersion: row.tool_version,
    summary: row.summary,
    changes: wellFormed(row.changes),
    approvals: row.approvals,
    ...(row.settings_recorded ? { adminEmail: row.admin_email ?? null } : {}),
  }));
}

/** 1.1 added `approvals` and `databaseRole`, and `user` for `--user`; 1.2 `otherWrites`. */
export const HISTORY_FORMAT_VERSION = '1.3';

/** `history --format json`, described by schemas/history.schema.json. */
export interface HistoryDocument {
  readonly formatVersion: typeof HISTORY_FORMAT_VERSION;
  /** `--user`: each apply lists only this user's changes. */
  readonly user?: string;
  readonly applies: readonly HistoryEntry[];
  /** What no apply wrote (init, or outside tenantctl), one entry per transaction, newest first. */
  readonly otherWrites: readonly OtherWritesEntry[];
}

export function toHistoryDocument(entries: readonly HistoryEntry[], user: string | null = null, otherWrites: readonly OtherWritesEntry[] = []): HistoryDocument {
  return { formatVersion: HISTORY_FORMAT_VERSION, ...(user === null ? {} : { user }), applies: entries, otherWrites };
}
