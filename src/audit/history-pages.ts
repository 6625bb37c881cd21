import type { Queryable } from '../db/database.js';
import { followUser } from './follow-user.js';
import { readApplyHeads, readHistory, type HistoryEntry, type HistoryQuery } from './read-history.js';
import { LARGE_APPLY, readLargeApply, type LargeApply, type LargeApplyBudget } from './large-apply.js';
import { LARGE_ENTRY, readLargeOtherWrites, type LargeEntryBudget, type LargeOtherWrites } from './large-other-writes.js';
import { readOtherWriteHeads, readOtherWrites, readOtherWritesByFirst, type OtherWritesEntry } from './read-other-writes.js';

/**
 * About how many bytes of stored changes and rows are read at once. An
 * adoption of 100,000 users stores 120 MB of changes, which take about
 * 450 MB once parsed: a trail of a dozen such applies read whole passed the
 * heap's 4 GB. Read a page at a time (one apply at least), history holds the
 * largest apply and not the whole trail.
 */
export const PAGE_BYTES = 16 * 1024 * 1024;

/**
 * What else one transaction wrote: its writes whole, or, past LARGE_ENTRY,
 * counted and read a part at a time (`large`; `other.writes` is then empty).
 */
export interface OtherWritesItem {
  readonly other: OtherWritesEntry;
  readonly large?: LargeOtherWrites;
}

/**
 * An apply: its entry whole, or, past LARGE_APPLY, its changes read as they
 * are written out (`large`; `apply.changes` is then empty).
 */
export interface ApplyItem {
  readonly apply: HistoryEntry;
  readonly large?: LargeApply;
}

/** One entry of the trail as the text shows it: an apply, or what else one transaction wrote. */
export type HistoryItem = ApplyItem | OtherWritesItem;

/** An entry before it is read: its kind, the key its page is read by, where it falls and its stored size. */
interface Head {
  readonly kind: 'apply' | 'other';
  readonly key: string;
  readonly at: string;
  readonly bytes: number;
}

/**
 * The trail `history` shows, listed first without the changes and read a
 * page at a time as it is written out: the applies (the JSON's `applies`),
 * the other writes (`otherWrites`), and both in one list, newest first, cut
 * at `limit` (the text). With `user`, what is read is one user's changes,
 * which are few: read at once.
 */
export interface HistoryPages {
  readonly applyCount: number;
  readonly otherWriteCount: number;
  /** How many entries `timeline` yields. */
  readonly timelineCount: number;
  applies(): AsyncGenerator<ApplyItem>;
  otherWrites(): AsyncGenerator<OtherWritesItem>;
  timeline(): AsyncGenerator<HistoryItem>;
}

/**
 * The order of history's text: newest first; at the same millisecond the
 * order given (sorted stably: applies, listed before other writes, stay
 * before them). renderHistoryText sorts by it too, so that both read alike.
 */
export const newestFirst = (a: { readonly at: string }, b: { readonly at: string }): number => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0);

/**
 * The items of `heads`, in their order, read by `read` a page of the same
 * kind at a time: from the first head not yet asked for, the next heads of
 * its kind up to `pageBytes` (one at least). The next page is asked for as
 * soon as one has arrived, so that the server reads and sends it while this
 * one is written out; so at most two pages are held. Each item is dropped
 * once yielded.
 */
async function* paged(
  heads: readonly Head[],
  pageBytes: number,
  read: (kind: Head['kind'], keys: readonly string[]) => Promise<Map<string, HistoryItem>>,
): AsyncGenerator<HistoryItem> {
  const asked = new Set<Head>();
  const pages: { readonly heads: readonly Head[]; readonly items: Promise<Map<string, HistoryItem>> }[] = [];
  let from = 0;
  const askNext = () => {
    while (from < heads.length && asked.has(heads[from]!)) from++;
    const first = heads[from];
    if (!first) return;
    const page: Head[] = [];
    let bytes = 0;
    for (let next = from; next < heads.length; next++) {
      const candidate = heads[next]!;
      if (candidate.kind !== first.kind || asked.has(candidate)) continue;
      if (page.length > 0 && bytes + candidate.bytes > pageBytes) break;
      page.push(candidate);
      bytes += candidate.bytes;
    }
    for (const head of page) asked.add(head);
    const items = read(first.kind, page.map((head) => head.key));
    // Awaited below unless the reader stops first: not an unhandled rejection then.
    items.catch(() => undefined);
    pages.push({ heads: page, items });
  };
  const ready = new Map<Head, HistoryItem>();
  const arrived = new Set<Head>();
  for (const head of heads) {
    while (!arrived.has(head)) {
      if (pages.length === 0) askNext();
      const page = pages.shift();
      if (!page) break;
      const items = await page.items;
      // Asked for once this page is whole: its reads (the changes, then the recorded writes) share one connection.
      askNext();
      for (const h of page.heads) {
        arrived.add(h);
        const item = items.get(h.key);
        if (item) ready.set(h, item);
      }
    }
    const item = ready.get(head);
    ready.delete(head);
    // Applies and other writes are never removed (migrations 0012, 0016): a head without its entry cannot happen.
    if (item) yield item;
  }
}

/**
 * Reads the heads of the trail (`query` as readHistory takes it); the entries are read as the pages are walked.
 * `large`: when one transaction's writes are too many to hold; `largeApply`: one apply's changes (tests make them small).
 */
export async function openHistoryPages(
  db: Queryable,
  query: HistoryQuery,
  pageBytes = PAGE_BYTES,
  large: LargeEntryBudget = LARGE_ENTRY,
  largeApply: LargeApplyBudget = LARGE_APPLY,
): Promise<HistoryPages> {
  let applyHeads: Head[];
  let otherHeads: Head[];
  let read: (kind: Head['kind'], keys: readonly string[]) => Promise<Map<string, HistoryItem>>;
  if (query.user) {
    const followed = query.followed ?? (await followUser(db, query.user));
    const entries = await readHistory(db, { ...query, followed });
    const others = await readOtherWrites(db, query);
    applyHeads = entries.map((entry) => ({ kind: 'apply', key: String(entry.id), at: entry.appliedAt, bytes: 0 }));
    otherHeads = others.map((entry, index) => ({ kind: 'other', key: String(index), at: entry.writtenAt, bytes: 0 }));
    const held = new Map<string, HistoryItem>([
      ...entries.map((apply) => [`apply ${apply.id}`, { apply }] as const),
      ...others.map((other, index) => [`other ${index}`, { other }] as const),
    ]);
    read = async (kind, keys) => new Map(keys.map((key) => [key, held.get(`${kind} ${key}`)!]));
  } else {
    const heads = await readApplyHeads(db, query, largeApply);
    const isLargeApply = new Set(heads.filter((h) => h.large).map((h) => String(h.id)));
    applyHeads = heads.map((h) => ({ kind: 'apply', key: String(h.id), at: h.appliedAt, bytes: h.bytes }));
    const otherWriteHeads = await readOtherWriteHeads(db, query);
    const isLarge = new Set(otherWriteHeads.filter((h) => h.rows > large.rows || h.bytes > large.bytes).map((h) => h.first));
    otherHeads = otherWriteHeads.map((h) => ({ kind: 'other', key: h.first, at: h.writtenAt, bytes: h.bytes }));
    read = async (kind, keys) => {
      if (kind === 'apply') {
        const items = new Map<string, HistoryItem>();
        // Its counts and checks now: its changes are read as they are written out (large-apply.ts).
        for (const key of keys.filter((k) => isLargeApply.has(k))) {
          const counted = await readLargeApply(db, Number(key), largeApply);
          if (counted) items.set(key, { apply: counted.entry, large: counted });
        }
        const whole = keys.filter((key) => !isLargeApply.has(key));
        if (whole.length > 0) for (const apply of await readHistory(db, { ids: whole.map(Number) })) items.set(String(apply.id), { apply });
        return items;
      }
      const items = new Map<string, HistoryItem>();
      // Only its counts now: its rows are read as they are written out (large-other-writes.ts).
      for (const first of keys.filter((key) => isLarge.has(key))) {
        const counted = await readLargeOtherWrites(db, first, large);
        items.set(first, { other: counted.entry, large: counted });
      }
      const whole = keys.filter((key) => !isLarge.has(key));
      if (whole.length > 0) for (const { first, entry } of await readOtherWritesByFirst(db, { firsts: whole })) items.set(first, { other: entry });
      return items;
    };
  }
  const timeline = [...applyHeads, ...otherHeads].sort(newestFirst).slice(0, query.limit ?? undefined);
  return {
    applyCount: applyHeads.length,
    otherWriteCount: otherHeads.length,
    timelineCount: timeline.length,
    async *applies() {
      for await (const item of paged(applyHeads, pageBytes, read)) if ('apply' in item) yield item;
    },
    async *otherWrites() {
      for await (const item of paged(otherHeads, pageBytes, read)) if ('other' in item) yield item;
    },
    timeline: () => paged(timeline, pageBytes, read),
  };
}
