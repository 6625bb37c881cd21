import type { AppliedChange, HistoryEntry, Malformed } from '../audit/read-history.js';
import type { FollowedBy, FollowedUser } from '../audit/follow-user.js';
import { newestFirst, type HistoryPages } from '../audit/history-pages.js';
import type { LargeApply } from '../audit/large-apply.js';
import type { OtherWritesEntry } from '../audit/read-other-writes.js';
import type { ChangeKind } from '../plan/change.js';
import type { SettingToRecord } from '../plan/settings-to-record.js';
import { restorableUntil } from '../plan/recycle-bin.js';
import { changeLines, passwordRecipients, visible, withheldText, type ChangeLine, type LineContext } from './change-lines.js';
import { unlistedLines } from './history-unlisted-text.js';
import { formatMoney } from './money.js';
import { settingCount, settingLines } from './setting-lines.js';
import { largeOtherWritesBlock } from './large-other-writes-text.js';
import { otherWritesBlock } from './other-writes-text.js';
import { passesForAscii } from './passes-for-ascii.js';
import { utcMinute } from './utc-minute.js';

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** `abc1234`, `abc1234+dirty`; the full commit is in the JSON. */
function shortCommit(commit: string | null): string {
  if (commit === null) return 'no git commit';
  const [hash = '', ...rest] = commit.split('+');
  return `commit ${visible([hash.slice(0, 7), ...rest].join('+'))}`;
}

/** The user as a whole, for the user's line. */
const USER_NOTES: Partial<Record<ChangeKind, { sign: '+' | '-' | '~'; note: string }>> = {
  'user.create': { sign: '+', note: 'created' },
  'user.restore': { sign: '+', note: 'restored' },
  // The same account under a new UPN, as the plan counted it ("1 to rename").
  'user.rename': { sign: '~', note: 'renamed' },
  'user.adopt': { sign: '~', note: 'adopted' },
  'user.delete': { sign: '-', note: 'deleted' },
};

const OUTCOMES = ['created', 'restored', 'renamed', 'updated', 'deleted'] as const;

/** Users per outcome, counted from the changes themselves: a restore is not a creation. */
function usersText(changes: readonly AppliedChange[]): string {
  const outcome = new Map<string, string>();
  for (const change of changes) {
    const key = change.userPrincipalName.toLowerCase();
    const note = USER_NOTES[change.kind]?.note;
    if (note && note !== 'adopted') outcome.set(key, note);
    else if (!outcome.has(key)) outcome.set(key, 'updated');
  }
  const outcomes = [...outcome.values()];
  return outcomesText(OUTCOMES.map((note) => [note, outcomes.filter((o) => o === note).length]));
}

/** `1 restored, 5 updated`: the outcomes that happened, in OUTCOMES' order. */
function outcomesText(counts: readonly (readonly [string, unknown])[]): string {
  const parts = counts.filter(([, n]) => typeof n === 'number' && n > 0).map(([note, n]) => `${n} ${note}`);
  return parts.length > 0 ? parts.join(', ') : 'no changes';
}

/** The whole apply's users per outcome, from its summary, when only one user's changes are listed. */
function summaryUsersText(summary: HistoryEntry['summary']): string {
  const { create, restore, rename, update, delete: deleted } = summary;
  return `the whole apply: ${outcomesText([['created', create], ['restored', restore], ['renamed', rename], ['updated', update], ['deleted', deleted]])}`;
}

/** `changes`: all the apply's, or those listed (with --user, the user's); of each, its kind and user are read. */
function summaryText(entry: HistoryEntry, oneUser: boolean, changes: readonly AppliedChange[]): string {
  // Counted from the changes listed, which are only the user's with --user: the whole apply's counts are not known.
  if (oneUser && entry.malformed?.summary) return 'the whole apply: not known (its summary is not in the shape apply writes)';
  const recorded = recordedSettings(entry).length;
  const users = `${oneUser ? summaryUsersText(entry.summary) : usersText(changes)}${recorded > 0 ? `; recorded ${settingCount(recorded)}` : ''}`;
  const purchases = entry.summary.purchases ?? [];
  if (purchases.length === 0) return users;
  const seats = purchases.reduce((sum, p) => sum + p.quantity, 0);
  const cost = entry.summary.cost ? ` (+${formatMoney(entry.summary.cost.monthlyIncrease, entry.summary.cost.currency)}/month)` : '';
  return `${users}; bought ${count(seats, 'seat', 'seats')}${cost}`;
}

/**
 * What a deletion took away, by name, from the user's state before it (the
 * plan's `before`): a leaver's admin roles and licences are released with it,
 * and an auditor asks which and when. Entries from before format 2.0 of the
 * plan have no `before`, and so no such lines.
 */
function releasedLines(change: AppliedChange): ChangeLine[] {
  const before = change.before;
  if (!before || typeof before !== 'object') return [];
  const roles = Array.isArray(before.roles) ? before.roles : [];
  const licenses = Array.isArray(before.licenses) ? before.licenses : [];
  return [
    ...roles.map((role): ChangeLine => ({ sign: '-', text: `role: ${visible(String(role))} (released)`, depth: 0 })),
    ...licenses.map((license): ChangeLine => ({ sign: '-', text: `license: ${visible(String(license?.sku))} (released)`, depth: 0 })),
  ];
}

/**
 * Where a temporary password went: the change's notify and the adminEmail the
 * apply recorded. An entry from before either was recorded says nothing
 * rather than guess (context null).
 */
function recipientLine(change: AppliedChange, context: LineContext | null, sign: '+' | '~'): ChangeLine[] {
  const notify = (change as { notify?: unknown }).notify;
  if (context === null || !Array.isArray(notify)) return [];
  const withheld = (change as { adminCopyWithheld?: unknown }).adminCopyWithheld === true;
  const recipients = passwordRecipients(notify.map(String), context, withheld);
  return recipients.length > 0 ? [{ sign, text: `temporary password sent to: ${recipients.map(visible).join(', ')}${withheldText(context, withheld)}`, depth: 0 }] : [];
}

/**
 * `recipients`: null where the apply recorded no settings, so nobody is named as a password's recipient.
 * A deletion is restorable for 30 days from when it was applied, which the database recorded; the plan's
 * date is when it was planned, and a saved plan's date is only what its file says.
 */
function linesOf(change: AppliedChange, recipients: LineContext | null, appliedAt: string, malformed: Malformed | undefined): ChangeLine[] {
  // Its kind and user are all that can be trusted of it; the whole of it is in the JSON.
  if (malformed?.changes.has(change)) return [{ sign: '~', text: `${visible(change.kind)}: not in the shape apply writes (see --format json)`, depth: 0 }];
  const context = recipients ?? { adminEmail: null };
  // A creation's attributes are in the JSON; its blocked sign-in is worth a line.
  if (change.kind === 'user.create') return [...(change.accountEnabled ? [] : [{ sign: '+', text: 'sign-in: blocked', depth: 0 } as const]), ...recipientLine(change, recipients, '+')];
  if (change.kind === 'user.password-reset') return [{ sign: '~', text: 'password: reset', depth: 0 }, ...recipientLine(change, recipients, '~')];
  // An apply before the recycle bin's dates were recorded (plan format 1.0) has none to show.
  if (change.kind === 'user.restore' && change.deletedAt === undefined) return [{ sign: '+', text: 'user: restored from deleted users', depth: 0 }];
  if (change.kind === 'user.delete') return [...changeLines({ ...change, restorableUntil: restorableUntil(appliedAt) }, context), ...releasedLines(change)];
  return changeLines(change, context);
}

function userBlock(changes: readonly AppliedChange[], context: LineContext | null, appliedAt: string, malformed: Malformed | undefined): string[] {
  // A malformed change's kind may be anything, "constructor" too: only a known kind says what happened to the user.
  const notes = changes.flatMap((change) => (malformed?.changes.has(change) ? [] : USER_NOTES[change.kind] ?? []));
  const sign = notes[0]?.sign ?? '~';
  const note = notes.length > 0 ? notes.map((n) => n.note).join(', ') : 'updated';
  const header = `  ${sign} ${visible(changes[0]?.userPrincipalName ?? '')} (${note})`;
  return [header, ...changes.flatMap((change) => linesOf(change, context, appliedAt, malformed)).map((line) => `${' '.repeat(6 + 2 * line.depth)}${line.sign} ${line.text}`.trimEnd())];
}

/** The changes of one apply grouped per user (they are stored in plan order, by user). */
function groups(changes: readonly AppliedChange[]): AppliedChange[][] {
  const result: AppliedChange[][] = [];
  for (const change of changes) {
    const last = result.at(-1);
    if (last && last[0]?.userPrincipalName.toLowerCase() === change.userPrincipalName.toLowerCase()) last.push(change);
    else result.push([change]);
  }
  return result;
}

/** What each approval is called, its flag and the word typed for it at a terminal. */
const APPROVALS = [
  ['confirmation', 'confirmed', '--auto-approve', 'yes'],
  ['purchase', 'purchase approved', '--approve-purchases', 'purchase'],
  ['deletions', 'deletions approved', '--approve-deletions', 'deletions'],
  ['privileged', 'privileged changes approved', '--approve-privileged', 'privileged'],
] as const;

/** `confirmed by --auto-approve; privileged changes approved by typing "privileged" at a terminal`. */
function approvalsText(approvals: HistoryEntry['approvals'], malformed: boolean): string {
  if (malformed) return 'approvals: not in the shape apply writes';
  if (approvals === null || typeof approvals !== 'object') return 'approvals: not recorded (applied before tenantctl recorded them)';
  const parts: string[] = [];
  for (const [key, done, flag, word] of APPROVALS) {
    const source: unknown = approvals[key];
    if (source === undefined) continue;
    const how = source === 'flag' ? flag : source === 'prompt' ? `typing "${word}" at a terminal` : visible(JSON.stringify(source));
    parts.push(`${done} by ${how}`);
  }
  return parts.join('; ');
}

/** Each subscription an apply bought seats of, as apply itself said it: what an auditor of spending asks first. */
/** The settings an apply recorded that differ from the record before it (apply-plan.ts keeps them in the summary). */
const recordedSettings = (entry: HistoryEntry): readonly SettingToRecord[] => (entry.summary as { settingsRecorded?: readonly SettingToRecord[] }).settingsRecorded ?? [];

function purchaseLines(entry: HistoryEntry): string[] {
  return (entry.summary.purchases ?? []).map(
    (p) => `  bought ${p.quantity} × ${visible(p.sku)} (${visible(p.productName)}) at ${formatMoney(p.unitPrice, p.currency)}: +${formatMoney(p.monthlyCost, p.currency)}/month`,
  );
}

/**
 * What of a row the writer appended by hand (sql/roles.sql) is not as apply
 * writes it: said once under its header, so that what is shown of it is not
 * taken for what apply did.
 */
function malformedLines(entry: HistoryEntry): string[] {
  const malformed = entry.malformed;
  if (!malformed) return [];
  const parts = [
    ...(malformed.summary ? ['summary'] : []),
    ...(malformed.notChanges > 0 || malformed.changes.size > 0 ? ['changes'] : []),
    ...(malformed.approvals ? ['approvals'] : []),
  ];
  const left = malformed.notChanges > 0 ? `; ${count(malformed.notChanges, 'recorded item that is not a change is', 'recorded items that are not changes are')} left out` : '';
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  const one = parts.length === 1 && parts[0] === 'summary';
  return [`  ! entry #${entry.id}: its recorded ${list} ${one ? 'is' : 'are'} not in the shape apply writes; shown as far as ${one ? 'it' : 'they'} can be${left}`];
}

/** The lines above an apply's users: who, when, what it bought and what its record leaves out. `changes` as summaryText takes them. */
function entryHead(entry: HistoryEntry, oneUser: boolean, changes: readonly AppliedChange[]): string[] {
  const header =
    `#${entry.id} ${utcMinute(entry.appliedAt)} by ${visible(entry.actor)}${passesForAscii(entry.actor)} on ${visible(entry.host)}${passesForAscii(entry.host)} ` +
    `(${shortCommit(entry.gitCommit)}) — ${summaryText(entry, oneUser, changes)}`;
  // The plan's hash as the pull request's comment shows it in its footer, to match the two.
  const plan = `plan ${visible(entry.planHash.slice(0, 'sha256:'.length + 12))}`;
  // The actor is the applier's own word; the database role is the database's.
  const role = entry.databaseRole === null ? 'database role not recorded' : `database role ${visible(entry.databaseRole)}`;
  return [
    header,
    `  ${plan}; ${role}; ${approvalsText(entry.approvals, entry.malformed?.approvals ?? false)}`,
    ...malformedLines(entry),
    ...unlistedLines(entry),
    ...purchaseLines(entry),
    ...settingLines(recordedSettings(entry)).map((line) => `  ${line.sign} ${line.text}`),
  ];
}

/** Where the apply's temporary passwords went, as recipientLine reads it; null before settings were recorded. */
const contextOf = (entry: HistoryEntry): LineContext | null => (entry.adminEmail === undefined ? null : { adminEmail: entry.adminEmail });

function entryBlock(entry: HistoryEntry, oneUser: boolean): string {
  const context = contextOf(entry);
  return [
    ...entryHead(entry, oneUser, entry.changes),
    ...groups(entry.changes).flatMap((changes) => userBlock(changes, context, entry.appliedAt, entry.malformed)),
  ].join('\n');
}

/**
 * entryBlock's text of an apply whose changes are read a slice at a time
 * (large-apply.ts) with its last line break, in pieces of whole lines: a
 * user's changes are grouped across slices as groups() groups them.
 */
async function* largeApplyBlock(large: LargeApply): AsyncGenerator<string> {
  const { entry } = large;
  const context = contextOf(entry);
  yield `${entryHead(entry, false, large.named).join('\n')}\n`;
  const malformed = (bad: ReadonlySet<AppliedChange>): Malformed => ({ summary: false, approvals: false, notChanges: 0, ...entry.malformed, changes: bad });
  let user: AppliedChange[] = [];
  let bad = new Set<AppliedChange>();
  for await (const slice of large.slices()) {
    const lines: string[] = [];
    for (const change of slice.changes) {
      if (user.length > 0 && user[0]!.userPrincipalName.toLowerCase() !== change.userPrincipalName.toLowerCase()) {
        lines.push(...userBlock(user, context, entry.appliedAt, malformed(bad)));
        user = [];
        bad = new Set();
      }
      user.push(change);
      if (slice.malformed.has(change)) bad.add(change);
    }
    if (lines.length > 0) yield `${lines.join('\n')}\n`;
  }
  if (user.length > 0) yield `${userBlock(user, context, entry.appliedAt, malformed(bad)).join('\n')}\n`;
}

/** What found a user's other names, for the header of `--user`. */
const FOLLOWED_BY: Record<FollowedBy, string> = {
  applies: 'the renames applies recorded',
  outside: 'the renames outside tenantctl the database recorded',
  id: "the account's id in the changes",
};

/** Applies and other writes in one list, newest first, at most `limit` of them. */
function timeline(entries: readonly HistoryEntry[], otherWrites: readonly OtherWritesEntry[], limit: number | null, oneUser: boolean): string[] {
  const all = [
    ...entries.map((entry) => ({ at: entry.appliedAt, block: () => entryBlock(entry, oneUser) })),
    ...otherWrites.map((entry) => ({ at: entry.writtenAt, block: () => otherWritesBlock(entry) })),
  ].sort(newestFirst);
  return all.slice(0, limit ?? all.length).map((item) => item.block());
}

/**
 * What comes before the entries: the whole text when there are none, the
 * heading of `--user` (which names the names followed, so that an auditor
 * knows the list is the account's, not the name's alone), or nothing.
 */
function frame(
  count: number,
  otherWriteCount: number,
  user: string | null,
  since: Date | null,
  followed: Pick<FollowedUser, 'otherNames' | 'via'> | null,
): { readonly whole: string } | { readonly heading: string | null } {
  if (user !== null) {
    if (count === 0) return { whole: `No apply recorded changed ${visible(user)}, and nothing else wrote it${since ? ` since ${since.toISOString()}` : ''}.\n` };
    const names = followed?.otherNames ?? [];
    const how = (followed?.via ?? []).map((source) => FOLLOWED_BY[source]);
    const by = how.length <= 1 ? how.join('') : `${how.slice(0, -1).join(', ')} and ${how.at(-1) ?? ''}`;
    const also = names.length === 0 ? '' : `, also under its other ${names.length === 1 ? 'name' : 'names'} ${names.map(visible).join(', ')} (followed by ${by})`;
    const heading = otherWriteCount === 0
      ? `Applies that changed ${visible(user)} (or renamed it from that name)${also}, newest first; each lists only its changes to that user.`
      : `Applies and other writes that changed ${visible(user)} (or renamed it from that name)${also}, newest first; each lists only its changes to that user.`;
    return { heading };
  }
  if (count === 0) return { whole: since ? `No applies or other writes recorded since ${since.toISOString()}.\n` : 'No applies recorded.\n' };
  return { heading: null };
}

/**
 * The audit trail for a terminal, newest first: one header line per apply
 * (id, time, actor, host, commit, counts); a line with its plan's hash, the
 * database role that wrote it, how it was confirmed and its approvals given;
 * then each user it touched, with its changes in the plan's own wording.
 * Between the applies, what init or anything outside tenantctl wrote
 * (other-writes-text.ts). `limit` cuts the merged list. No password is ever
 * stored, so none can be shown.
 */
export function renderHistoryText(
  entries: readonly HistoryEntry[],
  user: string | null = null,
  otherWrites: readonly OtherWritesEntry[] = [],
  limit: number | null = null,
  since: Date | null = null,
  followed: Pick<FollowedUser, 'otherNames' | 'via'> | null = null,
): string {
  const blocks = timeline(entries, otherWrites, limit, user !== null);
  const framed = frame(blocks.length, otherWrites.length, user, since, followed);
  if ('whole' in framed) return framed.whole;
  return `${framed.heading === null ? '' : `${framed.heading}\n\n`}${blocks.join('\n\n')}\n`;
}

/**
 * renderHistoryText's text in pieces of whole lines, the entries read a page
 * at a time (history-pages.ts): the same text, without holding the whole
 * trail.
 */
export async function* historyTextPieces(
  pages: HistoryPages,
  user: string | null = null,
  since: Date | null = null,
  followed: Pick<FollowedUser, 'otherNames' | 'via'> | null = null,
): AsyncGenerator<string> {
  const framed = frame(pages.timelineCount, pages.otherWriteCount, user, since, followed);
  if ('whole' in framed) {
    yield framed.whole;
    return;
  }
  if (framed.heading !== null) yield `${framed.heading}\n\n`;
  let first = true;
  for await (const item of pages.timeline()) {
    if ('apply' in item && item.large) {
      if (!first) yield '\n';
      yield* largeApplyBlock(item.large);
    } else {
      const block = 'apply' in item ? entryBlock(item.apply, user !== null) : item.large ? await largeOtherWritesBlock(item.large) : otherWritesBlock(item.other);
      yield `${first ? '' : '\n'}${block}\n`;
    }
    first = false;
  }
}
