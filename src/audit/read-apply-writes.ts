import type { Queryable } from '../db/database.js';
import type { ChangeKind } from '../plan/change.js';
import type { AppliedChange } from './read-history.js';

/**
 * A user the database recorded an apply's transaction writing (migration
 * 0024) whom none of the apply's recorded changes names, or whom they name
 * but wrote in a way none of those changes does (`namedBy`): the row in
 * applies is the writer's word, and this is where it and the writes disagree.
 */
export interface UnlistedWrite {
  readonly userPrincipalName: string;
  /**
   * What was written to the user, e.g. `user_roles insert`, `users update`, in
   * table order; with `namedBy`, only what none of those changes writes.
   */
  readonly writes: readonly string[];
  /** The kinds of the recorded changes that name the user, in name order; absent when none does. */
  readonly namedBy?: readonly string[];
}

/**
 * What apply writes to a user for each kind of change (statements.ts,
 * apply-plan.ts), as apply_writes records it: table and operation.
 * `always`: the write every real change of the kind makes to its user
 * (no insert skips a row on conflict, a grant or an assignment into a row
 * that is there fails; a revoke, a removal or a purge deletes the row the
 * plan found; an update of a user's row is recorded even where it leaves the
 * row as it was), so a recorded change whose write the database never saw did
 * not happen as the record says; null where the kind may write nothing
 * (license.update from no disabled plans to some deletes none). `also`: what
 * else it may write. Besides these, every user a change names may get the
 * closing stamp (stampTouchedUsers), a `users update`. A licence's disabled
 * plans go with it (ON DELETE CASCADE); a purge takes the rows that still
 * name the user with it, its outbox rows too. Credentials are queued for
 * created users and reset passwords alone, and only for a notify list
 * (prepare-credentials.ts). Seats (subscriptions) name no user. A new kind
 * nobody maps fails to compile.
 */
export const WRITES_OF: { readonly [K in ChangeKind]: { readonly always: string | null; readonly also: readonly string[] } } = {
  'user.purge': { always: 'users delete', also: ['user_roles delete', 'license_assignments delete', 'license_disabled_plans delete', 'credential_notifications delete'] },
  'user.rename': { always: 'users update', also: [] },
  'user.create': { always: 'users insert', also: ['credential_notifications insert'] },
  'user.restore': { always: 'users update', also: [] },
  'user.adopt': { always: 'users update', also: [] },
  'user.update': { always: 'users update', also: [] },
  'user.unblock': { always: 'users update', also: [] },
  'user.password-reset': { always: 'users update', also: ['credential_notifications insert'] },
  'license.remove': { always: 'license_assignments delete', also: ['license_disabled_plans delete'] },
  'license.update': { always: null, also: ['license_disabled_plans delete', 'license_disabled_plans insert'] },
  'license.assign': { always: 'license_assignments insert', also: ['license_disabled_plans insert'] },
  'role.revoke': { always: 'user_roles delete', also: [] },
  'role.grant': { always: 'user_roles insert', also: [] },
  'user.block': { always: 'users update', also: [] },
  'user.delete': { always: 'users update', also: ['user_roles delete', 'license_assignments delete', 'license_disabled_plans delete'] },
};

/** What apply writes for a change of this recorded kind (the writer's word: any string); undefined for a kind apply has not. */
function writesOf(kind: string): (typeof WRITES_OF)[ChangeKind] | undefined {
  return Object.hasOwn(WRITES_OF, kind) ? WRITES_OF[kind as ChangeKind] : undefined;
}

/**
 * A user the apply's recorded changes name for writes the database never
 * recorded the apply making to that user (migration 0024): a grant recorded
 * to daan whose row went to lotte.
 */
export interface UnwrittenChange {
  /** The user's name as the first such change records it. */
  readonly userPrincipalName: string;
  /** The kinds of those changes, in name order. */
  readonly kinds: readonly string[];
  /** What they write (WRITES_OF's `always`) that the database did not record written to the user, in name order. */
  readonly writes: readonly string[];
}

/** The closing stamp apply gives every user a change names. */
const STAMP = 'users update';

/** Whether a change of this recorded kind (the writer's word: any string) writes this. */
function explains(kind: string, write: string): boolean {
  const writes = writesOf(kind);
  return writes !== undefined && (writes.always === write || writes.also.includes(write));
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
  /** Rows inserted into users, user_roles and license_assignments, by table (COUNTED_INSERTS). */
  readonly insertedRows: ReadonlyMap<string, number>;
}

/**
 * The tables where apply inserts exactly one row per recorded change of one
 * kind: an account per creation, a role per grant, a licence per
 * assignment. More rows than changes is a grant (or an account, or a
 * licence) the record does not list, even to a user it names for one.
 */
export const COUNTED_INSERTS = { users: 'user.create', user_roles: 'role.grant', license_assignments: 'license.assign' } as const satisfies Record<string, ChangeKind>;

/** Rows a statement of the apply inserted beyond its recorded changes of that kind (COUNTED_INSERTS). */
export interface InsertsBeyondRecord {
  readonly table: keyof typeof COUNTED_INSERTS;
  /** The rows the database recorded the apply inserting. */
  readonly rows: number;
  /** The apply's recorded changes of the kind that inserts them. */
  readonly recorded: number;
}

/**
 * For each of these applies, the users its statements wrote and its seat
 * writes no purchase or licence explains (apply_writes); applies before
 * migration 0024 have none. A user known only by its id (a purge's cascade,
 * after the user's row was gone) is named by the purge's own delete of users.
 * An apply recorded after the first one the database recorded writes for,
 * that has none, recorded nothing: an empty record, not none (every real
 * apply since 0024 has one; a forged apply that writes nothing under its
 * mark otherwise passed for one from before it). `names` (lower-cased):
 * those users alone, picked out by the server (`history --user`: an
 * adoption's apply wrote 100,000 users, of whom one is asked for).
 */
export async function readApplyWrites(db: Queryable, applyIds: readonly number[], names: readonly string[] | null = null): Promise<Map<number, RecordedWrites>> {
  const recorded = new Map<number, { users: Map<string, UnlistedWrite>; unexplainedSeatRows: number; insertedRows: Map<string, number> }>();
  if (applyIds.length === 0) return recorded;
  const ids = applyIds.map(String);
  const of = (id: string) => {
    const key = Number(id);
    let entry = recorded.get(key);
    if (!entry) recorded.set(key, (entry = { users: new Map(), unexplainedSeatRows: 0, insertedRows: new Map() }));
    return entry;
  };
  const users = await db.query<{ apply_id: string; key: string; name: string; writes: string[] }>(
    `SELECT w.apply_id::text AS apply_id, lower(n.name) AS key, min(n.name) AS name,
            array_agg(DISTINCT w.table_name || ' ' || w.operation ORDER BY w.table_name || ' ' || w.operation) AS writes
       FROM apply_writes w CROSS JOIN LATERAL unnest(w.user_principal_names) AS n(name)
      WHERE w.apply_id = ANY($1::bigint[]) AND ($2::text[] IS NULL OR lower(n.name) = ANY($2::text[]))
      GROUP BY w.apply_id, lower(n.name)`,
    [ids, names],
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
  const inserted = await db.query<{ apply_id: string; table_name: string; rows: string }>(
    `SELECT w.apply_id::text AS apply_id, w.table_name, sum(w.row_count)::text AS rows
       FROM apply_writes w
      WHERE w.apply_id = ANY($1::bigint[]) AND w.operation = 'insert' AND w.table_name = ANY($2::text[])
      GROUP BY w.apply_id, w.table_name`,
    [ids, Object.keys(COUNTED_INSERTS)],
  );
  for (const row of inserted) of(row.apply_id).insertedRows.set(row.table_name, Number(row.rows));
  const [first] = await db.query<{ id: string | null }>('SELECT min(apply_id)::text AS id FROM apply_writes');
  if (first?.id != null) for (const id of ids) if (Number(id) > Number(first.id)) of(id);
  return recorded;
}

/**
 * The recorded changes that name each user, by lower-cased name: a rename's
 * under both its names. The writer's word: `fromUserPrincipalName` is used
 * only when it is a string.
 */
export function changesByName(changes: readonly AppliedChange[]): Map<string, AppliedChange[]> {
  const named = new Map<string, AppliedChange[]>();
  const add = (upn: string, change: AppliedChange) => {
    const key = upn.toLowerCase();
    named.set(key, [...(named.get(key) ?? []), change]);
  };
  for (const change of changes) {
    add(change.userPrincipalName, change);
    const from = (change as { fromUserPrincipalName?: unknown }).fromUserPrincipalName;
    if (typeof from === 'string') add(from, change);
  }
  return named;
}

/**
 * The users written that none of these changes names, under either name of
 * a rename, and the users they name written in ways none of their changes
 * does (WRITES_OF: lotte named for a job title, and granted a role by hand
 * under the same apply), in name order; `only` (lower-cased) keeps those
 * names alone. A rename's change names the user under both names. The
 * changes are those history already holds: their JSON is not read twice.
 */
export function unlistedWrites(recorded: RecordedWrites | undefined, changes: readonly AppliedChange[], only: ReadonlySet<string> | null): UnlistedWrite[] {
  if (!recorded) return [];
  const kinds = new Map([...changesByName(changes)].map(([key, named]) => [key, new Set(named.map((change) => change.kind))]));
  const found: [string, UnlistedWrite][] = [];
  for (const [key, write] of recorded.users) {
    if (only !== null && !only.has(key)) continue;
    const named = kinds.get(key);
    if (!named) {
      found.push([key, write]);
      continue;
    }
    const unexplained = write.writes.filter((w) => w !== STAMP && ![...named].some((kind) => explains(kind, w)));
    if (unexplained.length > 0) found.push([key, { userPrincipalName: write.userPrincipalName, writes: unexplained, namedBy: [...named].sort() }]);
  }
  return found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, write]) => write);
}

/**
 * The counted tables (COUNTED_INSERTS) where the apply inserted more rows
 * than its changes of the kind that inserts them: all its changes, so not
 * with --user, whose changes are that user's alone.
 */
export function insertsBeyondRecord(recorded: RecordedWrites | undefined, changes: readonly AppliedChange[]): InsertsBeyondRecord[] {
  if (!recorded) return [];
  const beyond: InsertsBeyondRecord[] = [];
  for (const [table, kind] of Object.entries(COUNTED_INSERTS) as [keyof typeof COUNTED_INSERTS, ChangeKind][]) {
    const rows = recorded.insertedRows.get(table) ?? 0;
    const count = changes.filter((change) => change.kind === kind).length;
    if (rows > count) beyond.push({ table, rows, recorded: count });
  }
  return beyond;
}

/**
 * The users the apply's recorded changes name for a write (WRITES_OF's `always`)
 * that the database did not record the apply making to that user, under the
 * name the change gives (a rename's new name: every other change of a renamed
 * user finds it under that name, and the rename's update records both), in
 * name order; `only` (lower-cased) keeps those names alone. Nothing for an
 * apply with no recorded writes at all (before migration 0024).
 */
export function unwrittenChanges(recorded: RecordedWrites | undefined, changes: readonly AppliedChange[], only: ReadonlySet<string> | null): UnwrittenChange[] {
  if (!recorded) return [];
  const missing = new Map<string, { userPrincipalName: string; kinds: Set<string>; writes: Set<string> }>();
  for (const change of changes) {
    const write = writesOf(change.kind)?.always;
    if (!write) continue;
    const key = change.userPrincipalName.toLowerCase();
    if (only !== null && !only.has(key)) continue;
    if (recorded.users.get(key)?.writes.includes(write)) continue;
    let entry = missing.get(key);
    if (!entry) missing.set(key, (entry = { userPrincipalName: change.userPrincipalName, kinds: new Set(), writes: new Set() }));
    entry.kinds.add(change.kind);
    entry.writes.add(write);
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...missing]
    .sort(([a], [b]) => byName(a, b))
    .map(([, entry]) => ({ userPrincipalName: entry.userPrincipalName, kinds: [...entry.kinds].sort(byName), writes: [...entry.writes].sort(byName) }));
}
