import { changesList } from '../audit/changes-list.js';
import type { Database } from '../db/database.js';
import { userKey, type TenantState } from '../state/tenant-state.js';
import type { OutsideWrite } from './finding.js';

/** A managed account deleted outside tenantctl, and the row now under its UPN inserted outside tenantctl after. */
export interface OutsideReplacement extends OutsideWrite {
  /** The id of the managed account whose row was deleted. */
  readonly replacedUserId: string;
}

/**
 * Who took declared users out of tenantctl's hands outside it, as
 * other_writes (migration 0016) recorded it: `deleted` by lower-cased UPN
 * (the managed, active account that held it deleted, past the recycle bin),
 * `released` by user id (`managed` set from true to false), `replaced` by the
 * id of the unmanaged row now under the UPN (the managed account that held it
 * deleted and this row inserted, both outside tenantctl). Each holds the
 * latest such write, and only when no apply took up that account or UPN at
 * or after it (read-outside-removals.ts says what counts).
 */
export interface OutsideRemovals {
  readonly deleted: ReadonlyMap<string, OutsideWrite>;
  readonly released: ReadonlyMap<string, OutsideWrite>;
  readonly replaced: ReadonlyMap<string, OutsideReplacement>;
}

export const NO_OUTSIDE_REMOVALS: OutsideRemovals = { deleted: new Map(), released: new Map(), replaced: new Map() };

/**
 * The users drift may report as removed outside tenantctl: declared UPNs
 * (lower-cased) the directory has no row for, with the UPN a pending rename
 * names (`renamedFrom`) when it has none either (the account the rename was
 * for is the one lost), and the declared users whose active row is not
 * managed, by id with the UPN the row has now (lower-cased, at the same
 * index). A superset of the `user.missing` and `user.unadopted` findings (a
 * pending rename is not missing), so the query can run before the comparison.
 */
export interface RemovalCandidates {
  readonly upns: readonly string[];
  readonly userIds: readonly string[];
  readonly userUpns: readonly string[];
}

export function removalCandidates(desired: TenantState, current: TenantState): RemovalCandidates {
  const upns: string[] = [];
  const userIds: string[] = [];
  const userUpns: string[] = [];
  for (const [key, declared] of desired.users) {
    const user = current.users.get(key);
    const directory = user?.directory;
    if (!user || !directory) {
      upns.push(key);
      const { renamedFrom } = declared;
      if (renamedFrom !== undefined && !current.users.get(userKey(renamedFrom))?.directory) upns.push(userKey(renamedFrom));
    } else if (!directory.managed && !directory.deletedAt) {
      userIds.push(directory.id);
      userUpns.push(userKey(user.userPrincipalName));
    }
  }
  return { upns, userIds, userUpns };
}

interface RemovalRow {
  what: 'deleted' | 'released' | 'replaced';
  upn: string;
  user_id: string | null;
  replaced_user_id: string | null;
  at: string;
  database_role: string;
}

/**
 * The change kinds by which an apply takes up an account or a UPN, or lets
 * go of it: after one of these, an older write outside tenantctl says
 * nothing about the state drift sees. Other kinds need the account managed
 * and active under its UPN already (an update, a role, a licence), so they
 * cannot follow a removal without one of these first.
 */
const TAKING_UP = ['user.create', 'user.restore', 'user.rename', 'user.adopt', 'user.delete', 'user.purge'];

/**
 * Up to this many names, an apply's changes are searched as text before
 * they are parsed. Per 110 MB of adoptions on PostgreSQL: about 0.05 s a
 * name, after 0.45 s to decompress and lower-case them once, against 0.75 s
 * to parse them (the embedded database: 0.4 s, and 0.3 s to parse).
 */
const PREFILTER_NAMES = 8;

/**
 * One statement, set-based: the candidates go in as arrays, whatever their
 * number (100,000 declared users on a new tenant).
 *
 * An account is followed by its id: every id other_writes shows under a
 * declared UPN (as the row's UPN, or the UPN an update renamed it away
 * from) belongs to it, so a rename by SQL before the delete does not hide
 * it. A delete counts when the row it deleted was managed and active under
 * the declared UPN when tenantctl last had it: the deleted row says so, or
 * an outside write since the last apply that took it up released it,
 * soft-deleted it or renamed it away. A row never managed, or in the
 * recycle bin since an apply deleted it, is not tenantctl's loss. A release
 * counts for the id. A replacement is such a delete of the account that had
 * the UPN of an unmanaged row now there, followed by that row's insert, or
 * its rename to that UPN, outside tenantctl (no init mark).
 *
 * "Since the last apply that took it up": an apply at or after the write
 * with a change of a TAKING_UP kind naming the declared UPN, the UPN the
 * row had at the write, or the account's id. Parsing an apply's changes is
 * the cost (100 MB of adoptions: about 0.75 s), so an apply is parsed only
 * when it is at or after the oldest write that matters, its summary counts
 * a TAKING_UP kind (an apply of updates, roles or licences is never read),
 * and, when at most PREFILTER_NAMES names are looked for in it (a name is
 * looked for only in the applies at or after its write), its changes' text
 * contains one of them (lower-cased once, in the C collation: a UPN is
 * ASCII, and another collation's lower() costs more than the parse). Each
 * change is read once for the four fields it needs (json_to_record, not a
 * parse per field); an apply's changes that are not a list of objects (the
 * writer may insert any) count as no change, rather than failing drift. A write at the same time as an apply (one
 * transaction's start) is not attributed: drift cannot tell which came
 * last. The reader role may read both tables (sql/roles.sql); nothing here
 * needs users.password_hash.
 */
const OUTSIDE_REMOVALS_QUERY = `WITH missing AS (SELECT DISTINCT m.upn FROM unnest($1::text[]) AS m(upn)),
unadopted AS (SELECT u.user_id, u.upn FROM unnest($2::uuid[], $3::text[]) AS u(user_id, upn)),
declared AS (SELECT upn FROM missing UNION SELECT upn FROM unadopted),
accounts AS (
  SELECT DISTINCT d.upn, w.user_id
    FROM other_writes w
   CROSS JOIN LATERAL (VALUES (lower(w.user_principal_name)), (lower(w.before->>'user_principal_name'))) AS named(upn)
    JOIN declared d ON d.upn = named.upn
   WHERE w.table_name = 'users' AND w.user_id IS NOT NULL),
writes AS (
  SELECT a.upn, w.id, w.operation, w.user_id, w.written_at, w.database_role, lower(w.user_principal_name) AS row_upn,
         w.operation = 'update' AND w.before->>'managed' = 'true' AND w.after->>'managed' = 'false' AS released,
         w.operation = 'update' AND w.before ? 'deleted_at' AND w.before->>'deleted_at' IS NULL AND w.after->>'deleted_at' IS NOT NULL AS soft_deleted,
         w.operation = 'update' AND lower(w.before->>'user_principal_name') = a.upn AS renamed_away,
         w.operation = 'delete' AND w.before->>'managed' = 'true' AS was_managed,
         w.operation = 'delete' AND w.before->>'deleted_at' IS NULL AS was_active
    FROM accounts a JOIN other_writes w ON w.user_id = a.user_id
   WHERE w.table_name = 'users' AND w.operation IN ('update', 'delete')),
-- The writes that matter to whether a delete took an account out of tenantctl's hands: the deletes, and what an update did that the deleted row may show.
steps AS (SELECT * FROM writes w WHERE w.operation = 'delete' OR w.released OR w.soft_deleted OR w.renamed_away),
releases AS (
  SELECT DISTINCT ON (u.user_id) u.upn, u.user_id, w.written_at, w.database_role, lower(w.user_principal_name) AS row_upn
    FROM unadopted u JOIN other_writes w ON w.user_id = u.user_id
   WHERE w.table_name = 'users' AND w.operation = 'update' AND w.before->>'managed' = 'true' AND w.after->>'managed' = 'false'
   ORDER BY u.user_id, w.id DESC),
names AS (
  SELECT named.name, min(named.since) AS since FROM (
    SELECT w.upn AS name, w.written_at AS since FROM steps w
    UNION ALL SELECT w.row_upn, w.written_at FROM steps w
    UNION ALL SELECT w.user_id::text, w.written_at FROM steps w
    UNION ALL SELECT r.upn, r.written_at FROM releases r
    UNION ALL SELECT r.row_upn, r.written_at FROM releases r
    UNION ALL SELECT r.user_id::text, r.written_at FROM releases r) AS named
   GROUP BY named.name),
taking_up AS (
  SELECT a.applied_at, a.changes FROM applies a
   WHERE a.applied_at >= (SELECT min(since) FROM names)
     AND (NOT a.summary ? 'byKind' OR a.summary->'byKind' ?| $4::text[])
     AND ((SELECT count(*) FROM names n WHERE n.since <= a.applied_at) > $5
          OR EXISTS (SELECT FROM (SELECT lower(a.changes::text COLLATE "C") AS t OFFSET 0) AS x JOIN names n ON a.applied_at >= n.since AND strpos(x.t, n.name) > 0))),
touched AS (
  SELECT n.name, max(a.applied_at) AS applied_at
    FROM taking_up a
   CROSS JOIN LATERAL json_array_elements(${changesList('a.changes')}) AS e(change)
   CROSS JOIN LATERAL json_to_record(CASE WHEN json_typeof(e.change) = 'object' THEN e.change ELSE '{}' END)
         AS c(kind text, "userPrincipalName" text, "fromUserPrincipalName" text, "userId" text)
   CROSS JOIN LATERAL (VALUES (lower(c."userPrincipalName")), (lower(c."fromUserPrincipalName")), (lower(c."userId"))) AS named(name)
    JOIN names n ON n.name = named.name AND a.applied_at >= n.since
   WHERE c.kind = ANY ($4::text[])
   GROUP BY n.name),
account_touched AS (
  SELECT w.upn, w.user_id, max(t.applied_at) AS applied_at
    FROM (SELECT upn, user_id, upn AS name FROM steps
          UNION ALL SELECT upn, user_id, row_upn FROM steps
          UNION ALL SELECT upn, user_id, user_id::text FROM steps) AS w
    JOIN touched t ON t.name = w.name
   GROUP BY w.upn, w.user_id),
-- Each write with the latest release, soft delete and rename away of its account before it: a window, not a search per delete.
ordered AS (
  SELECT w.*,
         max(CASE WHEN w.released THEN w.written_at END) OVER earlier AS released_before,
         max(CASE WHEN w.soft_deleted THEN w.written_at END) OVER earlier AS soft_deleted_before,
         max(CASE WHEN w.renamed_away THEN w.written_at END) OVER earlier AS renamed_away_before
    FROM steps w
  WINDOW earlier AS (PARTITION BY w.upn, w.user_id ORDER BY w.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
losses AS (
  SELECT DISTINCT ON (d.upn) d.upn, d.id, d.user_id, d.written_at, d.database_role
    FROM ordered d LEFT JOIN account_touched t ON t.upn = d.upn AND t.user_id = d.user_id
   WHERE d.operation = 'delete' AND (t.applied_at IS NULL OR t.applied_at < d.written_at)
     AND (d.was_managed OR d.released_before > coalesce(t.applied_at, '-infinity'))
     AND (d.was_active OR d.soft_deleted_before > coalesce(t.applied_at, '-infinity'))
     AND (d.row_upn = d.upn OR d.renamed_away_before > coalesce(t.applied_at, '-infinity'))
   ORDER BY d.upn, d.id DESC),
attributed AS (
  SELECT 'deleted' AS what, l.upn, NULL::uuid AS user_id, NULL::uuid AS replaced_user_id, l.written_at, l.database_role
    FROM losses l JOIN missing m ON m.upn = l.upn
  UNION ALL
  SELECT 'released', r.upn, r.user_id, NULL, r.written_at, r.database_role
    FROM (SELECT r.*, r.upn AS name FROM releases r
          UNION ALL SELECT r.*, r.row_upn FROM releases r
          UNION ALL SELECT r.*, r.user_id::text FROM releases r) AS r
    LEFT JOIN touched t ON t.name = r.name
   GROUP BY r.upn, r.user_id, r.written_at, r.database_role
  HAVING max(t.applied_at) IS NULL OR max(t.applied_at) < r.written_at
  UNION ALL
  SELECT 'replaced', u.upn, u.user_id, l.user_id, l.written_at, l.database_role
    FROM unadopted u JOIN losses l ON l.upn = u.upn
   WHERE EXISTS (SELECT FROM other_writes i
                  WHERE i.user_id = u.user_id AND i.table_name = 'users' AND i.command IS NULL AND i.id > l.id
                    AND (i.operation = 'insert' OR (i.operation = 'update' AND lower(i.after->>'user_principal_name') = u.upn))))
SELECT a.what, a.upn, a.user_id::text AS user_id, a.replaced_user_id::text AS replaced_user_id, a.database_role,
       to_char(a.written_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
  FROM attributed a`;

/**
 * Run in the query's transaction before it. The planner cannot know how many
 * rows each step of the query gives (the embedded database never analyses its
 * tables), and took nested loops over thousands of them: 3,000 accounts
 * deleted, created again by an apply and deleted again took 18 s, 18 million
 * comparisons (helper-73). Hash joins keep every join linear. But the nested
 * loops the lateral joins still need then cost the planner's "disabled"
 * 10^10 each, far past every JIT threshold: a PostgreSQL server built with
 * JIT (the default of the PGDG and Debian packages) compiled and optimised
 * the query with LLVM on every drift that had a removal to look up, about 3 s
 * of CPU for a query that runs in milliseconds.
 */
export const OUTSIDE_REMOVALS_SETTINGS: Readonly<Record<string, string>> = { enable_nestloop: 'off', jit: 'off' };

/** One statement setting `settings` for the rest of the transaction: one round trip, whatever their number. */
export function setLocally(settings: Readonly<Record<string, string>>): { text: string; params: string[] } {
  const names = Object.keys(settings);
  return {
    text: `SELECT ${names.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
    params: names.flatMap((name) => [name, settings[name]!]),
  };
}

/** The statement and its parameters for `candidates`. */
export function outsideRemovalsStatement(candidates: RemovalCandidates): { text: string; params: unknown[] } {
  return {
    text: OUTSIDE_REMOVALS_QUERY,
    params: [candidates.upns.map(userKey), candidates.userIds, candidates.userUpns.map(userKey), TAKING_UP, PREFILTER_NAMES],
  };
}

/** The outside writes that removed `candidates` from tenantctl's hands; no round trip when there are none. */
export async function readOutsideRemovals(db: Database, candidates: RemovalCandidates): Promise<OutsideRemovals> {
  if (candidates.upns.length === 0 && candidates.userIds.length === 0) return NO_OUTSIDE_REMOVALS;
  const { text, params } = outsideRemovalsStatement(candidates);
  const rows = await db.transaction(async (tx) => {
    const settings = setLocally(OUTSIDE_REMOVALS_SETTINGS);
    await tx.query(settings.text, settings.params);
    return tx.query<RemovalRow>(text, params);
  });
  const deleted = new Map<string, OutsideWrite>();
  const released = new Map<string, OutsideWrite>();
  const replaced = new Map<string, OutsideReplacement>();
  for (const row of rows) {
    const write: OutsideWrite = { databaseRole: row.database_role, at: row.at };
    if (row.what === 'deleted') deleted.set(row.upn, write);
    else if (row.user_id === null) continue;
    else if (row.what === 'released') released.set(row.user_id, write);
    else if (row.replaced_user_id !== null) replaced.set(row.user_id, { ...write, replacedUserId: row.replaced_user_id });
  }
  return { deleted, released, replaced };
}
