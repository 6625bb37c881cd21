import type { Queryable } from '../db/database.js';
import type { PlanDocument } from '../plan/plan-document.js';
import type { ApplyApprovals } from '../apply/recorded-approvals.js';

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
  readonly actor: string;
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
}

export interface HistoryQuery {
  /** Only applies at or after this time. */
  readonly since?: Date | null;
  /** At most this many, the newest. */
  readonly limit?: number | null;
}

interface ApplyRow {
  id: string;
  applied_at: Date;
  actor: string;
  host: string;
  git_commit: string | null;
  config_hash: string | null;
  plan_hash: string;
  tool_version: string;
  summary: AppliedSummary;
  changes: AppliedChange[];
  approvals: ApplyApprovals | null;
}

/** The audit trail, newest apply first. One parameterised SELECT; reads only. */
export async function readHistory(db: Queryable, query: HistoryQuery = {}): Promise<HistoryEntry[]> {
  const rows = await db.query<ApplyRow>(
    `SELECT id::text AS id, applied_at, actor, host, git_commit, config_hash, plan_hash, tool_version, summary, changes, approvals
       FROM applies
      WHERE $1::timestamptz IS NULL OR applied_at >= $1::timestamptz
      ORDER BY id DESC
      LIMIT $2::int`,
    [query.since ? query.since.toISOString() : null, query.limit ?? null],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    appliedAt: row.applied_at.toISOString(),
    actor: row.actor,
    host: row.host,
    gitCommit: row.git_commit,
    configHash: row.config_hash,
    planHash: row.plan_hash,
    toolVersion: row.tool_version,
    summary: row.summary,
    changes: row.changes,
    approvals: row.approvals,
  }));
}

/** 1.1 added `approvals`. */
export const HISTORY_FORMAT_VERSION = '1.1';

/** `history --format json`, described by schemas/history.schema.json. */
export interface HistoryDocument {
  readonly formatVersion: typeof HISTORY_FORMAT_VERSION;
  readonly applies: readonly HistoryEntry[];
}

export function toHistoryDocument(entries: readonly HistoryEntry[]): HistoryDocument {
  return { formatVersion: HISTORY_FORMAT_VERSION, applies: entries };
}
