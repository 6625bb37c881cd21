import { diffLines } from 'diff';
import type { ChangeKind, ChangeOf, RiskClass } from '../plan/change.js';
import type { PlanDocument } from '../plan/plan-document.js';
import { DISABLE_PASSWORD_EXPIRATION, USER_ATTRIBUTES, type PasswordPolicy } from '../state/tenant-state.js';
import { terminalText } from './escape-terminal.js';
import { fromVariableText, NAME_NOT_SHOWN, nameLikePassword } from '../credentials/password-variable.js';

/**
 * The wording of every change, shared by the text and markdown renderers so
 * the two never disagree. A line is data (a sign and plain, unescaped text);
 * each renderer decides colour, indentation and escaping.
 */

/** `+` adds, `-` takes away, `~` changes in place, ` ` is unchanged context of a line diff. */
export type Sign = '+' | '-' | '~' | ' ';

export interface ChangeLine {
  readonly sign: Sign;
  readonly text: string;
  /** 0 for a change; 1 for the lines of a multi-line value nested under it. */
  readonly depth: 0 | 1;
}

export type DocumentChange = PlanDocument['changes'][number];

/** Everything one user's changes say, in plan order. */
export interface UserSection {
  readonly userPrincipalName: string;
  readonly sign: '+' | '-' | '~';
  /** What happens to the user as a whole, e.g. `create` or `adopt: tenantctl takes over management`. */
  readonly note: string;
  readonly lines: readonly ChangeLine[];
  readonly risks: readonly RiskClass[];
}

/** What line builders need beyond the change itself. */
export interface LineContext {
  /** settings.adminEmail: receives a copy of every temporary password. */
  readonly adminEmail: string | null;
}

/** Values longer than this (or spanning lines) are shown as a line diff. */
export const MAX_INLINE_VALUE = 60;

const NOT_SET = '(not set)';

/**
 * A value's text for terminal text and code blocks: controls, bidi and
 * zero-width characters shown as `\uXXXX`, workflow commands neutralised.
 * The same function as `terminalText` (escape-terminal.ts), under the name
 * the line builders have always used.
 */
export const visible: (text: string) => string = terminalText;

const quote = (text: string) => visible(JSON.stringify(text));

const isUnset = (value: unknown) => value === null || value === undefined || (Array.isArray(value) && value.length === 0);

/** `"Sales Lead"`, `["+31 20 555 0100"]`, `(not set)`. */
export function formatValue(value: unknown): string {
  if (isUnset(value)) return NOT_SET;
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return `[${value.map((item) => formatValue(item)).join(', ')}]`;
  return visible(JSON.stringify(value) ?? String(value));
}

const isLong = (value: unknown) => typeof value === 'string' && (value.length > MAX_INLINE_VALUE || /[\r\n]/.test(value));

const asText = (value: unknown) => (typeof value === 'string' ? value.replace(/\r\n?/g, '\n') : isUnset(value) ? '' : formatValue(value));

/**
 * What every line of a value shown as a line diff starts with, after its
 * sign: `+ | 1017 CB Amsterdam`. None of tenantctl's own lines has it, so a
 * value whose lines read `- role: Global administrator` or `No changes.`
 * still reads as a value, whatever the indentation (helper-143).
 */
export const VALUE_LINE_MARK = '|';

const valueLine = (text: string) => (text === '' ? VALUE_LINE_MARK : `${VALUE_LINE_MARK} ${text}`);

/** The nested `-`/`+`/context lines turning one text into another, line by line, each marked VALUE_LINE_MARK. */
function lineDiff(from: string, to: string): ChangeLine[] {
  const withEnd = (text: string) => (text === '' ? '' : `${text}\n`);
  return diffLines(withEnd(from), withEnd(to)).flatMap((part) => {
    const sign: Sign = part.added ? '+' : part.removed ? '-' : ' ';
    return part.value
      .replace(/\n$/, '')
      .split('\n')
      // A backslash doubled, as in the quoted one-line form: else a value holding the text `\u003a:` read the same as one holding `::`, shown escaped (helper-74).
      .map((line): ChangeLine => ({ sign, text: valueLine(withVisibleEnd(visible(line.replace(/\\/g, '\\\\')))), depth: 1 }));
  });
}

/**
 * Spaces and tabs at a line's end written as escapes (a backslash is doubled
 * in these lines, so `\u0020` cannot be read otherwise): unseen, a line that
 * gained or lost one showed as removed and added the same, and a markdown
 * code block trims them away.
 */
const withVisibleEnd = (text: string): string => text.replace(/[ \t]+$/, (end) => end.replace(/ /g, '\\u0020').replace(/\t/g, '\\u0009'));

/** How a text ends its lines, for a change of line endings alone, which the line diff cannot show. */
function lineEndings(text: string): string {
  const crlf = /\r\n/.test(text);
  const lf = /(?<!\r)\n/.test(text);
  const cr = /\r(?!\n)/.test(text);
  const kinds = [...(crlf ? ['CRLF'] : []), ...(lf ? ['LF'] : []), ...(cr ? ['CR'] : [])];
  return kinds.length === 0 ? 'none' : kinds.join(' and ');
}

/**
 * One attribute going from one value to another: `~ jobTitle: "A" → "B"`,
 * `+ jobTitle: "B"` when it was not set, `- jobTitle: "A" → (not set)` when
 * it is cleared; long or multi-line values as a line diff under the name.
 */
export function attributeLines(attribute: string, from: unknown, to: unknown): ChangeLine[] {
  const sign = isUnset(from) ? '+' : isUnset(to) ? '-' : '~';
  if (isLong(from) || isLong(to)) {
    const [before, after] = [asText(from), asText(to)];
    // The diff compares lines with their endings made one: a change of endings alone is said in words.
    const endings = typeof from === 'string' && typeof to === 'string' && before === after && from !== to
      ? [{ sign: '~', text: `(only the line endings differ: ${lineEndings(from)} → ${lineEndings(to)})`, depth: 1 } satisfies ChangeLine]
      : [];
    return [{ sign, text: `${attribute}:`, depth: 0 }, ...lineDiff(before, after), ...endings];
  }
  const text =
    sign === '+' ? `${attribute}: ${formatValue(to)}` : `${attribute}: ${formatValue(from)} → ${formatValue(to)}`;
  return [{ sign, text, depth: 0 }];
}

const line = (sign: Sign, text: string): ChangeLine => ({ sign, text, depth: 0 });

/**
 * attributeLines, and for passwordPolicies what the change means: its Graph
 * value alone tells a reviewer little, and passwords that never expire
 * deserve a second look. Clearing another value (one written with 0028's
 * CHECK dropped: "", DisableStrongPassword) turns no expiry back on, so the
 * line says nothing of expiry then.
 */
function userAttributeLines(attribute: string, from: unknown, to: unknown): ChangeLine[] {
  const lines = attributeLines(attribute, from, to);
  const [only] = lines;
  if (attribute !== 'passwordPolicies' || lines.length !== 1 || !only) return lines;
  if (!isUnset(to)) return [{ ...only, text: `${only.text} (passwords the user chooses never expire)` }];
  return from === DISABLE_PASSWORD_EXPIRATION ? [{ ...only, text: `${only.text}, so passwords expire after 90 days` }] : lines;
}

function passwordText(source: PasswordPolicy['source'], forceChange: boolean): string {
  // A fromEnv written like a password (PASSWORD_ENV_NAME_LIKE_PASSWORD) is most likely the password itself.
  const origin = source.kind === 'generate' ? 'generated' : nameLikePassword(source.variable) ? `from ${NAME_NOT_SHOWN}` : `from $${visible(source.variable)}`;
  return forceChange ? `${origin}, to be changed at next sign-in` : origin;
}

/**
 * ` from $VARIABLE` for a temporary password read from the environment,
 * empty for a generated one: where it goes is not all that knows it. A pull
 * request naming a variable the runner sets to a known value
 * (XDG_RUNTIME_DIR is /run/user/1001 on many) knows the password of the
 * account it creates or resets; the approval lines named only the
 * recipients, the variable only the folded details. `show` escapes the name
 * for the output; a name written like a password is never shown.
 */
export function passwordSource(source: PasswordPolicy['source'], show: (text: string) => string = visible): string {
  return source.kind === 'generate' ? '' : fromVariableText(source.variable, show);
}

/**
 * Who gets the temporary password: the user's notify list, then
 * settings.adminEmail unless a reset withholds it (the user's own mailbox),
 * each once, as apply sends it.
 */
export function passwordRecipients(notify: readonly string[], context: LineContext, adminCopyWithheld = false): string[] {
  const all = [...notify, ...(context.adminEmail && !adminCopyWithheld ? [context.adminEmail] : [])];
  return [...new Map(all.map((address) => [address.toLowerCase(), address])).values()];
}

/** `, not admin@contoso.com (the user's own mailbox)` where a reset withholds settings.adminEmail's copy. */
export function withheldText(context: LineContext, adminCopyWithheld: boolean | undefined): string {
  return adminCopyWithheld && context.adminEmail ? ` (not to settings.adminEmail ${visible(context.adminEmail)}: the user's own mailbox)` : '';
}

/** How the line naming a temporary password's recipients starts. */
export const SENT_TO = 'temporary password sent to: ';

function recipientsText(notify: readonly string[], context: LineContext, adminCopyWithheld = false): string {
  const unique = passwordRecipients(notify, context, adminCopyWithheld);
  return (unique.length > 0 ? unique.map(visible).join(', ') : 'nobody (set notify or settings.adminEmail)') + withheldText(context, adminCopyWithheld);
}

const plans = (list: readonly string[]) => `[${list.map(visible).join(', ')}]`;

/** `2026-12-31`: the day part of an ISO time (UTC). */
const day = (iso: string) => iso.slice(0, 10);

type LineBuilder<K extends ChangeKind> = (change: ChangeOf<K>, context: LineContext) => ChangeLine[];

/** The lines of each kind of change. A kind nobody words fails to compile. */
const CHANGE_LINES: { readonly [K in ChangeKind]: LineBuilder<K> } = {
  'user.create': (change, context) => [
    ...USER_ATTRIBUTES.filter((name) => !isUnset(change.attributes[name])).flatMap((name) =>
      userAttributeLines(name, null, change.attributes[name]),
    ),
    line('+', `sign-in: ${change.accountEnabled ? 'allowed' : 'blocked'}`),
    line('+', `password: ${passwordText(change.password, change.forceChangePasswordNextSignIn)}`),
    line('+', `${SENT_TO}${recipientsText(change.notify, context)}`),
  ],
  'user.update': (change) => change.attributes.flatMap(({ attribute, from, to }) => userAttributeLines(attribute, from, to)),
  'user.delete': (change) => [
    line('-', `user: moved to deleted users; its licenses and roles are released; restorable until ${day(change.restorableUntil)}`),
  ],
  'user.restore': (change) => [line('+', `user: restored from deleted users (deleted ${day(change.deletedAt)}, restorable until ${day(change.restorableUntil)})`)],
  'user.rename': (change) => [
    line('~', `userPrincipalName: ${quote(change.fromUserPrincipalName)} → ${quote(change.userPrincipalName)} (same account: id, roles, licenses and password kept)`),
  ],
  'user.purge': (change) => [
    line('-', `user: deleted ${day(change.deletedAt)}, more than 30 days ago: gone for good, its row is removed and its name is free again`),
  ],
  'user.adopt': () => [line('~', 'managed by: nobody → tenantctl')],
  'user.block': () => [line('~', 'sign-in: allowed → blocked')],
  'user.unblock': () => [line('~', 'sign-in: blocked → allowed')],
  'user.password-reset': (change, context) => [
    line('~', `password: reset, ${passwordText(change.password, change.forceChangePasswordNextSignIn)}`),
    line('~', `${SENT_TO}${recipientsText(change.notify, context, change.adminCopyWithheld)}`),
  ],
  'role.grant': (change) => [line('+', `role: ${visible(change.roleName)}`)],
  'role.revoke': (change) => [line('-', `role: ${visible(change.roleName)}`)],
  'license.assign': ({ license }) => [
    line('+', `license: ${visible(license.sku)}${license.disabledPlans.length > 0 ? ` (disabled: ${license.disabledPlans.map(visible).join(', ')})` : ''}`),
  ],
  'license.update': (change) => [
    line('~', `license ${visible(change.sku)} disabledPlans: ${plans(change.fromDisabledPlans)} → ${plans(change.toDisabledPlans)}`),
  ],
  'license.remove': (change) => [line('-', `license: ${visible(change.sku)}`)],
};

export function changeLines(change: DocumentChange, context: LineContext): ChangeLine[] {
  return (CHANGE_LINES[change.kind] as LineBuilder<ChangeKind>)(change as ChangeOf<ChangeKind>, context);
}

interface UserAction {
  readonly sign: '+' | '-' | '~';
  readonly note: string;
}

/** What a change says about the user as a whole, for the user's header line. */
const USER_ACTIONS: Record<ChangeKind, UserAction | null> = {
  'user.create': { sign: '+', note: 'create' },
  'user.restore': { sign: '+', note: 'restore' },
  'user.rename': { sign: '~', note: 'rename' },
  'user.purge': { sign: '-', note: 'purge the expired deleted account' },
  'user.adopt': { sign: '~', note: 'adopt: tenantctl takes over management' },
  'user.delete': { sign: '-', note: 'delete' },
  'user.update': null,
  'user.block': null,
  'user.unblock': null,
  'user.password-reset': null,
  'role.grant': null,
  'role.revoke': null,
  'license.assign': null,
  'license.update': null,
  'license.remove': null,
};

const SIGN_PRIORITY = ['+', '-', '~'] as const;

function section(changes: readonly DocumentChange[], context: LineContext): UserSection {
  const actions = changes.map((change) => USER_ACTIONS[change.kind]).filter((action): action is UserAction => action !== null);
  const sign = SIGN_PRIORITY.find((s) => actions.some((action) => action.sign === s)) ?? '~';
  return {
    userPrincipalName: visible(changes[0]?.userPrincipalName ?? ''),
    sign,
    note: actions.length > 0 ? actions.map((action) => action.note).join('; ') : 'update',
    lines: changes.flatMap((change) => changeLines(change, context)),
    risks: [...new Set(changes.flatMap((change) => change.risks))],
  };
}

/** The plan's changes grouped per user (they arrive sorted by user), in plan order. */
export function userSections(plan: PlanDocument): UserSection[] {
  const context: LineContext = { adminEmail: plan.settings.adminEmail };
  const sections: UserSection[] = [];
  let group: DocumentChange[] = [];
  for (const change of plan.changes) {
    const previous = group[0];
    if (previous && previous.userPrincipalName.toLowerCase() !== change.userPrincipalName.toLowerCase()) {
      sections.push(section(group, context));
      group = [];
    }
    group.push(change);
  }
  if (group.length > 0) sections.push(section(group, context));
  return sections;
}
