import type { AppliedChange, HistoryEntry, Malformed } from '../audit/read-history.js';
import type { FollowedBy, FollowedUser } from '../audit/follow-user.js';
import { newestFirst, type HistoryPages } from '../audit/history-pages.js';
import type { OtherWritesEntry } from '../audit/read-other-writes.js';
import { COUNTED_INSERTS, type UnlistedWrite, type UnwrittenChange } from '../audit/read-apply-writes.js';
import type { UnexplainedCredentialWrite } from '../audit/credential-writes.js';
import type { ChangeKind } from '../plan/change.js';
import type { SettingToRecord } from '../plan/settings-to-record.js';
import { restorableUntil } from '../plan/recycle-bin.js';
import { changeLines, passwordRecipients, visible, withheldText, type ChangeLine, type LineContext } from './change-lines.js';
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

function summaryText(entry: HistoryEntry, oneUser: boolean): string {
  // Counted from the changes listed, which are only the user's with --user: the whole apply's counts are not known.
  if (oneUser && entry.malformed?.summary) return 'the whole apply: not known (its summary is not in the shape apply writes)';
  const recorded = recordedSettings(entry).length;
  const users = `${oneUser ? summaryUsersText(entry.summary) : usersText(entry.changes)}${recorded > 0 ? `; recorded ${settingCount(recorded)}` : ''}`;
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

/** How many users whose writes no change names are listed by name; the rest are counted. */
const UNLISTED_NAMED = 10;

/** One user's writes that its record does not explain, and the changes it records of the user, if any. */
function unlistedLine(write: UnlistedWrite): string {
  const recorded = write.namedBy ? ` (its recorded changes of the user: ${write.namedBy.map(visible).join(', ')})` : '';
  return `      ! ${visible(write.userPrincipalName)}: ${write.writes.map(visible).join(', ')}${recorded}`;
}

/** One user a recorded change names for a write the database never recorded, and those changes. */
function unwrittenLine(change: UnwrittenChange): string {
  return `      ! ${visible(change.userPrincipalName)}: ${change.writes.map(visible).join(', ')} (its recorded changes of the user: ${change.kinds.map(visible).join(', ')})`;
}

/** One user whose credential columns were changed beyond what the record explains: the columns' names, never their values. */
function credentialLine(write: UnexplainedCredentialWrite): string {
  const recorded = write.namedBy ? `its recorded changes of the user: ${write.namedBy.map(visible).join(', ')}` : 'no recorded change names the user';
  return `      ! ${visible(write.userPrincipalName)}: ${write.columns.map(visible).join(', ')} changed (${recorded})`;
}

/** At most UNLISTED_NAMED of these users by name under their heading, the rest counted. */
function unlistedGroup<T>(heading: string, writes: readonly T[], line: (write: T) => string): string[] {
  if (writes.length === 0) return [];
  const more = writes.length - UNLISTED_NAMED;
  return [
    heading,
    ...writes.slice(0, UNLISTED_NAMED).map(line),
    ...(more > 0 ? [`      … and ${count(more, 'more user', 'more users')} (history --format json lists them all)`] : []),
  ];
}

/**
 * The users the database recorded this apply writing whom its changes do not
 * name, those they name but wrote in ways none of their changes does, and
 * those they name for a write the database never saw (read-apply-writes.ts):
 * what the apply's record left out or made up, said under its header, so
 * that the entry is not read as all the apply did.
 */
function unlistedLines(entry: HistoryEntry): string[] {
  const seats = entry.unexplainedSeatWrites
    ? [`  ! the database recorded this apply writing ${count(entry.unexplainedSeatWrites, 'subscription row', 'subscription rows')} (seats) though it bought nothing and wrote no licence; ask the database role above`]
    : [];
  const unlisted = entry.unlistedWrites ?? [];
  const unnamed = unlisted.filter((write) => write.namedBy === undefined);
  const named = unlisted.filter((write) => write.namedBy !== undefined);
  const unwritten = entry.unwrittenChanges ?? [];
  const credentials = entry.unexplainedCredentialWrites ?? [];
  const beyond = (entry.insertsBeyondRecord ?? []).map(
    (insert) =>
      `  ! the database recorded this apply inserting ${count(insert.rows, `${insert.table} row`, `${insert.table} rows`)} though its record lists ${count(insert.recorded, `${COUNTED_INSERTS[insert.table]} change`, `${COUNTED_INSERTS[insert.table]} changes`)}: its record is not all it did; ask the database role above`,
  );
  return [
    // First: a password replaced under an apply's name is the takeover of an account.
    ...unlistedGroup(
      `  ! the database recorded this apply changing the password columns of ${count(credentials.length, 'user', 'users')} (named below, never their values) though no recorded change of ${credentials.length === 1 ? 'that user creates it, resets its password or sets its' : 'those users creates them, resets their password or sets their'} passwordPolicies: its record is not all it did; ask the database role above`,
      credentials,
      credentialLine,
    ),
    ...seats,
    ...beyond,
    ...unlistedGroup(
      `  ! the database recorded this apply writing ${count(unnamed.length, 'user', 'users')} that none of its recorded changes names: its record is not all it did; ask the database role above`,
      unnamed,
      unlistedLine,
    ),
    ...unlistedGroup(
      `  ! the database recorded this apply writing ${count(named.length, 'user', 'users')} in ways none of its recorded changes of ${named.length === 1 ? 'that user' : 'those users'} makes: its record is not all it did; ask the database role above`,
      named,
      unlistedLine,
    ),
    ...unlistedGroup(
      `  ! the database recorded none of these writes of this apply's recorded changes of ${count(unwritten.length, 'user', 'users')}: its record claims what did not happen; ask the database role above`,
      unwritten,
      unwrittenLine,
    ),
  ];
}

function entryBlock(entry: HistoryEntry, oneUser: boolean): string {
  const header =
    `#${entry.id} ${utcMinute(entry.appliedAt)} by ${visible(entry.actor)}${passesForAscii(entry.actor)} on ${visible(entry.host)}${passesForAscii(entry.host)} ` +
    `(${shortCommit(entry.gitCommit)}) — ${summaryText(entry, oneUser)}`;
  // The plan's hash as the pull request's comment shows it in its footer, to match the two.
  const plan = `plan ${visible(entry.planHash.slice(0, 'sha256:'.length + 12))}`;
  // The actor is the applier's own word; the database role is the database's.
  const role = entry.databaseRole === null ? 'database role not recorded' : `database role ${visible(entry.databaseRole)}`;
  const context = entry.adminEmail === undefined ? null : { adminEmail: entry.adminEmail };
  return [
    header,
    `  ${plan}; ${role}; ${approvalsText(entry.approvals, entry.malformed?.approvals ?? false)}`,
    ...malformedLines(entry),
    ...unlistedLines(entry),
    ...purchaseLines(entry),
    ...settingLines(recordedSettings(entry)).map((line) => `  ${line.sign} ${line.text}`),
    ...groups(entry.changes).flatMap((changes) => userBlock(changes, context, entry.appliedAt, entry.malformed)),
  ].join('\n');
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
    const block = 'apply' in item ? entryBlock(item.apply, user !== null) : item.large ? await largeOtherWritesBlock(item.large) : otherWritesBlock(item.other);
    yield `${first ? '' : '\n'}${block}\n`;
    first = false;
  }
}
