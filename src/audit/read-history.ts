import { isAppliedApprovals, isAppliedChange, isAppliedSummary } from './applied-shapes.js';
import { changesList } from './changes-list.js';
import { readCredentialWrites, unexplainedCredentialWrites, type UnexplainedCredentialWrite } from './credential-writes.js';
import { followUser, type FollowedUser, type NameWindow } from './follow-user.js';
import { nestedWithin } from './nesting-depth.js';
import { insertsBeyondRecord, readApplyWrites, unlistedWrites, unwrittenChanges, type InsertsBeyondRecord, type UnlistedWrite, type UnwrittenChange } from './read-apply-writes.js';
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
  /**
   * The parts of the row not in the shape any apply writes, which the writer
   * may append by hand (sql/roles.sql); absent when there are none. Not in
   * the JSON, whose schema has no place for it: there, a malformed summary
   * is counted from the changes and malformed approvals are null.
   */
  readonly malformed?: Malformed;
  /**
   * The users the database recorded this apply's transaction writing that
   * none of its changes names, and those its changes name but wrote in ways
   * none of them does (`namedBy`) (migration 0024; with --user, that user's
   * names alone): the applies row is what the writer said, and here it left
   * something out. Absent when there are none.
   */
  readonly unlistedWrites?: readonly UnlistedWrite[];
  /**
   * How many subscription rows the database recorded this apply writing
   * although it bought nothing and wrote no licence (read-apply-writes.ts):
   * seats set by hand under an apply's name. Absent when none.
   */
  readonly unexplainedSeatWrites?: number;
  /**
   * Accounts, roles or licences the database recorded this apply inserting
   * beyond its recorded changes that insert them (read-apply-writes.ts): a
   * second grant to a user the record names for one. Absent when none, and
   * with --user.
   */
  readonly insertsBeyondRecord?: readonly InsertsBeyondRecord[];
  /**
   * The users its recorded changes name for a write the database never
   * recorded this apply making to them (read-apply-writes.ts, migration
   * 0024): a grant recorded to daan whose row went to lotte. Absent when
   * none, and for applies before the database recorded writes; with --user,
   * that user's names alone.
   */
  readonly unwrittenChanges?: readonly UnwrittenChange[];
  /**
   * The users whose password hash, forced change, temporary mark, expiry,
   * reset token or password policy the database recorded this apply's
   * updates changing (migration 0030) where none of its recorded changes of
   * the user explains it (credential-writes.ts): a password replaced by hand
   * under the apply's name. The columns' names only, never their values.
   * Absent when none, and for applies before migration 0030; with --user,
   * that user's names alone.
   */
  readonly unexplainedCredentialWrites?: readonly UnexplainedCredentialWrite[];
}

export interface Malformed {
  readonly summary: boolean;
  readonly approvals: boolean;
  /** How many of the recorded changes are not a change at all (no kind or user): left out. */
  readonly notChanges: number;
  /** The changes listed that name a kind and a user but are not in the shape of one. */
  readonly changes: ReadonlySet<AppliedChange>;
}

export interface HistoryQuery {
  /** Only applies at or after this time. */
  readonly since?: Date | null;
  /** At most this many, the newest. */
  readonly limit?: number | null;
  /**
   * Only applies that changed this user (by UPN, in any case, or renamed it
   * from this UPN), also under its names before and after renames and by its
   * id (follow-user.ts), and of each only that user's changes.
   */
  readonly user?: string | null;
  /** The user's names and ids (followUser), when the caller has them already; found here otherwise. */
  readonly followed?: FollowedUser | null;
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
  // Whatever the writer put there: checked by toEntry.
  summary: unknown;
  changes: unknown;
  approvals: unknown;
  admin_email: string | null;
  settings_recorded: boolean;
}

/**
 * The changes of an apply row that name a kind and a user, which is all the
 * JSON's schema asks of one; the writer may append a row of anything
 * (sql/roles.sql), which history shows without what is not a change rather
 * than failing on it. A change nested too deep to render is not one either.
 */
export function namedChanges(changes: unknown): AppliedChange[] {
  if (!Array.isArray(changes)) return [];
  return changes.filter(
    (change): change is AppliedChange =>
      change !== null &&
      typeof change === 'object' &&
      typeof (change as { kind?: unknown }).kind === 'string' &&
      typeof (change as { userPrincipalName?: unknown }).userPrincipalName === 'string' &&
      // Too deep to render (nesting-depth.ts): left out as what is not a change is.
      nestedWithin(change),
  );
}

/** The counts a plan of these changes has, per user's outcome as compute-plan.ts counts them, for a summary that is not one. */
function countedSummary(changes: readonly AppliedChange[]): AppliedSummary {
  const outcomes = [['user.purge', 'create'], ['user.create', 'create'], ['user.restore', 'restore'], ['user.rename', 'rename'], ['user.delete', 'delete']] as const;
  const byKind: Partial<Record<AppliedChange['kind'], number>> = {};
  const kindsByUser = new Map<string, Set<string>>();
  for (const change of changes) {
    byKind[change.kind] = (byKind[change.kind] ?? 0) + 1;
    const key = change.userPrincipalName.toLowerCase();
    kindsByUser.set(key, (kindsByUser.get(key) ?? new Set()).add(change.kind));
  }
  const counts = { create: 0, restore: 0, rename: 0, update: 0, delete: 0 };
  for (const kinds of kindsByUser.values()) counts[outcomes.find(([kind]) => kinds.has(kind))?.[1] ?? 'update']++;
  return { ...counts, seatsToPurchase: 0, byKind };
}

/** An apply's row without its changes, as an entry is made from it. */
export type ApplyRowHead = Omit<ApplyRow, 'changes'> & { readonly changes?: unknown };

/**
 * An entry from its row, given its changes already sorted: those that name a
 * kind and a user (`named`), those of them not in a change's shape (`bad`,
 * applied-shapes.ts), and how many recorded items are not a change at all.
 */
export function entryFrom(row: ApplyRowHead, named: AppliedChange[], bad: ReadonlySet<AppliedChange>, notChanges: number): HistoryEntry {
  const summaryOk = isAppliedSummary(row.summary);
  const approvalsOk = isAppliedApprovals(row.approvals);
  const malformed: Malformed = { summary: !summaryOk, approvals: !approvalsOk, notChanges, changes: bad };
  return {
    id: Number(row.id),
    appliedAt: row.applied_at.toISOString(),
    actor: row.actor,
    databaseRole: row.database_role,
    host: row.host,
    gitCommit: row.git_commit,
    configHash: row.config_hash,
    planHash: row.plan_hash,
    toolVersion: row.tool_version,
    summary: summaryOk ? (row.summary as AppliedSummary) : countedSummary(named),
    changes: named,
    approvals: approvalsOk ? (row.approvals as ApplyApprovals | null) : null,
    ...(row.settings_recorded ? { adminEmail: row.admin_email ?? null } : {}),
    ...(!summaryOk || !approvalsOk || notChanges > 0 || bad.size > 0 ? { malformed } : {}),
  };
}

/** An entry from its row, its malformed parts checked against the shapes apply writes (applied-shapes.ts). */
function toEntry(row: ApplyRow): HistoryEntry {
  const raw = Array.isArray(row.changes) ? (row.changes as unknown[]) : [];
  const named = namedChanges(raw);
  // Changes that are not a list at all count as one thing that is not a change.
  const notChanges = Array.isArray(row.changes) ? raw.length - named.length : 1;
  return entryFrom(row, named, new Set(named.filter((change) => !isAppliedChange(change))), notChanges);
}

/** The columns of an apply's row but its changes, as readHistory and large-apply.ts select them. */
export const APPLY_HEAD_COLUMNS = `id::text AS id, applied_at, actor, database_role, host, git_commit, config_hash, plan_hash, tool_version, summary, approvals,
            settings->>'adminEmail' AS admin_email, settings IS NOT NULL AS settings_recorded`;

/**
 * The audit trail, newest apply first, each apply with what the database
 * recorded it writing beside its own record (read-apply-writes.ts). Reads
 * only. `ids`: those applies alone (history-pages.ts reads a long trail a
 * few applies at a time).
 */
export async function readHistory(db: Queryable, query: HistoryQuery & { readonly ids?: readonly number[] } = {}): Promise<HistoryEntry[]> {
  // The user's changes are picked out by the server: an adoption's apply stores 100,000 users' changes.
  // The order names listed.id: a bare `id` is the text output column, which puts #9 before #13.
  const followed = query.user ? (query.followed ?? (await followUser(db, query.user))) : null;
  const windows = followed?.windows ?? [];
  const rows = await db.query<ApplyRow>(
    `WITH listed AS (
       SELECT a.*, CASE WHEN $3::text IS NOT NULL THEN
                (SELECT json_agg(c.change ORDER BY c.n) FROM json_array_elements(${changesList('a.changes')}) WITH ORDINALITY AS c(change, n)
                  WHERE lower(c.change->>'userPrincipalName') = $3 OR lower(c.change->>'fromUserPrincipalName') = $3
                     -- The account under its other names while they were its own (follow-user.ts), the rename's apply included.
                     OR (lower(c.change->>'userPrincipalName') = ANY($4::text[])
                         AND EXISTS (SELECT 1 FROM unnest($4::text[], $5::numeric[], $6::numeric[]) AS w(name, first_id, last_id)
                                      WHERE w.name = lower(c.change->>'userPrincipalName') AND a.id BETWEEN w.first_id AND w.last_id))
                     OR c.change->>'userId' = ANY($7::text[])) END AS of_user
         FROM applies a
        WHERE ($1::timestamptz IS NULL OR a.applied_at >= $1::timestamptz) AND ($8::bigint[] IS NULL OR a.id = ANY($8::bigint[])))
     SELECT ${APPLY_HEAD_COLUMNS},
            -- An apply found by its recorded writes alone lists none of the user's changes: an empty list, not a malformed one.
            -- Changes that are no list are none, whatever they hold: not sent.
            CASE WHEN $3::text IS NOT NULL THEN coalesce(of_user, '[]'::json) WHEN json_typeof(changes) = 'array' THEN changes ELSE 'null'::json END AS changes
       FROM listed
      WHERE $3::text IS NULL OR of_user IS NOT NULL
         -- Or the database recorded it writing the user, whatever its changes say (migration 0024):
         -- under its other names only while they were its own, as for its changes.
         OR EXISTS (SELECT 1 FROM apply_writes w CROSS JOIN LATERAL unnest(w.user_principal_names) AS n(name)
                     WHERE w.apply_id = listed.id
                       AND (lower(n.name) = $3
                            OR EXISTS (SELECT 1 FROM unnest($4::text[], $5::numeric[], $6::numeric[]) AS x(name, first_id, last_id)
                                        WHERE x.name = lower(n.name) AND listed.id BETWEEN x.first_id AND x.last_id)))
      ORDER BY listed.id DESC
      LIMIT $2::int`,
    [
      query.since ? query.since.toISOString() : null,
      query.limit ?? null,
      query.user?.toLowerCase() ?? null,
      windows.map((w) => w.name),
      windows.map((w) => String(w.from)),
      windows.map((w) => String(w.to)),
      followed?.ids ?? [],
      query.ids ? query.ids.map(String) : null,
    ],
  );
  return withRecordedWrites(db, rows.map(toEntry), query.user ?? null, windows);
}

/**
 * These entries with what the database recorded their applies writing that
 * their records do not say (read-apply-writes.ts, credential-writes.ts);
 * with `user`, that user's under its names as of each apply (`windows`),
 * and only those are read.
 */
export async function withRecordedWrites(db: Queryable, entries: readonly HistoryEntry[], user: string | null, windows: readonly NameWindow[]): Promise<HistoryEntry[]> {
  const asked = user === null ? null : [...new Set([user.toLowerCase(), ...windows.map((w) => w.name)])];
  const recorded = await readApplyWrites(db, entries.map((entry) => entry.id), asked);
  const credentials = await readCredentialWrites(db, entries.map((entry) => String(entry.id)), asked);
  // With --user, the user's names as of each apply: a name renamed away may be another person's since.
  const namesAt = (id: number) =>
    user ? new Set([user.toLowerCase(), ...windows.filter((w) => id >= w.from && id <= w.to).map((w) => w.name)]) : null;
  return entries.map((entry) => {
    const names = namesAt(entry.id);
    const writes = unlistedWrites(recorded.get(entry.id), entry.changes, names);
    // Seats are no user's: with --user they are not that user's writes.
    const seatRows = names === null ? (recorded.get(entry.id)?.unexplainedSeatRows ?? 0) : 0;
    // Counted against all the apply's changes: with --user, history holds that user's alone.
    const beyond = names === null ? insertsBeyondRecord(recorded.get(entry.id), entry.changes) : [];
    const unwritten = unwrittenChanges(recorded.get(entry.id), entry.changes, names);
    const credential = unexplainedCredentialWrites(credentials.get(entry.id), entry.changes, names);
    return {
      ...entry,
      ...(writes.length > 0 ? { unlistedWrites: writes } : {}),
      ...(seatRows > 0 ? { unexplainedSeatWrites: seatRows } : {}),
      ...(beyond.length > 0 ? { insertsBeyondRecord: beyond } : {}),
      ...(unwritten.length > 0 ? { unwrittenChanges: unwritten } : {}),
      ...(credential.length > 0 ? { unexplainedCredentialWrites: credential } : {}),
    };
  });
}

/** An apply of the trail before its changes are read: where it falls, and how large its changes are. */
export interface ApplyHead {
  readonly id: number;
  readonly appliedAt: string;
  /** The bytes of its recorded changes as text; for a large one, as stored (compressed: fewer). */
  readonly bytes: number;
  /** Whether its changes pass `large` (large-apply.ts): read as they are written out. */
  readonly large: boolean;
}

/**
 * The applies readHistory would list without `user`, newest first, without
 * their changes. json has no cast to text but through its output function:
 * the size of an adoption's changes as text (123 MB) cost the server their
 * whole decompression and copy, 3 s, at every `history`. Their stored size
 * is known without reading them: past `large.storedBytes`, an apply is large
 * whatever its text's size, and only a smaller one is measured as text.
 */
export async function readApplyHeads(
  db: Queryable,
  query: Pick<HistoryQuery, 'since' | 'limit'>,
  large: { readonly bytes: number; readonly storedBytes: number },
): Promise<ApplyHead[]> {
  const rows = await db.query<{ id: string; applied_at: Date; stored: string | null; bytes: string | null }>(
    `SELECT a.id::text AS id, a.applied_at, pg_column_size(a.changes)::text AS stored,
            CASE WHEN pg_column_size(a.changes) <= $3::bigint THEN octet_length(a.changes::text) END::text AS bytes
       FROM applies a
      WHERE $1::timestamptz IS NULL OR a.applied_at >= $1::timestamptz
      -- a.id: a bare id is the text column above, which puts #9 before #13.
      ORDER BY a.id DESC
      LIMIT $2::int`,
    [query.since ? query.since.toISOString() : null, query.limit ?? null, String(large.storedBytes)],
  );
  return rows.map((row) => {
    const bytes = row.bytes === null ? null : Number(row.bytes);
    return { id: Number(row.id), appliedAt: row.applied_at.toISOString(), bytes: bytes ?? Number(row.stored ?? 0), large: bytes === null || bytes > large.bytes };
  });
}

/** 1.1 added `approvals` and `databaseRole`, and `user` for `--user`; 1.2 `otherWrites`; 1.3 `adminEmail`; 1.4 `unlistedWrites` and `unexplainedSeatWrites`; 1.5 their `namedBy`, and `insertsBeyondRecord`; 1.6 `unwrittenChanges`; 1.7 `unexplainedCredentialWrites`. */
export const HISTORY_FORMAT_VERSION = '1.7';

/** `history --format json`, described by schemas/history.schema.json. */
export interface HistoryDocument {
  readonly formatVersion: typeof HISTORY_FORMAT_VERSION;
  /** `--user`: each apply lists only this user's changes. */
  readonly user?: string;
  readonly applies: readonly Omit<HistoryEntry, 'malformed'>[];
  /** What no apply wrote (init, or outside tenantctl), one entry per transaction, newest first. */
  readonly otherWrites: readonly OtherWritesEntry[];
}

export function toHistoryDocument(entries: readonly HistoryEntry[], user: string | null = null, otherWrites: readonly OtherWritesEntry[] = []): HistoryDocument {
  const applies = entries.map(({ malformed: _, ...entry }) => entry);
  return { formatVersion: HISTORY_FORMAT_VERSION, ...(user === null ? {} : { user }), applies, otherWrites };
}
