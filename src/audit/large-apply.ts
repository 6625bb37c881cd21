import { isAppliedChange } from './applied-shapes.js';
import { changesList } from './changes-list.js';
import { APPLY_HEAD_COLUMNS, entryFrom, namedChanges, withRecordedWrites, type AppliedChange, type ApplyRowHead, type HistoryEntry } from './read-history.js';
import type { Queryable } from '../db/database.js';

/**
 * Past `bytes` of changes as text, or `storedBytes` as stored (compressed,
 * read-history.ts's readApplyHeads), an apply is not read as one entry: an
 * adoption of 100,000 users stores 123 million characters of changes, which
 * history read, parsed (about 450 MB) and rendered whole. Such an apply's
 * changes are fetched `fetchRows` at a time through a cursor, twice: once
 * for what is said above them (counts, checks against the recorded writes),
 * once as they are written out.
 */
export interface LargeApplyBudget {
  readonly bytes: number;
  readonly storedBytes: number;
  readonly fetchRows: number;
}

/** An adoption's changes compress about 13 times: a megabyte stored is about the 16 MB of text. */
export const LARGE_APPLY: LargeApplyBudget = { bytes: 16 * 1024 * 1024, storedBytes: 1024 * 1024, fetchRows: 2000 };

/** Changes fetched together, those of them not in a change's shape marked (applied-shapes.ts). */
export interface ChangeSlice {
  readonly changes: readonly AppliedChange[];
  readonly malformed: ReadonlySet<AppliedChange>;
}

/**
 * An apply too large to hold: its entry, whose `changes` is empty (the
 * checks and counts of its entry are those of all its changes), the kind
 * and user of each change (`named`, what the text's counts read), and its
 * changes in order, read again as they are asked for.
 */
export interface LargeApply {
  readonly entry: HistoryEntry;
  readonly named: readonly AppliedChange[];
  slices(): AsyncGenerator<ChangeSlice>;
}

let cursors = 0;

/**
 * The apply's recorded items, `rows` at a time, in the order recorded. A
 * cursor WITH HOLD works in a transaction (history's snapshot) and outside
 * one; json_array_elements parses the stored text once per cursor, on the
 * server, which keeps the rows in its own temporary files past work_mem.
 */
async function* recordedItems(db: Queryable, id: number, rows: number): AsyncGenerator<unknown[]> {
  if (!Number.isSafeInteger(id) || !Number.isSafeInteger(rows) || rows < 1) throw new Error('history: a large apply is read by its id, some rows at a time');
  const cursor = `tenantctl_apply_changes_${++cursors}`;
  await db.query(
    `DECLARE ${cursor} NO SCROLL CURSOR WITH HOLD FOR
       SELECT c.change FROM json_array_elements((SELECT ${changesList('a.changes')} FROM applies a WHERE a.id = ${id})) AS c(change)`,
  );
  try {
    for (;;) {
      const fetched = await db.query<{ change: unknown }>(`FETCH FORWARD ${rows} FROM ${cursor}`);
      if (fetched.length > 0) yield fetched.map((row) => row.change);
      if (fetched.length < rows) return;
    }
  } finally {
    // After a failed fetch the transaction's own failure is what to report, not that the cursor could not be closed.
    await db.query(`CLOSE ${cursor}`).catch(() => undefined);
  }
}

/** What the counts and checks of an entry read of a change (read-history.ts, read-apply-writes.ts, credential-writes.ts): not its values. */
function kindAndUser(change: AppliedChange): AppliedChange {
  const from = (change as { fromUserPrincipalName?: unknown }).fromUserPrincipalName;
  const attributes = (change as { attributes?: unknown }).attributes;
  const policy = { attribute: 'passwordPolicies' };
  return {
    kind: change.kind,
    userPrincipalName: change.userPrincipalName,
    ...(typeof from === 'string' ? { fromUserPrincipalName: from } : {}),
    ...(Array.isArray(attributes) ? { attributes: attributes.some((a) => (a as { attribute?: unknown } | null)?.attribute === policy.attribute) ? [policy] : [] } : {}),
  } as unknown as AppliedChange;
}

/**
 * The apply `id` as readHistory reads it without `user`, its changes held
 * as kind and user alone and read again by `slices`.
 */
export async function readLargeApply(db: Queryable, id: number, budget: LargeApplyBudget = LARGE_APPLY): Promise<LargeApply | null> {
  const [row] = await db.query<ApplyRowHead & { is_list: boolean }>(
    `SELECT ${APPLY_HEAD_COLUMNS}, json_typeof(changes) = 'array' AS is_list FROM applies WHERE id = $1::bigint`,
    [String(id)],
  );
  if (!row) return null;
  const named: AppliedChange[] = [];
  const bad = new Set<AppliedChange>();
  let notChanges = row.is_list ? 0 : 1;
  if (row.is_list) {
    for await (const items of recordedItems(db, id, budget.fetchRows)) {
      const changes = namedChanges(items);
      notChanges += items.length - changes.length;
      for (const change of changes) {
        const held = kindAndUser(change);
        named.push(held);
        if (!isAppliedChange(change)) bad.add(held);
      }
    }
  }
  const [entry] = await withRecordedWrites(db, [entryFrom(row, named, bad, notChanges)], null, []);
  return {
    entry: { ...entry!, changes: [] },
    named,
    async *slices() {
      if (!row.is_list) return;
      for await (const items of recordedItems(db, id, budget.fetchRows)) {
        const changes = namedChanges(items);
        yield { changes, malformed: new Set(changes.filter((change) => !isAppliedChange(change))) };
      }
    },
  };
}
