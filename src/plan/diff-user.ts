import jsonpatch from 'fast-json-patch';
import { roleName } from '../catalog/builtin-roles.js';
import type { LicenseAssignment, User, UserAttributes } from '../state/tenant-state.js';
import type { AttributeChange, Change } from './change.js';
import { withholdsAdminCopy, type AdminCopy } from './admin-copy.js';
import { isExpired, restorableUntil } from './recycle-bin.js';
import { accountEnabledPatch, disabledPlansPatch } from './state-patch.js';

/** What diffing needs besides the two users: the planning time (the planner reads no clock), and settings.adminEmail. */
export interface DiffContext {
  readonly now: Date;
  /** settings.adminEmail, where a reset may have to withhold its copy (admin-copy.ts); absent: nothing is withheld. */
  readonly adminCopy?: AdminCopy;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/*
 * Loops rather than filter/map chains: a plan diffs every declared user, and
 * in the usual plan almost none has changed, so the lists built per user
 * (about fifteen at 100,000 users) were the planner's main garbage.
 */
const NO_CHANGES: readonly never[] = Object.freeze([]);

function attributeChanges(from: UserAttributes, to: UserAttributes): AttributeChange[] {
  let changes: AttributeChange[] | undefined;
  // for-in visits own keys in Object.keys order (plain objects), without building the list.
  for (const key in to) {
    const name = key as keyof UserAttributes;
    const a = from[name];
    const b = to[name];
    if (Array.isArray(a) && Array.isArray(b) ? sameList(a, b) : a === b) continue;
    (changes ??= []).push({ attribute: name, from: a ?? null, to: b ?? null });
  }
  // Left out when not set (tenant-state.ts), so for-in over `to` never meets the one the current user alone has.
  if (from.passwordPolicies !== undefined && to.passwordPolicies === undefined) {
    (changes ??= []).push({ attribute: 'passwordPolicies', from: from.passwordPolicies, to: null });
  }
  return changes ?? (NO_CHANGES as never[]);
}

export function roleChanges(upn: string, from: readonly string[], to: readonly string[]): readonly Change[] {
  if (sameList(from, to)) return NO_CHANGES;
  const revoke = from.filter((role) => !to.includes(role));
  const grant = to.filter((role) => !from.includes(role));
  return [
    ...revoke.map((id): Change => ({ kind: 'role.revoke', userPrincipalName: upn, roleTemplateId: id, roleName: roleName(id) })),
    ...grant.map((id): Change => ({ kind: 'role.grant', userPrincipalName: upn, roleTemplateId: id, roleName: roleName(id) })),
  ];
}

const sameLicenses = (a: readonly LicenseAssignment[], b: readonly LicenseAssignment[]) =>
  a.length === b.length && a.every((held, i) => held.sku === b[i]!.sku && sameList(held.disabledPlans, b[i]!.disabledPlans));

export function licenseChanges(upn: string, from: readonly LicenseAssignment[], to: readonly LicenseAssignment[]): readonly Change[] {
  if (sameLicenses(from, to)) return NO_CHANGES;
  const changes: Change[] = [];
  for (const held of from) {
    if (!to.some((l) => l.sku === held.sku)) changes.push({ kind: 'license.remove', userPrincipalName: upn, sku: held.sku });
  }
  for (const wanted of to) {
    // The index is the licence's place in the user's state before the plan (`from`): where its patch points.
    const index = from.findIndex((l) => l.sku === wanted.sku);
    const held = from[index];
    if (!held) changes.push({ kind: 'license.assign', userPrincipalName: upn, license: wanted });
    else if (!sameList(held.disabledPlans, wanted.disabledPlans)) {
      changes.push({
        kind: 'license.update',
        userPrincipalName: upn,
        sku: wanted.sku,
        fromDisabledPlans: held.disabledPlans,
        toDisabledPlans: wanted.disabledPlans,
        patch: disabledPlansPatch(index, wanted.sku, wanted.disabledPlans),
      });
    }
  }
  return changes;
}

function createUser(desired: User): Change[] {
  const upn = desired.userPrincipalName;
  const password = desired.password;
  return [
    {
      kind: 'user.create',
      userPrincipalName: upn,
      accountEnabled: desired.accountEnabled,
      attributes: desired.attributes,
      password: password?.source ?? { kind: 'generate' },
      forceChangePasswordNextSignIn: password?.forceChangePasswordNextSignIn ?? true,
      notify: desired.notify ?? [],
      resetToken: password?.resetToken ?? null,
    },
    ...roleChanges(upn, [], desired.roles),
    ...licenseChanges(upn, [], desired.licenses),
  ];
}

/** Brings an existing user (active, deleted, or not yet managed) in line. */
function reconcileUser(desired: User, current: User, userId: string, adminCopy: AdminCopy | undefined): Change[] {
  const upn = desired.userPrincipalName;
  const directory = current.directory;
  const changes: Change[] = [];
  if (directory?.deletedAt) {
    changes.push({ kind: 'user.restore', userPrincipalName: upn, userId, deletedAt: directory.deletedAt, restorableUntil: restorableUntil(directory.deletedAt) });
  }
  if (!directory?.managed) changes.push({ kind: 'user.adopt', userPrincipalName: upn, userId });
  const attributes = attributeChanges(current.attributes, desired.attributes);
  if (attributes.length > 0) {
    const patch = jsonpatch.compare(current.attributes, desired.attributes);
    changes.push({ kind: 'user.update', userPrincipalName: upn, userId, patch, attributes });
  }
  if (desired.accountEnabled !== current.accountEnabled) {
    changes.push({ kind: desired.accountEnabled ? 'user.unblock' : 'user.block', userPrincipalName: upn, userId, patch: accountEnabledPatch(desired.accountEnabled) });
  }
  const password = desired.password;
  if (password?.resetToken && password.resetToken !== directory?.passwordResetToken) {
    changes.push({
      kind: 'user.password-reset',
      userPrincipalName: upn,
      userId,
      password: password.source,
      forceChangePasswordNextSignIn: password.forceChangePasswordNextSignIn,
      notify: desired.notify ?? [],
      resetToken: password.resetToken,
      ...(adminCopy && withholdsAdminCopy(adminCopy, desired, current) ? { adminCopyWithheld: true as const } : {}),
    });
  }
  for (const change of roleChanges(upn, current.roles, desired.roles)) changes.push(change);
  for (const change of licenseChanges(upn, current.licenses, desired.licenses)) changes.push(change);
  return changes;
}

/**
 * The changes for one user key. `desired` undefined means "not declared":
 * a managed user is deleted (soft); an unmanaged one is never touched.
 */
export function diffUser(desired: User | undefined, current: User | undefined, context: DiffContext): readonly Change[] {
  if (desired && !current) return createUser(desired);
  if (!current?.directory) return NO_CHANGES;
  const { id, managed, deletedAt } = current.directory;
  if (desired && deletedAt && isExpired(deletedAt, context.now)) {
    // Past the recycle bin's 30 days the old account is gone for good: a new
    // one is created, and the expired row removed so the UPN is free again.
    return [{ kind: 'user.purge', userPrincipalName: current.userPrincipalName, userId: id, deletedAt }, ...createUser(desired)];
  }
  if (desired) return reconcileUser(desired, current, id, context.adminCopy);
  if (managed && !deletedAt) {
    return [{ kind: 'user.delete', userPrincipalName: current.userPrincipalName, userId: id, restorableUntil: restorableUntil(context.now) }];
  }
  return NO_CHANGES;
}
