import type { Queryable } from '../db/database.js';
import { changesByName } from './read-apply-writes.js';
import type { AppliedChange } from './read-history.js';

/**
 * The columns of a user that make or govern its password, as migration 0030
 * records an apply's update changing them (old row against new), in the
 * order history names them. Their values are never recorded, nor shown.
 */
export const CREDENTIAL_COLUMNS = ['password_hash', 'force_change_password', 'password_temporary', 'password_expires_at', 'password_reset_token', 'password_policies'] as const;

/**
 * A user whose credential columns the database recorded an apply's update
 * changing (migration 0030) where none of the apply's recorded changes of
 * the user explains it: a password replaced, its forced change switched off
 * or its expiry moved by hand under an apply's name.
 */
export interface UnexplainedCredentialWrite {
  /** The user's name as the update left it. */
  readonly userPrincipalName: string;
  /** The columns changed that no recorded change explains, in CREDENTIAL_COLUMNS' order. */
  readonly columns: readonly string[];
  /** The kinds of the recorded changes that name the user, in name order; absent when none does. */
  readonly namedBy?: readonly string[];
}

/** The credential columns an apply's updates changed, by user's lower-cased name. */
export type CredentialWrites = ReadonlyMap<string, { readonly userPrincipalName: string; readonly columns: readonly string[] }>;

/** Those of these applies that have any (migration 0030; none before it), by apply id; `names` (lower-cased): those users' alone. */
export async function readCredentialWrites(db: Queryable, applyIds: readonly string[], names: readonly string[] | null = null): Promise<Map<number, Map<string, { userPrincipalName: string; columns: string[] }>>> {
  const found = new Map<number, Map<string, { userPrincipalName: string; columns: string[] }>>();
  if (applyIds.length === 0) return found;
  const rows = await db.query<{ apply_id: string; key: string; name: string; columns: string[] }>(
    `SELECT w.apply_id::text AS apply_id, lower(c.written->>'userPrincipalName') AS key, min(c.written->>'userPrincipalName') AS name,
            array_agg(DISTINCT k.column_name) AS columns
       FROM apply_writes w
            CROSS JOIN LATERAL jsonb_array_elements(w.credential_writes) AS c(written)
            CROSS JOIN LATERAL jsonb_array_elements_text(c.written->'columns') AS k(column_name)
      WHERE w.apply_id = ANY($1::bigint[]) AND w.credential_writes IS NOT NULL
        AND ($2::text[] IS NULL OR lower(c.written->>'userPrincipalName') = ANY($2::text[]))
      GROUP BY w.apply_id, lower(c.written->>'userPrincipalName')`,
    [applyIds, names],
  );
  for (const row of rows) {
    const id = Number(row.apply_id);
    let users = found.get(id);
    if (!users) found.set(id, (users = new Map()));
    users.set(row.key, { userPrincipalName: row.name, columns: row.columns });
  }
  return found;
}

/**
 * The credential columns a recorded change of this kind may change: a
 * creation makes them all, a reset sets every one but the policy
 * (statements.ts, PASSWORD_COLUMNS), and an update only the policy, and only
 * when it lists passwordPolicies among its attributes. The kind is the
 * writer's word: any string, and an unknown one explains nothing.
 */
function columnsExplainedBy(change: AppliedChange): readonly string[] {
  if (change.kind === 'user.create') return CREDENTIAL_COLUMNS;
  if (change.kind === 'user.password-reset') return CREDENTIAL_COLUMNS.filter((column) => column !== 'password_policies');
  if (change.kind === 'user.update') {
    const attributes = (change as { attributes?: unknown }).attributes;
    const setsPolicy = Array.isArray(attributes) && attributes.some((a) => (a as { attribute?: unknown } | null)?.attribute === 'passwordPolicies');
    return setsPolicy ? ['password_policies'] : [];
  }
  return [];
}

/**
 * The users whose credential columns the apply changed beyond what its
 * recorded changes of them explain (columnsExplainedBy), under either name
 * of a rename, in name order; `only` (lower-cased) keeps those names alone.
 * Nothing for an apply with no credential writes recorded (every apply
 * before migration 0030).
 */
export function unexplainedCredentialWrites(written: CredentialWrites | undefined, changes: readonly AppliedChange[], only: ReadonlySet<string> | null): UnexplainedCredentialWrite[] {
  if (!written || written.size === 0) return [];
  const explained = new Map(
    [...changesByName(changes)].map(([key, named]) => [key, { kinds: new Set(named.map((change) => change.kind)), columns: new Set(named.flatMap(columnsExplainedBy)) }]),
  );
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const found: [string, UnexplainedCredentialWrite][] = [];
  for (const [key, write] of written) {
    if (only !== null && !only.has(key)) continue;
    const named = explained.get(key);
    const columns = CREDENTIAL_COLUMNS.filter((column) => write.columns.includes(column) && !named?.columns.has(column));
    if (columns.length === 0) continue;
    found.push([key, { userPrincipalName: write.userPrincipalName, columns, ...(named ? { namedBy: [...named.kinds].sort(byName) } : {}) }]);
  }
  return found.sort(([a], [b]) => byName(a, b)).map(([, write]) => write);
}
