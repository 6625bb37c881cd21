import type { Operation } from 'fast-json-patch';
import type { LicenseAssignment, PasswordPolicy, UserAttributes } from '../state/tenant-state.js';

/** Why a reviewer should look twice at a change; drives `approvals` and warnings. */
export type RiskClass = 'purchase' | 'deletion' | 'privileged' | 'sign-in-blocked';

/** One attribute before and after, for people; the `patch` is for machines. */
export interface AttributeChange {
  readonly attribute: keyof UserAttributes;
  readonly from: unknown;
  readonly to: unknown;
}

/**
 * A change is plain data tagged by `kind`. Every consumer (renderers, SQL
 * writers, risk classification) is a `Record<ChangeKind, …>` so a new kind
 * nobody handles fails to compile. No change ever holds a password.
 */
export type Change =
  | {
      readonly kind: 'user.create';
      readonly userPrincipalName: string;
      readonly accountEnabled: boolean;
      readonly attributes: UserAttributes;
      /** Where the temporary password comes from; never the password. */
      readonly password: PasswordPolicy['source'];
      readonly forceChangePasswordNextSignIn: boolean;
      readonly notify: readonly string[];
      readonly resetToken: string | null;
    }
  | {
      readonly kind: 'user.update';
      readonly userPrincipalName: string;
      readonly userId: string;
      /** RFC 6902 patch from the current attributes to the desired ones: against the user state's `attributes`, not the whole state. */
      readonly patch: readonly Operation[];
      readonly attributes: readonly AttributeChange[];
    }
  | {
      readonly kind: 'user.delete';
      readonly userPrincipalName: string;
      readonly userId: string;
      /** Until when the deletion can be undone (30 days from the apply's planning time). */
      readonly restorableUntil: string;
    }
  | {
      readonly kind: 'user.restore';
      readonly userPrincipalName: string;
      readonly userId: string;
      readonly deletedAt: string;
      readonly restorableUntil: string;
    }
  | {
      /** The same account (id, roles, licences, password, history) under a new UPN. */
      readonly kind: 'user.rename';
      readonly userPrincipalName: string;
      readonly fromUserPrincipalName: string;
      readonly userId: string;
    }
  | {
      /** A user deleted more than 30 days ago, gone for good: its row is removed so the UPN can be used again. */
      readonly kind: 'user.purge';
      readonly userPrincipalName: string;
      readonly userId: string;
      readonly deletedAt: string;
    }
  | { readonly kind: 'user.adopt'; readonly userPrincipalName: string; readonly userId: string }
  | SignInChange<'user.block'>
  | SignInChange<'user.unblock'>
  | {
      readonly kind: 'user.password-reset';
      readonly userPrincipalName: string;
      readonly userId: string;
      readonly password: PasswordPolicy['source'];
      readonly forceChangePasswordNextSignIn: boolean;
      readonly notify: readonly string[];
      readonly resetToken: string;
      /**
       * settings.adminEmail is this user's own mailbox, so it gets no copy of
       * the password (admin-copy.ts); absent when it does get one.
       */
      readonly adminCopyWithheld?: true;
    }
  | RoleChange<'role.grant'>
  | RoleChange<'role.revoke'>
  | { readonly kind: 'license.assign'; readonly userPrincipalName: string; readonly license: LicenseAssignment }
  | {
      readonly kind: 'license.update';
      readonly userPrincipalName: string;
      readonly sku: string;
      readonly fromDisabledPlans: readonly string[];
      readonly toDisabledPlans: readonly string[];
      /** RFC 6902 patch of the user's state before the plan: this licence's disabledPlans, by its index there (state-patch.ts). */
      readonly patch: readonly Operation[];
    }
  | { readonly kind: 'license.remove'; readonly userPrincipalName: string; readonly sku: string };

/** Sign-in blocked or allowed again: an update of the user's `accountEnabled`. */
interface SignInChange<K extends string> {
  readonly kind: K;
  readonly userPrincipalName: string;
  readonly userId: string;
  /** RFC 6902 patch of the user's state before the plan: `/accountEnabled` (state-patch.ts). */
  readonly patch: readonly Operation[];
}

interface RoleChange<K extends string> {
  readonly kind: K;
  readonly userPrincipalName: string;
  readonly roleTemplateId: string;
  readonly roleName: string;
}

export type ChangeKind = Change['kind'];
export type ChangeOf<K extends ChangeKind> = Extract<Change, { kind: K }>;

/** Every kind, in the order changes of one user are listed and applied. */
export const CHANGE_KINDS: readonly ChangeKind[] = [
  'user.purge',
  'user.rename',
  'user.create',
  'user.restore',
  'user.adopt',
  'user.update',
  'user.unblock',
  'user.password-reset',
  'license.remove',
  'license.update',
  'license.assign',
  'role.revoke',
  'role.grant',
  'user.block',
  'user.delete',
];
