import type { Queryable } from '../db/database.js';
import type { HistoryQuery } from './read-history.js';

/** A column's value as other_writes keeps it (JSON of the row; secrets replaced by a note). */
export type WrittenRow = Readonly<Record<string, unknown>>;

/**
 * One row written by anything but an apply, as other_writes (migration 0016)
 * keeps it: the table, the operation, whose row it is (for the directory's
 * tables) and the row before and after; for an update only the columns that
 * changed. Never a password hash or a sealed credential.
 */
export interface OtherWrite {
  readonly table: string;
  readonly operation: 'insert' | 'update' | 'delete';
  /** The user the row is (users) or belongs to (roles, licences, queued credentials); null for the catalog and the outbox key. */
  readonly userId: string | null;
  readonly userPrincipalName: string | null;
  /** The row's primary key (`{"sku": "ENTERPRISEPACK"}`), which an update's columns leave out unless it changed. */
  readonly key: WrittenRow;
  readonly before: WrittenRow | null;
  readonly after: WrittenRow | null;
}

/**
 * The writes of one transaction that was not an apply: by tenantctl init
 * (the catalog, the outbox key), or outside tenantctl (psql, a script,
 * another tool). The database sets the time and the role; `actor` and `host`
 * are what init was told, like an apply's actor.
 */
export interface OtherWritesEntry {
  readonly writtenAt: string;
  /** The login that wrote them (session_user), set by the database. */
  readonly databaseRole: string;
  /** `init` when tenantctl init wrote them; null: written outside tenantctl. */
  readonly command: 'init' | null;
  readonly actor: string | null;
  readonly host: string | null;
  /** In the order they were written. */
  readonly writes: readonly OtherWrite[];
}

interface PartRow {
  written_at: Date;
  database_role: string;
  command: 'init' | null;
  actor: string | null;
  host: string | null;
  first: string;
  /** JSON text of up to WRITES_PER_PART of the entry's writes, in order. */
  writes: string;
}

/**
 * The most writes, and about the most bytes of their rows (one row may pass
 * it), in one part of an entry's list. One transaction outside tenantctl may
 * write hundreds of thousands of rows (a bulk import by another tool), or
 * rows of megabytes (anyone with SQL: a business phone has no bound): built
 * as one JSON value, 400,000 user rows (about 600 MB) made the embedded
 * database run out of memory, and a server refuses a value past 1 GB, so
 * history could no longer be read at all. Parts stay a few megabytes, as
 * read-state.ts sends the directory; each part's number grows with both counts.
 */
const WRITES_PER_PART = 2000;
const BYTES_PER_PART = 8_000_000;

/**
 * The writes no apply made, one entry per transaction, newest first; the
 * same filters as the applies (since, limit, user: a user's rows by UPN in
 * any case, or by the id of any account that had that UPN, also one renamed
 * away from it). One parameterised SELECT; reads only. `firsts`: only the
 * entries whose first row is one of these (history-pages.ts reads a long
 * trail a few entries at a time; readOtherWriteHeads gives them).
 */
export async function readOtherWrites(db: Queryable, query: HistoryQuery & { readonly firsts?: readonly string[] } = {}): Promise<OtherWritesEntry[]> {
  return (await readOtherWritesByFirst(db, query)).map(({ entry }) => entry);
}

/** readOtherWrites, each entry with the id of its first row (OtherWritesHead's `first`). */
export async function readOtherWritesByFirst(
  db: Queryable,
  query: HistoryQuery & { readonly firsts?: readonly string[] } = {},
): Promise<{ readonly first: string; readonly entry: OtherWritesEntry }[]> {
  const rows = await db.query<PartRow>(
    `WITH accounts AS (
       SELECT id FROM users WHERE lower(user_principal_name) = $3
       UNION SELECT user_id FROM other_writes WHERE lower(user_principal_name) = $3 AND user_id IS NOT NULL
       -- An account renamed away from that UPN outside tenantctl: its rename row names the UPN it had.
       UNION SELECT user_id FROM other_writes
        WHERE $3::text IS NOT NULL AND table_name = 'users' AND lower(before->>'user_principal_name') = $3 AND user_id IS NOT NULL),
     picked AS (
       SELECT w.* FROM other_writes w
        WHERE ($1::timestamptz IS NULL OR w.written_at >= $1::timestamptz)
          AND ($3::text IS NULL OR lower(w.user_principal_name) = $3 OR w.user_id IN (SELECT id FROM accounts))
          AND ($4::bigint[] IS NULL OR w.transaction_id IN (SELECT transaction_id FROM other_writes WHERE id = ANY($4::bigint[])))),
     entries AS (
       SELECT transaction_id, written_at, database_role, command, actor, host, min(id) AS first
         FROM picked
        GROUP BY transaction_id, written_at, database_role, command, actor, host
       HAVING $4::bigint[] IS NULL OR min(id) = ANY($4::bigint[])
        ORDER BY min(id) DESC
        LIMIT $2::int),
     numbered AS (
       SELECT e.first, p.*,
              (row_number() OVER earlier - 1) / ${WRITES_PER_PART}
              + coalesce(sum(octet_length(coalesce(p.before::text, '')) + octet_length(coalesce(p.after::text, '')))
                  OVER (earlier ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) / ${BYTES_PER_PART} AS part
         FROM picked p JOIN entries e
           ON p.transaction_id = e.transaction_id AND p.written_at = e.written_at AND p.database_role = e.database_role
          AND p.command IS NOT DISTINCT FROM e.command AND p.actor IS NOT DISTINCT FROM e.actor AND p.host IS NOT DISTINCT FROM e.host
       WINDOW earlier AS (PARTITION BY e.first ORDER BY p.id))
     SELECT written_at, database_role, command, actor, host, first::text AS first,
            json_agg(json_build_object('table', table_name, 'operation', operation, 'userId', user_id,
              'userPrincipalName', user_principal_name, 'key', row_key, 'before', before, 'after', after) ORDER BY id)::text AS writes
       FROM numbered
      GROUP BY first, part, written_at, database_role, command, actor, host
      ORDER BY numbered.first DESC, part`,
    [query.since ? query.since.toISOString() : null, query.limit ?? null, query.user?.toLowerCase() ?? null, query.firsts ?? null],
  );
  const entries: { first: string; entry: OtherWritesEntry & { writes: OtherWrite[] } }[] = [];
  for (const row of rows) {
    const writes = JSON.parse(row.writes) as OtherWrite[];
    const last = entries.at(-1);
    if (last?.first === row.first) {
      for (const write of writes) last.entry.writes.push(write);
      continue;
    }
    entries.push({
      first: row.first,
      entry: {
        writtenAt: row.written_at.toISOString(),
        databaseRole: row.database_role,
        command: row.command,
        actor: row.actor,
        host: row.host,
        writes,
      },
    });
  }
  return entries;
}

/** One entry of other writes before its rows are read: where it falls, and how large its rows are. */
export interface OtherWritesHead {
  /** The id of its first row, which names the entry. */
  readonly first: string;
  readonly writtenAt: string;
  /** About the bytes of its rows as stored (the server knows it without reading them). */
  readonly bytes: number;
  /** How many rows it wrote. */
  readonly rows: number;
}

/** The entries readOtherWrites would list without `user`, newest first, without their rows. */
export async function readOtherWriteHeads(db: Queryable, query: Pick<HistoryQuery, 'since' | 'limit'> = {}): Promise<OtherWritesHead[]> {
  const rows = await db.query<{ first: string; written_at: Date; bytes: string | null; rows: string }>(
    `SELECT min(id)::text AS first, written_at, sum(coalesce(pg_column_size(before), 0) + coalesce(pg_column_size(after), 0) + 100)::text AS bytes,
            count(*)::text AS rows
       FROM other_writes
      WHERE $1::timestamptz IS NULL OR written_at >= $1::timestamptz
      GROUP BY transaction_id, written_at, database_role, command, actor, host
      ORDER BY min(id) DESC
      LIMIT $2::int`,
    [query.since ? query.since.toISOString() : null, query.limit ?? null],
  );
  return rows.map((row) => ({ first: row.first, writtenAt: row.written_at.toISOString(), bytes: Number(row.bytes ?? 0), rows: Number(row.rows) }));
}
