import { roleRefs } from '../catalog/role-refs.js';
import { GLOBAL_ADMINISTRATOR, type Catalog } from '../catalog/catalog.js';
import type { Settings } from '../state/settings.js';
import { holdsLicencesWhileDeleted, type LicenseAssignment, type TenantState, type User } from '../state/tenant-state.js';
import { accessLosses, countLosses } from './access-losses.js';
import { isUserChange } from './change-address.js';
import { adminEmailWarnings, newAdminEmail } from './admin-email-warnings.js';
import { heldNote, heldSettings, loosenedGuardWarnings } from './held-limits.js';
import { CHANGE_KINDS, type Change, type ChangeKind } from './change.js';
import { diffUser } from './diff-user.js';
import { formerNamesOf } from './former-names.js';
import { globalAdminWarnings } from './global-admins.js';
import { lookalikeWarnings } from './lookalike-warnings.js';
import type { Plan, PlanSummary, PlannedChange, UnmanagedAdmin } from './plan.js';
import type { PlanProblem } from './plan-problem.js';
import { rolesForPrivilege, rolesGranted } from './privileged-roles.js';
import { reclaimableSeats } from './reclaimable-seats.js';
import { renameSourceWarnings, resolveRenames } from './rename.js';
import { renamedOutside, renamedOutsideWarnings } from './outside-renames.js';
import { unapprovedWayInWarnings } from './unapproved-ways-in.js';
import { recipientMailboxWarnings } from './recipient-mailboxes.js';
import { approvalsFor, deletionsAboveThreshold, deletionWarning, loosenedLimitWarnings, risksOf } from './risk.js';
import { seatOutcome } from './seats.js';
import { servingLicences } from './serving-licences.js';
import { settingsToRecord } from './settings-to-record.js';
import { userSnapshot } from './user-snapshot.js';
import { unsentResets, withheldAdminCopies } from './withheld-admin-copies.js';

export interface PlanInput {
  readonly desired: TenantState;
  readonly current: TenantState;
  readonly catalog: Catalog;
  readonly settings: Settings;
  /** The settings the latest apply recorded (null: none did): the deletion limits are held to them where lower. */
  readonly applied?: Settings | null;
  /** The planning time: decides what the recycle bin still holds and until when a deletion can be undone. */
  readonly now: Date;
}

export interface PlanResult {
  readonly plan: Plan;
  /** Why this plan may not be applied at all (lockout, unbuyable seats), each with what it concerns. */
  readonly problems: readonly PlanProblem[];
}

const KIND_ORDER = new Map(CHANGE_KINDS.map((kind, index) => [kind, index]));

/** Within one user: by kind, then by the role or sku it concerns. */
function detailKey(change: Change): string {
  if ('roleTemplateId' in change) return change.roleName;
  if ('sku' in change) return change.sku;
  if ('license' in change) return change.license.sku;
  return '';
}

/** What changes are ordered by, worked out once per change rather than once per comparison. */
interface SortKey {
  readonly change: Change;
  readonly user: string;
  readonly kind: number;
  readonly detail: string;
}

function sortKey(change: Change): SortKey {
  return { change, user: change.userPrincipalName.toLowerCase(), kind: KIND_ORDER.get(change.kind) ?? 0, detail: detailKey(change) };
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (a.user !== b.user) return a.user < b.user ? -1 : 1;
  if (a.kind !== b.kind) return a.kind - b.kind;
  return a.detail < b.detail ? -1 : a.detail > b.detail ? 1 : 0;
}

/** By user (ignoring case), then kind, then the role or sku; a stable sort, so equal changes keep their order. */
function sortChanges(changes: readonly Change[]): Change[] {
  return changes.map(sortKey).sort(compareKeys).map((key) => key.change);
}

const isActive = (user: User | undefined): user is User => user !== undefined && !user.directory?.deletedAt;

export function enabledGlobalAdmins(users: Iterable<User>): number {
  let count = 0;
  for (const user of users) if (user.accountEnabled && user.roles.includes(GLOBAL_ADMINISTRATOR)) count++;
  return count;
}

/** What happens to each user as a whole, most telling first; a user is counted once. */
const USER_OUTCOMES: readonly [ChangeKind, 'create' | 'restore' | 'rename' | 'delete'][] = [
  ['user.create', 'create'],
  ['user.restore', 'restore'],
  ['user.rename', 'rename'],
  ['user.delete', 'delete'],
];

function summarize(changes: readonly Change[], seatsToPurchase: number): PlanSummary {
  const byKind: Partial<Record<ChangeKind, number>> = {};
  const kindsByUser = new Map<string, Set<ChangeKind>>();
  for (const change of changes) {
    byKind[change.kind] = (byKind[change.kind] ?? 0) + 1;
    const key = change.userPrincipalName.toLowerCase();
    const kinds = kindsByUser.get(key) ?? new Set<ChangeKind>();
    kinds.add(change.kind);
    kindsByUser.set(key, kinds);
  }
  const counts = { create: 0, restore: 0, rename: 0, update: 0, delete: 0 };
  for (const kinds of kindsByUser.values()) {
    const outcome = USER_OUTCOMES.find(([kind]) => kinds.has(kind))?.[1] ?? 'update';
    counts[outcome]++;
  }
  return { ...counts, seatsToPurchase, byKind };
}

/** Before and after states of a user change, for policy engines reading the JSON plan. */
function statesOf(change: Change, desired: User | undefined, current: User | undefined): PlannedChange['states'] {
  if (change.kind === 'user.purge') return { before: userSnapshot(current), after: null };
  if (change.kind === 'user.create') return { before: null, after: userSnapshot(desired) };
  if (change.kind === 'user.delete') return { before: userSnapshot(current), after: null };
  return { before: userSnapshot(current), after: userSnapshot(desired) };
}

/**
 * A subscription short of seats it cannot buy is about the first license the
 * plan assigns of it (changes are sorted by user), if it assigns one: that
 * is where the configuration asks for the seat. Looked for only when such a
 * problem exists.
 */
function toFirstAssignment(problem: PlanProblem, changes: readonly Change[]): PlanProblem {
  const { concerns } = problem;
  if (concerns.kind !== 'subscription') return problem;
  const first = changes.find((change) => change.kind === 'license.assign' && change.license.sku === concerns.sku);
  return first ? { ...problem, concerns: { kind: 'license', userPrincipalName: first.userPrincipalName, sku: concerns.sku } } : problem;
}

/** The unmanaged users who hold admin roles, privileged first (drift calls them critical), each group in UPN order. */
function unmanagedAdmins(users: readonly User[], catalog: Catalog): UnmanagedAdmin[] {
  const roles = new Map(catalog.roles.map((role) => [role.templateId, role]));
  const admins = users
    .filter((user) => user.roles.length > 0)
    .map((user): UnmanagedAdmin => {
      const held = roleRefs(user.roles, roles);
      return { userPrincipalName: user.userPrincipalName, roles: held.map((role) => role.displayName), privileged: held.some((role) => role.privileged) };
    });
  return [...admins.filter((admin) => admin.privileged), ...admins.filter((admin) => !admin.privileged)];
}

/**
 * Compares desired with current state. Pure: no I/O, no clock (`now` is an
 * input), no randomness; the same inputs give the same plan in any input order.
 */
export function computePlan(input: PlanInput): PlanResult {
  const renames = resolveRenames(input.desired, input.current, input.now);
  const currentUsers = renames.current;
  const allKeys = new Set(input.desired.users.keys());
  for (const key of currentUsers.keys()) allKeys.add(key);
  const keys = [...allKeys].sort();
  const adminEmail = input.settings.adminEmail;
  const tenantDomains = new Set(input.catalog.domains.map((d) => d.name.toLowerCase()));
  const formerNames = formerNamesOf(input.current, (key) => input.desired.users.has(key));
  const adminCopy = adminEmail ? { adminEmail, tenantDomains, formerNames } : undefined;
  const context = { now: input.now, adminCopy };
  // The roles each change's user holds now, whatever UPN the change carries (renames).
  const heldRoles = new Map<Change, readonly string[]>();
  for (const change of renames.changes) heldRoles.set(change, currentUsers.get(change.userPrincipalName.toLowerCase())?.roles ?? []);
  const unsorted: Change[] = [...renames.changes];
  // Every active user as they are now, and every user as the tenant would have
  // them after the plan: declared ones as declared, the rest as they are.
  const activeNow: User[] = [];
  const after: User[] = [];
  /** Licences held by users in the recycle bin (assigned outside tenantctl): now, and still after the plan. */
  const heldInBin: (readonly LicenseAssignment[])[] = [];
  const binAfter: (readonly LicenseAssignment[])[] = [];
  /** The subscriptions each active user holds a seat of now, by key: seats to reclaim are among them. */
  const heldNow = new Map<string, ReadonlySet<string>>();
  /** The changes the deletion threshold counts, which carry the `deletion` risk (access-losses.ts). */
  const losses = new Set<Change>();
  const serves = servingLicences(input.catalog);
  for (const key of keys) {
    const desired = input.desired.users.get(key);
    const current = currentUsers.get(key);
    const userChanges = diffUser(desired, current, context);
    for (const change of userChanges) {
      heldRoles.set(change, current?.roles ?? []);
      unsorted.push(change);
    }
    const active = isActive(current);
    for (const change of accessLosses(userChanges, desired, active ? current : undefined, serves)) losses.add(change);
    if (active) {
      activeNow.push(current);
      heldNow.set(key, new Set(current.licenses.map((licence) => licence.sku)));
    }
    if (holdsLicencesWhileDeleted(current)) {
      // Its seats count (the database counts them) until the plan restores or purges the user, before and after.
      heldInBin.push(current.licenses);
      if (!desired) binAfter.push(current.licenses);
    }
    if (desired) after.push(desired);
    else if (active && !current.directory?.managed) after.push(current);
  }
  const changes = sortChanges(unsorted);

  const unitPrices = new Map(input.catalog.subscriptions.map((s) => [s.sku, s.unitPrice]));
  const held = heldSettings(input.settings, input.applied ?? null);
  const seats = seatOutcome(
    input.catalog.subscriptions,
    [...activeNow.map((user) => user.licenses), ...heldInBin],
    [...after.map((user): readonly LicenseAssignment[] => user.licenses), ...binAfter],
    held,
    reclaimableSeats(after, unitPrices, heldNow),
  );
  const purchased = new Set(seats.purchases.map((p) => p.sku));
  const granted = rolesGranted(changes);
  const planned: PlannedChange[] = changes.map((change) => {
    const risks = risksOf(change, purchased, rolesForPrivilege(change, heldRoles.get(change) ?? [], granted), losses.has(change));
    if (!isUserChange(change)) return { change, risks };
    const key = change.userPrincipalName.toLowerCase();
    return { change, risks, states: statesOf(change, input.desired.users.get(key), currentUsers.get(key)) };
  });

  const managedUsers = activeNow.filter((user) => user.directory?.managed).length;
  const deletionProblem = deletionsAboveThreshold({ ...countLosses([...losses]), managedUsers, settings: input.settings, applied: input.applied ?? null });

  const problems: PlanProblem[] = [...renames.problems, ...seats.problems.map((problem) => toFirstAssignment(problem, changes))];
  const admins = enabledGlobalAdmins(after);
  const adminsNow = enabledGlobalAdmins(activeNow);
  // The recorded minimum holds a plan that takes a Global administrator away; one
  // that takes none (a tenant already below it) is how a lower minimum gets recorded.
  const minGlobalAdmins = admins < adminsNow ? held.minGlobalAdmins : input.settings.minGlobalAdmins;
  if (admins < minGlobalAdmins) {
    problems.push({
      message: `this plan would leave ${admins} enabled Global administrator(s), fewer than settings.minGlobalAdmins (${minGlobalAdmins}${minGlobalAdmins === input.settings.minGlobalAdmins ? '' : heldNote(input.settings.minGlobalAdmins)}); the tenant would be locked out of administration`,
      concerns: { kind: 'setting', path: ['minGlobalAdmins'] },
    });
  }
  for (const change of changes) {
    if ((change.kind === 'user.create' || change.kind === 'user.password-reset') && change.notify.length === 0 && !input.settings.adminEmail) {
      problems.push({
        message: `nobody would receive the temporary password of ${change.userPrincipalName}: set notify on the user or settings.adminEmail`,
        concerns: { kind: 'user', userPrincipalName: change.userPrincipalName },
      });
    }
  }
  problems.push(...unsentResets(changes, adminEmail));
  const monthlyCostIncrease = Math.round(seats.purchases.reduce((sum, p) => sum + p.monthlyCost * 100, 0)) / 100;
  const seatsToPurchase = seats.purchases.reduce((sum, p) => sum + p.quantity, 0);
  const unmanagedUsers = activeNow.filter((user) => !user.directory?.managed && !input.desired.users.has(user.userPrincipalName.toLowerCase()));
  const tooManyAdmins = globalAdminWarnings({ before: adminsNow, after: admins, settings: held });
  const adminEmailChanged = adminEmailWarnings(input.settings, input.applied ?? null);
  const recipientsTaken = recipientMailboxWarnings({
    changes,
    desired: input.desired.users,
    current: currentUsers,
    adminEmail,
    tenantDomains,
    formerNames,
    ...(input.current.queuedRecipients ? { queuedRecipients: input.current.queuedRecipients } : {}),
    ...(input.current.recordedAdminEmails ? { recordedAdminEmails: input.current.recordedAdminEmails } : {}),
  });
  return {
    plan: {
      changes: planned,
      purchases: seats.purchases,
      freedSeats: seats.freedSeats,
      currency: input.catalog.subscriptions[0]?.currency ?? 'USD',
      monthlyCostIncrease,
      summary: summarize(changes, seatsToPurchase),
      // More Global administrators than settings.maxGlobalAdmins added by this plan is privileged too, and so
      // is a mailbox given an address temporary passwords are sent to, or settings.adminEmail a new one.
      approvals: approvalsFor(
        seats.purchases.length > 0,
        deletionProblem,
        planned.some((p) => p.risks.includes('privileged')) ||
          tooManyAdmins.some((w) => w.code === 'GLOBAL_ADMINS_ABOVE_MAX') ||
          recipientsTaken.length > 0 ||
          (input.applied != null && newAdminEmail(input.applied.adminEmail, input.settings.adminEmail)),
      ),
      warnings: [
        ...deletionWarning(deletionProblem),
        ...loosenedLimitWarnings(input.settings, input.applied ?? null),
        ...loosenedGuardWarnings(input.settings, input.applied ?? null, admins < adminsNow),
        ...adminEmailChanged,
        ...tooManyAdmins,
        ...recipientsTaken,
        ...unapprovedWayInWarnings(granted, currentUsers, input.current.unapprovedWaysIn, input.current.formerNames),
        ...withheldAdminCopies(changes, adminEmail),
        ...lookalikeWarnings({ changes, current: currentUsers, desired: input.desired.users, catalog: input.catalog, settings: input.settings }),
        ...renameSourceWarnings(changes, input.desired.users),
        ...renamedOutsideWarnings(renamedOutside(input.desired.users, currentUsers, input.current.outsideRenames, input.now)),
      ],
      unmanagedUsers: unmanagedUsers.map((user) => user.userPrincipalName),
      unmanagedAdmins: unmanagedAdmins(unmanagedUsers, input.catalog),
      settingsToRecord: settingsToRecord(input.settings, input.applied ?? null),
    },
    problems,
  };
}
