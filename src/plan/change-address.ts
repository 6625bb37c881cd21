import type { Change, ChangeKind } from './change.js';

/**
 * A change's address in the JSON plan: what it changes, stable across plans
 * so that a policy engine can match on it. The user part is the lower-cased
 * UPN (UPNs compare case-insensitively; after a rename, the new one); a role
 * is named by its template id (names can be localised, ids cannot), a
 * licence by its part number:
 *
 *   users/joep@contoso.com
 *   users/joep@contoso.com/roles/62e90394-69f5-4237-9190-012177145e10
 *   users/joep@contoso.com/licenses/ENTERPRISEPACK
 */
export type ChangeAddress = string;

const user = (change: Change) => `users/${change.userPrincipalName.toLowerCase()}`;

const ADDRESSES: Record<ChangeKind, (change: Change) => ChangeAddress> = {
  'user.purge': user,
  'user.rename': user,
  'user.create': user,
  'user.restore': user,
  'user.adopt': user,
  'user.update': user,
  'user.unblock': user,
  'user.password-reset': user,
  'user.block': user,
  'user.delete': user,
  'role.grant': (change) => `${user(change)}/roles/${'roleTemplateId' in change ? change.roleTemplateId : ''}`,
  'role.revoke': (change) => `${user(change)}/roles/${'roleTemplateId' in change ? change.roleTemplateId : ''}`,
  'license.assign': (change) => `${user(change)}/licenses/${'license' in change ? change.license.sku : ''}`,
  'license.update': (change) => `${user(change)}/licenses/${'sku' in change ? change.sku : ''}`,
  'license.remove': (change) => `${user(change)}/licenses/${'sku' in change ? change.sku : ''}`,
};

export function changeAddress(change: Change): ChangeAddress {
  return ADDRESSES[change.kind](change);
}

/** Changes of these kinds carry the user's state `before` and `after`. */
export const isUserChange = (change: Change): boolean => change.kind.startsWith('user.');
