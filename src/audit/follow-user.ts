import { changesList } from './changes-list.js';
import type { Queryable } from '../db/database.js';

/** Before the first apply and after the last: a window open at that end. */
const FIRST = 0;
const LAST = Number.MAX_SAFE_INTEGER;

/**
 * One name of the account, lower-cased, and the applies (by id, inclusive)
 * in which it was that account's: a name renamed away is free for another
 * person afterwards, whose changes are not this account's.
 */
export interface NameWindow {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

/** The account `history --user` follows: its names over time, and its ids. */
export interface FollowedUser {
  /** The name asked for, lower-cased: all its applies, as before names were followed. */
  readonly asked: string;
  readonly windows: readonly NameWindow[];
  /** The account's ids (changes' userId), from the changes made under its names. */
  readonly ids: readonly string[];
  /** Its other names, as first written, in the order they were found. */
  readonly otherNames: readonly string[];
  /** What found the other names: the renames applies recorded, those outside tenantctl the database recorded (other_writes), the account's id in changes. */
  readonly via: readonly FollowedBy[];
}

export type FollowedBy = 'applies' | 'outside' | 'id';

interface Rename {
  /** The apply's id; a rename outside tenantctl is between the applies before and after it (n + 0.5). */
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly outside: boolean;
}

/** Enough rounds of renames and ids for any real account; a hand-written trail could otherwise go on. */
const MAX_ROUNDS = 8;

/**
 * The names an account had, by the renames applies recorded (user.rename
 * changes: from and to), both ways from the name asked for, and by its id:
 * a change to the account under a name no rename recorded (renamed outside
 * tenantctl) carries the same userId. Without this, `--user` by the current
 * name misses the apply that created the user or granted its roles under the
 * former one, which is what an auditor asks ("who gave Lotte her admin role?").
 */
export async function followUser(db: Queryable, user: string): Promise<FollowedUser> {
  const asked = user.toLowerCase();
  const renameRows = await db.query<{ id: string; from: string; to: string }>(
    `SELECT a.id::text AS id, r->>'fromUserPrincipalName' AS "from", r->>'userPrincipalName' AS "to"
       FROM applies a, json_array_elements(${changesList('a.changes')}) r
      WHERE r->>'kind' = 'user.rename' AND json_typeof(r->'fromUserPrincipalName') = 'string' AND json_typeof(r->'userPrincipalName') = 'string'
      ORDER BY a.id`,
  );
  // Few: a rename outside tenantctl is rare, and the index of migration 0018 finds them.
  const outsideRows = await db.query<{ id: string; from: string; to: string }>(
    `SELECT (COALESCE((SELECT max(a.id) FROM applies a WHERE a.applied_at <= w.written_at), 0) + 0.5)::text AS id,
            w.before->>'user_principal_name' AS "from", w.after->>'user_principal_name' AS "to"
       FROM other_writes w
      WHERE w.table_name = 'users' AND w.operation = 'update' AND w.before ? 'user_principal_name'
        AND jsonb_typeof(w.before->'user_principal_name') = 'string' AND jsonb_typeof(w.after->'user_principal_name') = 'string'`,
  );
  const spelling = new Map<string, string>();
  const renames: Rename[] = [...renameRows.map((row) => ({ ...row, outside: false })), ...outsideRows.map((row) => ({ ...row, outside: true }))]
    .map((row) => {
      for (const spelt of [row.from, row.to]) if (!spelling.has(spelt.toLowerCase())) spelling.set(spelt.toLowerCase(), spelt);
      return { id: Number(row.id), from: row.from.toLowerCase(), to: row.to.toLowerCase(), outside: row.outside };
    })
    .sort((a, b) => a.id - b.id);
  const via = new Set<FollowedBy>();
  const windows = new Map<string, NameWindow>();
  const add = (window: NameWindow): boolean => {
    const key = `${window.name}\u0000${window.from}\u0000${window.to}`;
    if (windows.has(key)) return false;
    windows.set(key, window);
    return true;
  };
  add({ name: asked, from: FIRST, to: LAST });
  const ids = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    followRenames(renames, windows, add, via);
    const list = [...windows.values()];
    const found = await db.query<{ user_id: string }>(
      `SELECT DISTINCT c->>'userId' AS user_id
         FROM applies a, json_array_elements(${changesList('a.changes')}) c,
              unnest($1::text[], $2::numeric[], $3::numeric[]) AS w(name, first_id, last_id)
        WHERE json_typeof(c->'userId') = 'string' AND lower(c->>'userPrincipalName') = w.name AND a.id BETWEEN w.first_id AND w.last_id`,
      [list.map((w) => w.name), list.map((w) => String(w.from)), list.map((w) => String(w.to))],
    );
    const newIds = found.map((row) => row.user_id).filter((id) => !ids.has(id));
    if (newIds.length === 0) break;
    for (const id of newIds) ids.add(id);
    // Under a name no rename recorded, the account is known only where its id was: from its first such change to its last.
    const named = await db.query<{ name: string; spelt: string; first_id: string; last_id: string }>(
      `SELECT lower(c->>'userPrincipalName') AS name, min(c->>'userPrincipalName') AS spelt, min(a.id)::text AS first_id, max(a.id)::text AS last_id
         FROM applies a, json_array_elements(${changesList('a.changes')}) c
        WHERE json_typeof(c->'userPrincipalName') = 'string' AND c->>'userId' = ANY($1::text[])
        GROUP BY 1`,
      [newIds],
    );
    let grew = false;
    for (const row of named) {
      spelling.set(row.name, spelling.get(row.name) ?? row.spelt);
      const known = [...windows.values()].some((w) => w.name === row.name);
      if (!known) via.add('id');
      if (!known && add({ name: row.name, from: Number(row.first_id), to: Number(row.last_id) })) grew = true;
    }
    if (!grew) break;
  }
  const otherNames = [...new Set([...windows.values()].map((w) => w.name))].filter((name) => name !== asked).map((name) => spelling.get(name) ?? name);
  return { asked, windows: [...windows.values()], ids: [...ids], otherNames, via: (['applies', 'outside', 'id'] as const).filter((source) => via.has(source)) };
}

/**
 * Adds the windows of the names each window's name was renamed to (from
 * that apply until the name was renamed away again) and from (since it was
 * renamed to, until that apply), until no rename adds one.
 */
function followRenames(renames: readonly Rename[], windows: Map<string, NameWindow>, add: (window: NameWindow) => boolean, via: Set<FollowedBy>): void {
  const found = (rename: Rename, window: NameWindow): boolean => {
    const isNew = ![...windows.values()].some((known) => known.name === window.name);
    if (!add(window)) return false;
    if (isNew) via.add(rename.outside ? 'outside' : 'applies');
    return true;
  };
  const pending = [...windows.values()];
  for (let window = pending.pop(); window !== undefined; window = pending.pop()) {
    const { name, from, to } = window;
    for (const rename of renames) {
      if (rename.id < from || rename.id > to) continue;
      if (rename.from === name && rename.to !== name) {
        const away = renames.find((later) => later.from === rename.to && later.id > rename.id);
        const next = { name: rename.to, from: rename.id, to: away?.id ?? LAST };
        if (found(rename, next)) pending.push(next);
      }
      if (rename.to === name && rename.from !== name) {
        const into = renames.findLast((earlier) => earlier.to === rename.from && earlier.id < rename.id);
        const previous = { name: rename.from, from: into?.id ?? FIRST, to: rename.id };
        if (found(rename, previous)) pending.push(previous);
      }
    }
  }
}
