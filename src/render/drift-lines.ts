import type { DriftDocument } from '../drift/drift-document.js';
import {
  DRIFT_CLASSES,
  DRIFT_KINDS,
  driftClass,
  type DriftClass,
  type DriftField,
  type DriftFinding,
  type DriftFindingOf,
  type DriftKind,
  type LastChange,
  type OutsideWrite,
} from '../drift/finding.js';
import type { LicenseAssignment } from '../state/tenant-state.js';
import { attributeLines, formatValue, MAX_INLINE_VALUE, visible, type ChangeLine } from './change-lines.js';
import type { ShowValue } from './escape-markdown.js';
import { lookalikeText } from './lookalike-text.js';
import { formatMoney } from './money.js';

/** How an account nobody manages is deleted: adopted first, as apply deletes only the users tenantctl manages. */
export const DELETE_UNMANAGED = 'To delete one that should not exist, declare it so that apply adopts it, then remove its declaration.';

/**
 * The wording of drift findings, shared by the text and markdown renderers so
 * the two never disagree. Plain, unescaped text (values already made visible);
 * each renderer decides layout and escaping.
 */

/** One finding in words: what it is about, what happened, and the lines that show the difference. */
export interface FindingText {
  /** A UPN or a sku. */
  readonly subject: string;
  /** What happened, in one sentence; empty when the details say it all. */
  readonly summary: string;
  readonly details: readonly ChangeLine[];
  /** `last apply #12 by alice` or `changed outside tenantctl by database role X at T`; null when there is nothing to trace. */
  readonly trace: string | null;
}

export interface DriftSection {
  readonly driftClass: DriftClass;
  readonly title: string;
  /** How to read the section's lines, e.g. `expected (git) → actual (tenant)`; null when obvious. */
  readonly legend: string | null;
  readonly findings: readonly DriftFinding[];
}

export const SECTION_TITLES: Record<DriftClass, string> = {
  privileged: 'Privileged users nobody manages',
  lookalike: 'Unmanaged look-alikes of managed users',
  credentials: 'Passwords reset outside tenantctl',
  changed: 'Different from the configuration',
  lifecycle: 'Deleted, restored, blocked or missing users',
  unmanaged: 'Users nobody manages',
  seats: 'Seats',
  passwords: 'Temporary passwords never changed',
};

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const line = (text: string): ChangeLine => ({ sign: '~', text, depth: 0 });
/** What the tenant has and the configuration does not declare. */
const extra = (text: string): ChangeLine => ({ sign: '+', text, depth: 0 });
const list = (items: readonly string[]) => (items.length === 0 ? '(none)' : `[${items.map(visible).join(', ')}]`);
const day = (iso: string | null) => (iso === null ? 'unknown' : iso.slice(0, 10));

export function licenseText(license: LicenseAssignment): string {
  const sku = visible(license.sku);
  return license.disabledPlans.length > 0 ? `${sku} (disabled: ${license.disabledPlans.map(visible).join(', ')})` : sku;
}

const isLong = (value: unknown) => typeof value === 'string' && (value.length > MAX_INLINE_VALUE || /[\r\n]/.test(value));

/** `jobTitle`, `sign-in`, `license ENTERPRISEPACK disabledPlans`. */
export function fieldLabel(field: DriftField): string {
  if (field.field === 'accountEnabled') return 'sign-in';
  if (field.field === 'disabledPlans') return `license ${visible(field.sku)} disabledPlans`;
  return field.field;
}

/** One side of a field, on one line: `"Sales Lead"`, `(not set)`, `[A, B]`, `(none)`, `allowed`. */
export function fieldValue(field: DriftField, side: 'expected' | 'actual'): string {
  switch (field.field) {
    case 'accountEnabled':
      return field[side] ? 'allowed' : 'blocked';
    case 'roles':
    case 'licenses':
    case 'disabledPlans':
      return list(field[side]);
    default:
      return formatValue(field[side]);
  }
}

/** `jobTitle: "Sales Lead" → "Sales Director"` (git → tenant); long text as a line diff, `-` git, `+` tenant. */
export function fieldLines(field: DriftField): ChangeLine[] {
  if (field.field !== 'accountEnabled' && (isLong(field.expected) || isLong(field.actual))) {
    return attributeLines(field.field, field.expected, field.actual);
  }
  return [line(`${fieldLabel(field)}: ${fieldValue(field, 'expected')} → ${fieldValue(field, 'actual')}`)];
}

/**
 * `last apply #12 by alice`, or `changed outside tenantctl by database role X at T`
 * when the database stamped the last write as not tenantctl's. The actor is a value, and so is `#12` for
 * markdown, where GitHub would link it to issue 12: `show` wraps both.
 */
export function traceText(change: LastChange, show: ShowValue = visible): string {
  const later = change.laterApply;
  if (change.applyId !== null && later) {
    const role = later.databaseRole === null ? 'database role not recorded' : `database role ${show(later.databaseRole)}`;
    const writes = later.writes.map((write) => show(write)).join(', ');
    const stamp = `stamped by apply ${show(`#${change.applyId}`)} by ${show(change.actor ?? '')}`;
    // An earlier apply than the stamp's: the stamp was set to name an apply that did not write the user.
    return later.applyId > change.applyId
      ? `${stamp}, but the database recorded apply ${show(`#${later.applyId}`)} by ${show(later.actor)} (${role}) writing the user after it: ${writes}`
      : `${stamp}, but the last apply the database recorded writing the user is ${show(`#${later.applyId}`)} by ${show(later.actor)} (${role}): ${writes}`;
  }
  if (change.applyId !== null) return `last apply ${show(`#${change.applyId}`)} by ${show(change.actor ?? '')}`;
  if (change.outsideRole !== null) return `changed outside tenantctl by database role ${show(change.outsideRole)} at ${show(change.at)}`;
  return change.by ? `last changed by ${show(change.by)}` : 'no apply recorded';
}

/**
 * `deleted outside tenantctl by database role X at T` (`user.missing`),
 * `released from tenantctl outside it by database role X at T`
 * (`user.unadopted`), `managed account deleted outside tenantctl by
 * database role X at T` (`user.unadopted`, replaced) or `created outside
 * tenantctl by database role X at T` (`user.unmanaged`): the write
 * other_writes recorded. Both are values (`show`), as in traceText.
 */
export function outsideWriteText(kind: 'user.missing' | 'user.unadopted' | 'replaced' | 'user.unmanaged' | 'password.changed-outside', write: OutsideWrite, show: ShowValue = visible): string {
  const what =
    kind === 'user.missing' ? 'deleted outside tenantctl'
    : kind === 'password.changed-outside' ? 'password written outside tenantctl'
    : kind === 'replaced' ? 'managed account deleted outside tenantctl'
    : kind === 'user.unmanaged' ? 'created outside tenantctl'
    : 'released from tenantctl outside it (managed set to false)';
  return `${what} by database role ${show(write.databaseRole)} at ${show(write.at)}`;
}

/** The trace of any finding, for the renderers that show it in a column of its own; null when there is nothing to trace. */
export function findingTrace(finding: DriftFinding, show: ShowValue = visible): string | null {
  if ('lastChange' in finding) return traceText(finding.lastChange, show);
  if (finding.kind === 'user.missing' && finding.outsideWrite) return outsideWriteText(finding.kind, finding.outsideWrite, show);
  if (finding.kind === 'user.unadopted' && finding.outsideWrite) {
    return outsideWriteText(finding.replacedUserId === null ? finding.kind : 'replaced', finding.outsideWrite, show);
  }
  if (finding.kind === 'user.unmanaged' && finding.createdOutside) return outsideWriteText(finding.kind, finding.createdOutside, show);
  if (finding.kind === 'password.changed-outside') return outsideWriteText(finding.kind, finding.outsideWrite, show);
  return null;
}

/**
 * The user was last written by an apply (the database stamps any other
 * write to it, its roles or its licences, as outside tenantctl): the tenant
 * is as that apply left it, so the difference is a change in git that no
 * apply has made yet, such as a merge whose apply waits for its approval.
 */
const pendingInGit = (change: LastChange): boolean => change.applyId !== null && change.laterApply === undefined;
const NOT_APPLIED_YET = 'as the last apply left it: the configuration changed since, not applied yet';

const UNMANAGED_ADVICE = 'apply never changes it (declare it to adopt it; to delete it, adopt it, then remove its declaration)';

type Wording<K extends DriftKind> = (finding: DriftFindingOf<K>) => Omit<FindingText, 'subject'>;

/** The words for each kind of finding. A kind nobody words fails to compile. */
const WORDING: { readonly [K in DriftKind]: Wording<K> } = {
  // The trace says who wrote the tenant's side last: a write outside tenantctl, or an apply, after which only git changed.
  'user.changed': (f) => ({ summary: pendingInGit(f.lastChange) ? NOT_APPLIED_YET : '', details: f.fields.flatMap(fieldLines), trace: traceText(f.lastChange) }),
  'user.deleted': (f) => ({
    summary: `deleted outside tenantctl (in deleted users since ${day(f.deletedAt)}); apply restores it`,
    details: [],
    trace: traceText(f.lastChange),
  }),
  'user.missing': (f) => ({
    summary: f.inDeletedUsers
      ? 'declared, but only among the deleted users and never managed by tenantctl; apply restores and adopts it'
      : f.outsideWrite
        ? 'declared, but its account was deleted outside tenantctl, past the recycle bin; apply creates a new account'
        : 'declared, but the tenant has no such user; apply creates it',
    details: [],
    trace: findingTrace(f),
  }),
  'user.renamed': (f) => ({
    summary: f.managed
      ? 'renamed outside tenantctl while the configuration declares its old UPN; apply creates a new account under the old UPN and deletes this one: declare the new UPN, or rename it back with renamedFrom'
      : 'renamed outside tenantctl while the configuration declares its old UPN; apply creates a new account under the old UPN (this one is not managed and is left as it is): declare the new UPN, or rename it back with renamedFrom',
    details: [
      line(`userPrincipalName: ${formatValue(f.declaredAs)} → ${formatValue(f.userPrincipalName)}`),
      extra(`renamed ${day(f.renamedAt)} by database role ${visible(f.renamedBy)}`),
      ...(f.roles.length > 0 ? [extra(`roles: ${list(f.roles.map((role) => role.displayName))}`)] : []),
    ],
    trace: traceText(f.lastChange),
  }),
  'user.restored': (f) => ({
    summary:
      'managed by tenantctl and active, but not declared: restored after tenantctl deleted it, its declaration removed (or renamed by an apply of another copy of the configuration, as its last apply may show), or written in as managed outside tenantctl; apply deletes it',
    details: f.roles.length > 0 ? [extra(`roles: ${list(f.roles.map((role) => role.displayName))}`)] : [],
    trace: traceText(f.lastChange),
  }),
  'user.blocked': (f) => ({
    summary: pendingInGit(f.lastChange) ? `sign-in blocked; ${NOT_APPLIED_YET}` : 'blocked outside tenantctl',
    details: f.fields.flatMap(fieldLines),
    trace: traceText(f.lastChange),
  }),
  'user.unblocked': (f) => ({
    summary: pendingInGit(f.lastChange) ? `sign-in allowed; ${NOT_APPLIED_YET}` : 'unblocked outside tenantctl',
    details: f.fields.flatMap(fieldLines),
    trace: traceText(f.lastChange),
  }),
  'user.unadopted': (f) => ({
    summary: f.replacedUserId !== null
      ? 'declared, but the account tenantctl managed under this UPN was replaced outside tenantctl: deleted, and this account created in its place; apply would adopt the new account (the old one, its roles and licences, are gone)'
      : f.outsideWrite
        ? 'declared and managed by tenantctl until it was released outside tenantctl; apply adopts it again'
        : 'declared, not yet managed by tenantctl; apply adopts it',
    details: [...(f.replacedUserId !== null ? [extra(`replaced account: ${visible(f.replacedUserId)}`)] : []), ...f.fields.flatMap(fieldLines)],
    trace: findingTrace(f),
  }),
  'user.unmanaged': (f) => ({
    summary:
      f.lookalikeOf.length > 0
        ? `not declared and not created by tenantctl, and its name looks like a managed user's: make sure it is not an account posing as that user; ${UNMANAGED_ADVICE}`
        : `not declared and not created by tenantctl; ${UNMANAGED_ADVICE}`,
    details: [
      ...f.lookalikeOf.map((lookalike) => extra(lookalikeText(lookalike))),
      extra(`displayName: ${formatValue(f.displayName)}`),
      extra(`roles: ${list(f.roles.map((role) => role.displayName))}`),
      extra(`licenses: ${list(f.licenses.map(licenseText))}`),
      extra(`sign-in: ${f.accountEnabled ? 'allowed' : 'blocked'}`),
    ],
    trace: findingTrace(f),
  }),
  'user.licensed-in-recycle-bin': (f) => ({
    // Our words only: the user and the skus are values, in the subject and the detail line.
    summary: `deleted ${day(f.deletedAt)} but still holds ${count(f.licenses.length, 'licence', 'licences')}, ${f.licenses.length === 1 ? 'which takes' : 'each taking'} a seat that is billed until the licence is removed or the user is purged; ${
      f.declared
        ? 'the configuration declares it, so apply restores it (past the recycle bin: purges it and creates it again) with the licences declared'
        : 'no configuration declares it, so apply leaves it as it is: remove its licences in the database (tenantctl releases them only when it deletes a user) or purge the user'
    }`,
    details: [extra(`licenses: ${list(f.licenses.map(licenseText))}`)],
    trace: null,
  }),
  'user.in-recycle-bin': (f) => ({
    // Also shown for a user still declared (deleted outside tenantctl), which apply restores: not "declare it again".
    summary: `in the recycle bin since ${day(f.deletedAt)}: ${count(f.daysRemaining, 'day', 'days')} left to restore it (until ${day(f.restorableUntil)}), which apply does while the configuration declares it; then it is deleted for good`,
    // A restore gives them back: the admin roles an auditor must know can return.
    details: f.roles.length > 0 ? [extra(`roles a restore gives back: ${list(f.roles.map((role) => role.displayName))}`)] : [],
    trace: null,
  }),
  'seats.overconsumed': (f) => ({
    summary: `${count(f.consumed, 'license', 'licenses')} assigned but ${count(f.purchased, 'seat', 'seats')} bought (${visible(f.productName)}), ${f.excess} over: ${formatMoney(f.monthlyCost, f.currency)}/month to buy them`,
    details: [],
    trace: null,
  }),
  'seats.unused': (f) => ({
    summary: `${f.unused} of ${count(f.purchased, 'seat', 'seats')} unused (${visible(f.productName)}), ${formatMoney(f.monthlyCost, f.currency)}/month`,
    details: [],
    trace: null,
  }),
  // What happened, in our words: no value of the password is kept anywhere drift reads.
  'password.changed-outside': (f) => ({
    summary: `${
      f.changes.includes('reset') ? 'password reset outside tenantctl' : 'password change at next sign-in switched off outside tenantctl'
    }${
      f.changes.includes('reset') && f.changes.includes('forcedChangeOff') ? ', with its change at next sign-in switched off' : ''
    }, and the user has not chosen their own since: whoever did it may know it; reset it with tenantctl (password.reset) and ask the database role`,
    details: f.roles.length > 0 ? [extra(`roles: ${list(f.roles.map((role) => role.displayName))}`)] : [],
    trace: outsideWriteText(f.kind, f.outsideWrite),
  }),
  'password.expired': (f) => ({
    summary: `temporary password set ${day(f.passwordSetAt)}, expired ${day(f.passwordExpiresAt)} (${count(f.daysOverdue, 'day', 'days')} ago), never changed`,
    details: [],
    trace: traceText(f.lastChange),
  }),
};

export function findingText(finding: DriftFinding): FindingText {
  const subject = visible('sku' in finding ? finding.sku : finding.userPrincipalName);
  return { subject, ...(WORDING[finding.kind] as Wording<DriftKind>)(finding) };
}

/** The findings grouped by class, in report order; empty classes left out. */
export function driftSections(drift: DriftDocument): DriftSection[] {
  return DRIFT_CLASSES.map((c) => ({
    driftClass: c,
    title: SECTION_TITLES[c],
    legend: c === 'changed' || c === 'lifecycle' ? 'expected (git) → actual (tenant)' : null,
    findings: drift.findings.filter((f) => driftClass(f) === c),
  })).filter((section) => section.findings.length > 0);
}

/** Notices (severity info) are not drift, so the headline does not count them. */
type NoticeKind = 'seats.unused' | 'user.in-recycle-bin';

const HEADLINE_NOUNS: Record<Exclude<DriftKind, NoticeKind>, [string, string]> = {
  'user.changed': ['changed user', 'changed users'],
  'user.deleted': ['deleted user', 'deleted users'],
  'user.missing': ['missing user', 'missing users'],
  'user.renamed': ['user renamed outside tenantctl', 'users renamed outside tenantctl'],
  // Restored behind tenantctl's back, or its declaration removed: drift cannot tell which.
  'user.restored': ['managed user not declared', 'managed users not declared'],
  'user.blocked': ['blocked user', 'blocked users'],
  'user.unblocked': ['unblocked user', 'unblocked users'],
  'user.unadopted': ['user not yet adopted', 'users not yet adopted'],
  'user.unmanaged': ['unmanaged user', 'unmanaged users'],
  'user.licensed-in-recycle-bin': ['deleted user holding licences', 'deleted users holding licences'],
  'seats.overconsumed': ['over-consumed subscription', 'over-consumed subscriptions'],
  'password.changed-outside': ['password reset outside tenantctl', 'passwords reset outside tenantctl'],
  'password.expired': ['expired temporary password', 'expired temporary passwords'],
};

/**
 * `Drift: 8 findings (1 privileged unmanaged user, 4 changed users, …).` or
 * `No drift: the tenant matches the configuration.`
 */
export function driftHeadline(drift: DriftDocument): string {
  const { summary } = drift;
  if (!summary.drift) return 'No drift: the tenant matches the configuration.';
  const parts = summary.privilegedUnmanaged > 0 ? [count(summary.privilegedUnmanaged, 'privileged unmanaged user', 'privileged unmanaged users')] : [];
  // Look-alikes holding a privileged role are counted with those, as their section lists them (and summary.lookalikes).
  const { lookalikes } = summary;
  if (lookalikes > 0) parts.push(count(lookalikes, 'unmanaged look-alike of a managed user', 'unmanaged look-alikes of managed users'));
  for (const kind of DRIFT_KINDS) {
    if (kind === 'seats.unused' || kind === 'user.in-recycle-bin') continue;
    const n = (summary.byKind[kind] ?? 0) - (kind === 'user.unmanaged' ? summary.privilegedUnmanaged + lookalikes : 0);
    const [one, many] = HEADLINE_NOUNS[kind];
    if (n > 0) parts.push(count(n, one, many));
  }
  return `Drift: ${count(summary.findings, 'finding', 'findings')} (${parts.join(', ')}).`;
}

/** `5 unused seats cost $52.50/month.`, or null when every seat is used. */
export function noticeLine(drift: DriftDocument): string | null {
  const { unusedSeats, unusedMonthlyCost, currency } = drift.summary;
  if (unusedSeats === 0) return null;
  return `${count(unusedSeats, 'unused seat costs', 'unused seats cost')} ${formatMoney(unusedMonthlyCost, currency)}/month.`;
}

/** Where to go next, shown under a report with drift. */
export const NEXT_STEPS =
  '`tenantctl plan` shows what apply would change back; `tenantctl history` shows which apply (commit, actor) last changed each user. ' +
  'Apply never changes unmanaged users or passwords.';
