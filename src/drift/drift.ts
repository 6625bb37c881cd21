import { roleRefs } from '../catalog/role-refs.js';
import type { Catalog, Role } from '../catalog/catalog.js';
import type { ChangeKind, ChangeOf } from '../plan/change.js';
import { diffUser } from '../plan/diff-user.js';
import { renamedOutside, type RenamedOutside } from '../plan/outside-renames.js';
import { resolveRenames } from '../plan/rename.js';
import { USER_ATTRIBUTES, userKey, type TenantState, type User } from '../state/tenant-state.js';
import { lastWriter } from '../state/last-writer.js';
import { compareText, licensedInRecycleBinFindings, oneFindingPerDeletedUser, recycleBinFindings } from './recycle-bin-findings.js';
import { withLookalikes } from './lookalike-findings.js';
import { NO_OUTSIDE_REMOVALS, type OutsideRemovals } from './read-outside-removals.js';
import type { PasswordWrittenOutside } from './read-passwords-outside.js';
import {
  DRIFT_CLASSES,
  DRIFT_KINDS,
  DRIFT_SEVERITIES,
  driftClass,
  type DriftField,
  type DriftFinding,
  type DriftKind,
  type DriftReport,
  type DriftSeverity,
  type DriftSummary,
  type FieldValue,
  type LastChange,
} from './finding.js';

export * from './finding.js';

export interface DriftInput {
  readonly desired: TenantState;
  readonly current: TenantState;
  readonly catalog: Catalog;
  /** The time passwords are checked against; drift reads no clock itself. */
  readonly now: Date;
  /** Who deleted or released declared users outside tenantctl (readOutsideRemovals); none when not given. */
  readonly outsideRemovals?: OutsideRemovals;
  /** Password writes outside tenantctl since an apply last set each user's password, by id (readPasswordsWrittenOutside); none when not given. */
  readonly passwordsWrittenOutside?: ReadonlyMap<string, PasswordWrittenOutside>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const cents = (amount: number) => Math.round(amount * 100) / 100;

function lastChange(user: User): LastChange {
  const by = user.directory?.updatedBy ?? null;
  const writer = lastWriter(by);
  return {
    by,
    applyId: writer.kind === 'apply' ? writer.applyId : null,
    actor: writer.kind === 'apply' ? writer.actor : null,
    outsideRole: writer.kind === 'outside' ? writer.role : null,
    at: user.directory?.updatedAt ?? '',
  };
}


type UserEvent = 'user.missing' | 'user.deleted' | 'user.restored' | 'user.blocked' | 'user.unblocked' | 'user.unadopted';

/** What one planned change says about the drift of its user. */
interface Reading {
  readonly event?: UserEvent;
  readonly fields?: readonly DriftField[];
}

interface Pair {
  readonly desired: User;
  readonly current: User;
  readonly roles: ReadonlyMap<string, Role>;
}

type Reader<K extends ChangeKind> = (change: ChangeOf<K>, pair: Pair) => Reading;

const names = (ids: readonly string[], pair: Pair) => roleRefs(ids, pair.roles).map((role) => role.displayName);
const rolesField = (_change: unknown, pair: Pair): Reading => ({
  fields: [{ field: 'roles', expected: names(pair.desired.roles, pair), actual: names(pair.current.roles, pair) }],
});
const skus = (user: User) => user.licenses.map((license) => license.sku).sort(compareText);
const licensesField = (_change: unknown, pair: Pair): Reading => ({
  fields: [{ field: 'licenses', expected: skus(pair.desired), actual: skus(pair.current) }],
});

/**
 * Each kind of planned change, read backwards: the plan would undo it, so the
 * tenant drifted from the configuration that way. A change kind nobody reads
 * fails to compile. Roles and licenses are reported as whole lists.
 */
const READERS: { readonly [K in ChangeKind]: Reader<K> } = {
  'user.create': () => ({ event: 'user.missing' }),
  // Pending work the configuration asks for, not drift: the purge precedes a
  // create (reported as missing), the rename an account found by its old UPN.
  'user.purge': () => ({}),
  'user.rename': () => ({}),
  'user.restore': (_change, pair) => ({ event: pair.current.directory?.managed ? 'user.deleted' : 'user.missing' }),
  'user.adopt': () => ({ event: 'user.unadopted' }),
  'user.delete': () => ({ event: 'user.restored' }),
  'user.block': () => ({ event: 'user.unblocked' }),
  'user.unblock': () => ({ event: 'user.blocked' }),
  'user.update': (change) => ({
    fields: change.attributes.map(({ attribute, from, to }) => ({ field: attribute, expected: to as FieldValue, actual: from as FieldValue })),
  }),
  // A reset the configuration asks for is pending work, not drift.
  'user.password-reset': () => ({}),
  'role.grant': rolesField,
  'role.revoke': rolesField,
  'license.assign': licensesField,
  'license.remove': licensesField,
  'license.update': (change) => ({
    fields: [{ field: 'disabledPlans', sku: change.sku, expected: change.toDisabledPlans, actual: change.fromDisabledPlans }],
  }),
};

const FIELD_ORDER: readonly string[] = ['userPrincipalName', ...USER_ATTRIBUTES, 'accountEnabled', 'roles', 'licenses', 'disabledPlans'];
const fieldKey = (field: DriftField) => `${String(FIELD_ORDER.indexOf(field.field)).padStart(2, '0')} ${'sku' in field ? field.sku : ''}`;

/** The planner's changes for one declared user, read as drift: what happened to the user, and which fields differ. */
function readUser(desired: User, current: User, roles: ReadonlyMap<string, Role>, now: Date): { events: Set<UserEvent>; fields: DriftField[] } {
  const pair: Pair = { desired, current, roles };
  const events = new Set<UserEvent>();
  const fields = new Map<string, DriftField>();
  for (const change of diffUser(desired, current, { now })) {
    const reading = (READERS[change.kind] as Reader<ChangeKind>)(change, pair);
    if (reading.event) events.add(reading.event);
    for (const field of reading.fields ?? []) fields.set(fieldKey(field), field);
  }
  // The same account (found by its UPN in any case) under its name in another case: the plan renames it back.
  if (desired.userPrincipalName !== current.userPrincipalName) {
    const field: DriftField = { field: 'userPrincipalName', expected: desired.userPrincipalName, actual: current.userPrincipalName };
    fields.set(fieldKey(field), field);
  }
  return { events, fields: [...fields.entries()].sort(([a], [b]) => compareText(a, b)).map(([, field]) => field) };
}

/**
 * Whether the user holds an admin role the configuration does not give it.
 * Any admin role, not Global administrator alone: each can reset passwords,
 * buy or change what users can reach, a plan grants none without
 * --approve-privileged, and an unmanaged user holding one is high too.
 */
const gainsAdminRole = (fields: readonly DriftField[]) => fields.some((f) => f.field === 'roles' && f.actual.some((name) => !f.expected.includes(name)));

/**
 * Whether the user's passwords stopped expiring without the configuration
 * saying so: a password that never expires outlives a leak, which is why it
 * is kept for an emergency account, declared in git.
 */
const losesPasswordExpiry = (fields: readonly DriftField[]) => fields.some((f) => f.field === 'passwordPolicies' && f.actual !== null && f.expected === null);

/**
 * Findings for a declared user, from the planner's comparison. A user whose
 * row was deleted, or who was released from management, outside tenantctl
 * is high: a change to who tenantctl manages made outside git, which the
 * next apply silently undoes (creating a new account, or adopting this one
 * again); unattributed, a missing user is a declaration not applied yet and
 * an unmanaged one an account waiting to be adopted.
 */
function declaredUserFindings(desired: User, current: User | undefined, roles: ReadonlyMap<string, Role>, now: Date, removals: OutsideRemovals): DriftFinding[] {
  const upn = desired.userPrincipalName;
  if (!current?.directory) {
    // A pending rename's account deleted is this declaration's loss too (removalCandidates asks for both).
    const outsideWrite = removals.deleted.get(userKey(upn)) ?? (desired.renamedFrom === undefined ? undefined : removals.deleted.get(userKey(desired.renamedFrom))) ?? null;
    return [{ kind: 'user.missing', severity: outsideWrite ? 'high' : 'medium', userPrincipalName: upn, userId: null, inDeletedUsers: false, outsideWrite }];
  }
  const { id: userId, managed, deletedAt } = current.directory;
  const { events, fields } = readUser(desired, current, roles, now);
  if (events.has('user.missing')) return [{ kind: 'user.missing', severity: 'medium', userPrincipalName: upn, userId, inDeletedUsers: true, outsideWrite: null }];
  if (!managed) {
    // A release of this account is its own latest loss; a replacement is the loss of the account before it.
    const released = removals.released.get(userId);
    const replaced = released ? undefined : removals.replaced.get(userId);
    const outsideWrite = released ?? (replaced ? { databaseRole: replaced.databaseRole, at: replaced.at } : null);
    // Holding an admin role the configuration does not give it (granted by SQL, say) is high, as on a managed user: not hidden by the account not being adopted yet.
    const severity = outsideWrite || gainsAdminRole(fields) ? 'high' : 'low';
    return [{ kind: 'user.unadopted', severity, userPrincipalName: upn, userId, fields, outsideWrite, replacedUserId: replaced?.replacedUserId ?? null }];
  }
  const who = { userPrincipalName: current.userPrincipalName, userId };
  const last = lastChange(current);
  const signIn: DriftField[] = [{ field: 'accountEnabled', expected: desired.accountEnabled, actual: current.accountEnabled }];
  const findings: DriftFinding[] = [];
  if (fields.length > 0) {
    findings.push({ kind: 'user.changed', severity: gainsAdminRole(fields) || losesPasswordExpiry(fields) ? 'high' : 'medium', ...who, fields, lastChange: last });
  }
  if (events.has('user.deleted') && deletedAt) findings.push({ kind: 'user.deleted', severity: 'high', ...who, deletedAt, lastChange: last });
  if (events.has('user.blocked')) findings.push({ kind: 'user.blocked', severity: 'medium', ...who, fields: signIn, lastChange: last });
  if (events.has('user.unblocked')) findings.push({ kind: 'user.unblocked', severity: 'high', ...who, fields: signIn, lastChange: last });
  return findings;
}

/** Findings for a user the configuration does not declare. */
function undeclaredUserFindings(current: User, roles: ReadonlyMap<string, Role>, now: Date): DriftFinding[] {
  const directory = current.directory;
  if (!directory || directory.deletedAt) return [];
  const upn = current.userPrincipalName;
  const held = roleRefs(current.roles, roles);
  const privileged = held.some((role) => role.privileged);
  if (directory.managed) {
    // The planner would delete it again: say so in drift's words.
    const deletes = diffUser(undefined, current, { now }).some((change) => change.kind === 'user.delete');
    if (!deletes) return [];
    return [{ kind: 'user.restored', severity: privileged ? 'critical' : 'high', userPrincipalName: upn, userId: directory.id, privileged, roles: held, lastChange: lastChange(current) }];
  }
  return [
    {
      kind: 'user.unmanaged',
      severity: privileged ? 'critical' : held.length > 0 ? 'high' : 'medium',
      userPrincipalName: upn,
      userId: directory.id,
      displayName: current.attributes.displayName,
      accountEnabled: current.accountEnabled,
      privileged,
      roles: held,
      licenses: current.licenses,
      // Who inserted the row outside tenantctl: read after the comparison (readCreatedOutside), for these findings alone.
      createdOutside: null,
      // The managed users it looks like: found once every unmanaged user is known (withLookalikes).
      lookalikeOf: [],
    },
  ];
}

/** An account renamed outside tenantctl while the configuration declares its old UPN. */
function renamedFinding({ declared, account, rename }: RenamedOutside, roles: ReadonlyMap<string, Role>): DriftFinding {
  const held = roleRefs(account.roles, roles);
  const privileged = held.some((role) => role.privileged);
  return {
    kind: 'user.renamed',
    severity: privileged ? 'critical' : 'high',
    userPrincipalName: account.userPrincipalName,
    userId: account.directory!.id,
    declaredAs: declared.userPrincipalName,
    managed: account.directory!.managed,
    renamedAt: rename.at,
    renamedBy: rename.databaseRole,
    privileged,
    roles: held,
    lastChange: lastChange(account),
  };
}

/** Seats bought and unused, and subscriptions with more assignments than seats. */
function seatFindings(catalog: Catalog, current: TenantState): DriftFinding[] {
  const consumed = new Map<string, number>();
  for (const user of current.users.values()) for (const { sku } of user.licenses) consumed.set(sku, (consumed.get(sku) ?? 0) + 1);
  return catalog.subscriptions.flatMap((s): DriftFinding[] => {
    const used = consumed.get(s.sku) ?? 0;
    const seat = { sku: s.sku, productName: s.productName, purchased: s.seats, consumed: used, unitPrice: s.unitPrice, currency: s.currency };
    if (used > s.seats) {
      return [{ kind: 'seats.overconsumed', severity: 'high', ...seat, excess: used - s.seats, monthlyCost: cents((used - s.seats) * s.unitPrice) }];
    }
    if (used < s.seats) {
      return [{ kind: 'seats.unused', severity: 'info', ...seat, unused: s.seats - used, monthlyCost: cents((s.seats - used) * s.unitPrice) }];
    }
    return [];
  });
}

/** Temporary passwords tenantctl set that were never changed and are past their expiry. */
function passwordFindings(current: TenantState, now: Date): DriftFinding[] {
  return [...current.users.values()].flatMap((user): DriftFinding[] => {
    const directory = user.directory;
    if (!directory || directory.deletedAt || !directory.passwordTemporary || !directory.passwordExpiresAt) return [];
    const overdue = now.getTime() - Date.parse(directory.passwordExpiresAt);
    if (!(overdue > 0)) return [];
    return [
      {
        kind: 'password.expired',
        severity: 'medium',
        userPrincipalName: user.userPrincipalName,
        userId: directory.id,
        managed: directory.managed,
        passwordSetAt: directory.passwordSetAt,
        passwordExpiresAt: directory.passwordExpiresAt,
        daysOverdue: Math.floor(overdue / DAY_MS),
        lastChange: lastChange(user),
      },
    ];
  });
}

/**
 * Passwords reset, or their required change switched off, outside tenantctl
 * and still temporary now: once the user chooses their own password the
 * directory sets password_temporary to false (migration 0002), and that is
 * no finding. The required change counts only while it is still off.
 */
function passwordOutsideFindings(current: TenantState, written: ReadonlyMap<string, PasswordWrittenOutside>, roles: ReadonlyMap<string, Role>): DriftFinding[] {
  if (written.size === 0) return [];
  return [...current.users.values()].flatMap((user): DriftFinding[] => {
    const directory = user.directory;
    const outside = directory && !directory.deletedAt && directory.passwordTemporary ? written.get(directory.id) : undefined;
    if (!directory || !outside) return [];
    const changes = outside.changes.filter((change) => change === 'reset' || !directory.forceChangePassword);
    if (changes.length === 0) return [];
    const held = roleRefs(user.roles, roles);
    return [
      {
        kind: 'password.changed-outside',
        severity: held.length > 0 ? 'critical' : 'high',
        userPrincipalName: user.userPrincipalName,
        userId: directory.id,
        managed: directory.managed,
        roles: held,
        changes,
        outsideWrite: outside.write,
      },
    ];
  });
}

const CLASS_ORDER = new Map(DRIFT_CLASSES.map((c, index) => [c, index]));
const KIND_ORDER = new Map(DRIFT_KINDS.map((kind, index) => [kind, index]));
const subjectKey = (finding: DriftFinding) => ('sku' in finding ? finding.sku : finding.userPrincipalName.toLowerCase());

function compareFindings(a: DriftFinding, b: DriftFinding): number {
  return (
    (CLASS_ORDER.get(driftClass(a)) ?? 0) - (CLASS_ORDER.get(driftClass(b)) ?? 0) ||
    (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0) ||
    compareText(subjectKey(a), subjectKey(b))
  );
}

function summarize(findings: readonly DriftFinding[], currency: string): DriftSummary {
  const bySeverity = Object.fromEntries(DRIFT_SEVERITIES.map((s) => [s, 0])) as Record<DriftSeverity, number>;
  const byKind: Partial<Record<DriftKind, number>> = {};
  let unusedSeats = 0;
  let unusedCents = 0;
  for (const finding of findings) {
    bySeverity[finding.severity]++;
    byKind[finding.kind] = (byKind[finding.kind] ?? 0) + 1;
    if (finding.kind === 'seats.unused') {
      unusedSeats += finding.unused;
      unusedCents += Math.round(finding.monthlyCost * 100);
    }
  }
  const notices = bySeverity.info;
  return {
    drift: findings.length > notices,
    findings: findings.length - notices,
    notices,
    privilegedUnmanaged: findings.filter((f) => driftClass(f) === 'privileged').length,
    // Privileged look-alikes are counted in privilegedUnmanaged, as the headline and the sections count them: the counts add up.
    lookalikes: findings.filter((f) => driftClass(f) === 'lookalike').length,
    bySeverity,
    byKind,
    unusedSeats,
    unusedMonthlyCost: unusedCents / 100,
    currency,
  };
}

/**
 * A declared user renamed outside git, under the names its account has now:
 * those sign in and show in the address book, so an impostor of them is
 * named as one of the declared names is; with the declared roles too, as the
 * configuration's administrator is guarded from typo-squats whatever its
 * account holds.
 */
const asDeclaredNow = ({ declared, account }: RenamedOutside): User => ({ ...account, roles: [...new Set([...account.roles, ...declared.roles])] });

/**
 * What differs between the configuration (desired) and the tenant (current),
 * classified. Declared users are compared with the planner's own `diffUser`,
 * read backwards, so drift and plan never disagree on what differs. Pure: no
 * I/O and no clock (`now` is passed in); the same inputs give the same report.
 */
export function computeDrift(input: DriftInput): DriftReport {
  const roles = new Map(input.catalog.roles.map((role) => [role.templateId, role]));
  // A pending rename compares the declaration with the account it renames, as the planner does.
  const currentUsers = resolveRenames(input.desired, input.current, input.now).current;
  const renamed = renamedOutside(input.desired.users, currentUsers, input.current.outsideRenames, input.now);
  // One finding for the pair, not a missing user and an undeclared one.
  const paired = new Set(renamed.flatMap(({ declared, account }) => [userKey(declared.userPrincipalName), userKey(account.userPrincipalName)]));
  const keys = [...new Set([...input.desired.users.keys(), ...currentUsers.keys()])].filter((key) => !paired.has(key)).sort();
  const userFindings = [
    ...renamed.map((pair) => renamedFinding(pair, roles)),
    ...keys.flatMap((key) => {
      const desired = input.desired.users.get(key);
      const current = currentUsers.get(key);
      if (desired) return declaredUserFindings(desired, current, roles, input.now, input.outsideRemovals ?? NO_OUTSIDE_REMOVALS);
      return current ? undeclaredUserFindings(current, roles, input.now) : [];
    }),
  ];
  const findings = [
    ...withLookalikes(
      oneFindingPerDeletedUser(userFindings, licensedInRecycleBinFindings(input.desired, currentUsers)),
      [...input.desired.users.values(), ...renamed.map(asDeclaredNow)],
      currentUsers,
    ),
    ...recycleBinFindings(input.current, roles, input.now),
    ...seatFindings(input.catalog, input.current),
    ...passwordFindings(input.current, input.now),
    ...passwordOutsideFindings(input.current, input.passwordsWrittenOutside ?? new Map(), roles),
  ].sort(
    compareFindings,
  );
  const currency = input.catalog.subscriptions[0]?.currency ?? 'USD';
  return { checkedAt: input.now.toISOString(), findings, summary: summarize(findings, currency) };
}
