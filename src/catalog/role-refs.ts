import { roleName } from './builtin-roles.js';
import type { Role } from './catalog.js';

/** A role as a finding or a plan names it. */
export interface RoleRef {
  readonly templateId: string;
  readonly displayName: string;
  readonly privileged: boolean;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Role template ids → roles by their names, by the tenant's catalog (built-in names as a fallback), in name order. */
export function roleRefs(ids: readonly string[], roles: ReadonlyMap<string, Role>): RoleRef[] {
  return ids
    .map((id) => {
      const role = roles.get(id);
      return { templateId: id, displayName: role?.displayName ?? roleName(id), privileged: role?.privileged ?? false };
    })
    .sort((a, b) => compareText(a.displayName, b.displayName));
}
