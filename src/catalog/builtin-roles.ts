import type { Role } from './catalog.js';

/**
 * The nine built-in admin roles of DOMAIN.md. The first migration seeds the
 * same rows; configuration is resolved against this list so `validate` can
 * name roles without a database.
 */
export const BUILTIN_ROLES: readonly Role[] = [
  { templateId: '62e90394-69f5-4237-9190-012177145e10', displayName: 'Global administrator', directoryName: 'Company Administrator', privileged: true },
  { templateId: 'b0f54661-2d74-4c50-afa3-1ec803f12efe', displayName: 'Billing administrator', directoryName: 'Billing Administrator', privileged: false },
  { templateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8', displayName: 'Password administrator', directoryName: 'Helpdesk Administrator', privileged: false },
  { templateId: 'f023fd81-a637-4b56-95fd-791ac0226033', displayName: 'Service administrator', directoryName: 'Service Support Administrator', privileged: false },
  { templateId: 'fe930be7-5e62-47db-91af-98c3a49a38b1', displayName: 'User management administrator', directoryName: 'User Account Administrator', privileged: false },
  { templateId: '29232cdf-9323-42fd-ade2-1d097af3e4de', displayName: 'Exchange administrator', directoryName: 'Exchange Service Administrator', privileged: false },
  { templateId: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c', displayName: 'SharePoint administrator', directoryName: 'SharePoint Service Administrator', privileged: false },
  { templateId: '75941009-915a-4869-abe7-691bff18279e', displayName: 'Skype for Business administrator', directoryName: 'Lync Service Administrator', privileged: false },
  { templateId: '17315797-102d-40b4-93e0-432062caca18', displayName: 'Compliance administrator', directoryName: 'Compliance Administrator', privileged: false },
];

const byName = new Map<string, Role>();
for (const role of BUILTIN_ROLES) {
  byName.set(role.displayName.toLowerCase(), role);
  byName.set(role.directoryName.toLowerCase(), role);
  byName.set(role.templateId, role);
}

/** By admin center name or directory name (any case), or by template id. */
export function findRole(nameOrId: string): Role | undefined {
  return byName.get(nameOrId.trim().toLowerCase());
}

export function roleName(templateId: string): string {
  return byName.get(templateId)?.displayName ?? templateId;
}
