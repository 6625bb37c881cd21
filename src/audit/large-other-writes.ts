import type { Queryable } from '../db/database.js';
import type { OtherWrite, OtherWritesEntry } from './read-other-writes.js';

/**
 * Past these, one transaction's rows are not read as one entry: an owner's
 * `UPDATE users SET department = …` over a tenant of 400,000 users wrote
 * 400,000 rows, which history held at once (3.3 GB) though the server sent
 * them in parts. Such an entry is counted by the server and its rows read a
 * part at a time, each part dropped once written out.
 */
export interface LargeEntryBudget {
  /** More rows than this in one transaction make it large. */
  readonly rows: number;
  /** More bytes of stored rows than this (as the heads estimate them) make it large. */
  readonly bytes: number;
  /** The most rows of one part read from the server. */
  readonly partRows: number;
  /** About the most bytes of rows in one part (one row may pass it). */
  readonly partBytes: number;
  /** How many of its first rows the text lists, of the first part; the rest are counted. */
  readonly listed: number;
}

export const LARGE_ENTRY: LargeEntryBudget = { rows: 10_000, bytes: 16 * 1024 * 1024, partRows: 2000, partBytes: 8_000_000, listed: 1000 };

/** How many rows of one table were written by one operation, and for updates how many changed each column. */
export interface TableCount {
  readonly table: string;
  readonly operation: OtherWrite['operation'];
  readonly rows: number;
  /** Updates only: each column changed, with how many rows changed it, by name. */
  readonly columns: readonly { readonly column: string; readonly rows: number }[];
}

/**
 * One transaction's writes too many to hold: who wrote them (`entry`, whose
 * `writes` is empty), how many of what, and the rows themselves in order,
 * read as they are asked for. The fact and the scale are always known; the
 * rows are there for whoever reads them all (the JSON).
 */
export interface LargeOtherWrites {
  readonly entry: OtherWritesEntry;
  readonly rows: number;
  /** Distinct users whose rows (theirs, their roles, licences, credentials) were written. */
  readonly users: number;
  readonly tables: readonly TableCount[];
  /** How many of its first rows the text lists (LargeEntryBudget). */
  readonly listed: number;
  /** The rows in the order written, a part (LargeEntryBudget) at a time. */
  parts(): AsyncGenerator<readonly OtherWrite[]>;
  /**
   * The rows after the first `skipped` of each kind counted `listed` times or
   * fewer (a table and operation, or an update's column), `listed` of them at
   * most and about a part's bytes: a lone role grant or changed password hash
   * among 200,000 department updates, which the counts name but not whose.
   */
  rare(skipped: number): Promise<{ readonly rows: number; readonly listed: readonly OtherWrite[] }>;
}

/**
 * The rows of the entry whose first row is `$1`: those of its transaction, as
 * readOtherWrites groups them, compared with its first row's values (each a
 * subquery the server runs once).
 */
const SAME = (column: string) => `w.${column} IS NOT DISTINCT FROM (SELECT ${column} FROM other_writes WHERE id = $1::bigint)`;
const SAME_AS_FIRST = ['transaction_id', 'written_at', 'database_role', 'command', 'actor', 'host'].map(SAME).join(' AND ');
const ENTRY_ROWS = `
  e AS (SELECT written_at, database_role, command, actor, host FROM other_writes WHERE id = $1::bigint),
  mine AS (SELECT w.* FROM other_writes w WHERE w.id >= $1::bigint AND ${SAME_AS_FIRST})`;

/** Reads what the server counts of the entry whose first row is `first`; its rows are read later, by `parts`. */
export async function readLargeOtherWrites(db: Queryable, first: string, budget: LargeEntryBudget = LARGE_ENTRY): Promise<LargeOtherWrites> {
  const [head] = await db.query<{ written_at: Date; database_role: string; command: 'init' | null; actor: string | null; host: string | null; rows: string; last: string; users: string }>(
    `WITH ${ENTRY_ROWS}
     SELECT e.written_at, e.database_role, e.command, e.actor, e.host, count(m.id)::text AS rows, coalesce(max(m.id), $1::bigint)::text AS last,
            count(DISTINCT coalesce(m.user_id::text, lower(m.user_principal_name)))::text AS users
       FROM e LEFT JOIN mine m ON true
      GROUP BY e.written_at, e.database_role, e.command, e.actor, e.host`,
    [first],
  );
  if (!head) throw new Error(`other_writes row ${first} not found`);
  const tableRows = await db.query<{ table_name: string; operation: OtherWrite['operation']; rows: string }>(
    `WITH ${ENTRY_ROWS}
     SELECT table_name, operation, count(*)::text AS rows FROM mine GROUP BY table_name, operation ORDER BY min(id)`,
    [first],
  );
  const columnRows = await db.query<{ table_name: string; column_name: string; rows: string }>(
    `WITH ${ENTRY_ROWS}
     SELECT table_name, c.column_name, count(*)::text AS rows
       FROM mine CROSS JOIN LATERAL jsonb_object_keys(coalesce(before, '{}'::jsonb) || coalesce(after, '{}'::jsonb)) AS c(column_name)
      WHERE operation = 'update'
      GROUP BY table_name, c.column_name
      ORDER BY table_name, count(*) DESC, c.column_name`,
    [first],
  );
  const tables = tableRows.map((row) => ({
    table: row.table_name,
    operation: row.operation,
    rows: Number(row.rows),
    columns: row.operation === 'update' ? columnRows.filter((c) => c.table_name === row.table_name).map((c) => ({ column: c.column_name, rows: Number(c.rows) })) : [],
  }));
  return {
    entry: { writtenAt: head.written_at.toISOString(), databaseRole: head.database_role, command: head.command, actor: head.actor, host: head.host, writes: [] },
    rows: Number(head.rows),
    users: Number(head.users),
    tables,
    listed: budget.listed,
    parts: () => readParts(db, first, head.last, budget),
    rare: (skipped) => readRare(db, first, skipped, budget),
  };
}

const CHANGED_COLUMNS = `jsonb_object_keys(coalesce(before, '{}'::jsonb) || coalesce(after, '{}'::jsonb))`;

/** LargeOtherWrites.rare: one query; the rows in the order written. */
async function readRare(db: Queryable, first: string, skipped: number, budget: LargeEntryBudget): Promise<{ rows: number; listed: OtherWrite[] }> {
  const [found] = await db.query<{ rows: string; writes: string | null }>(
    `WITH ${ENTRY_ROWS},
     operations AS (SELECT table_name, operation, count(*) AS n FROM mine GROUP BY table_name, operation),
     -- Materialized: read once per row below, it was aggregated again for each (10,000 rows: minutes).
     columns AS MATERIALIZED (SELECT table_name, c.column_name, count(*) AS n FROM mine CROSS JOIN LATERAL ${CHANGED_COLUMNS} AS c(column_name)
                  WHERE operation = 'update' GROUP BY table_name, c.column_name),
     numbered AS (SELECT m.*, row_number() OVER (ORDER BY m.id) AS n FROM mine m),
     -- Each row's rarest kind: its table and operation, or (an update) the least changed of its columns.
     rare AS (SELECT r.* FROM numbered r JOIN operations o ON o.table_name = r.table_name AND o.operation = r.operation
               WHERE r.n > $3::bigint
                 AND least(o.n, CASE WHEN r.operation = 'update' THEN (
                       SELECT min(c.n) FROM ${CHANGED_COLUMNS.replace(/before|after/g, (c) => `r.${c}`)} AS k(column_name)
                         JOIN columns c ON c.table_name = r.table_name AND c.column_name = k.column_name) END) <= $2::int),
     sized AS (SELECT r.*, sum(octet_length(coalesce(r.before::text, '')) + octet_length(coalesce(r.after::text, '')))
                             OVER (ORDER BY r.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_bytes
                 FROM (SELECT * FROM rare ORDER BY id LIMIT $2::int) r),
     taken AS (SELECT * FROM sized WHERE coalesce(before_bytes, 0) < $4::bigint)
     SELECT (SELECT count(*) FROM rare)::text AS rows,
            (SELECT json_agg(json_build_object('table', table_name, 'operation', operation, 'userId', user_id,
              'userPrincipalName', user_principal_name, 'key', row_key, 'before', before, 'after', after) ORDER BY id) FROM taken)::text AS writes`,
    [first, budget.listed, skipped, budget.partBytes],
  );
  return { rows: Number(found?.rows ?? 0), listed: found?.writes ? (JSON.parse(found.writes) as OtherWrite[]) : [] };
}

/**
 * The entry's rows after the last one read, in the snapshot history reads
 * in: a walk of the primary key from there, `partRows` rows of the table at
 * most (other transactions' rows among them are skipped, and make the part
 * smaller), and about `partBytes` of the entry's: the server never sends more
 * at once, whatever the transaction wrote. The walk is not filtered by the
 * entry's values where it is planned: the server, which cannot know how many
 * rows match them, then read and sorted every row after the part for each one.
 */
async function* readParts(db: Queryable, first: string, last: string, budget: LargeEntryBudget): AsyncGenerator<readonly OtherWrite[]> {
  let after = (BigInt(first) - 1n).toString();
  while (BigInt(after) < BigInt(last)) {
    const [part] = await db.query<{ last: string; writes: string | null }>(
      `WITH walked AS (SELECT * FROM other_writes WHERE id > $2::bigint AND id <= $5::bigint ORDER BY id LIMIT $3::int),
       sized AS (SELECT w.*, sum(octet_length(coalesce(w.before::text, '')) + octet_length(coalesce(w.after::text, '')))
                               OVER (ORDER BY w.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_bytes
                   FROM walked w WHERE ${SAME_AS_FIRST}),
       taken AS (SELECT * FROM sized WHERE coalesce(before_bytes, 0) < $4::bigint)
       SELECT coalesce((SELECT min(id) - 1 FROM sized WHERE before_bytes >= $4::bigint), (SELECT max(id) FROM walked), $5::bigint)::text AS last,
              (SELECT json_agg(json_build_object('table', table_name, 'operation', operation, 'userId', user_id,
                'userPrincipalName', user_principal_name, 'key', row_key, 'before', before, 'after', after) ORDER BY id) FROM taken)::text AS writes`,
      [first, after, budget.partRows, budget.partBytes, last],
    );
    if (!part) return;
    if (part.writes !== null) yield JSON.parse(part.writes) as OtherWrite[];
    after = part.last;
  }
}
