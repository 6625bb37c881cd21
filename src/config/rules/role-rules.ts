import { BUILTIN_ROLES, findRole } from '../../catalog/builtin-roles.js';
import { GLOBAL_ADMINISTRATOR } from '../../catalog/catalog.js';
import { error } from '../../diagnostics/diagnostic.js';
import { didYouMean } from '../suggest.js';
import { at, type Rule } from './rule.js';

export const rolesKnown: Rule = ({ users }) =>
  users.flatMap((declared) =>
    (declared.raw.roles ?? []).flatMap((role, index) =>
      findRole(role)
        ? []
        : [
            error(
              'ROLE_UNKNOWN',
              `unknown admin role "${role}"${didYouMean(role, BUILTIN_ROLES.map((r) => r.displayName))}; use an admin center name such as "Global administrator" or a role template id`,
              at(declared.location, 'roles', index),
            ),
          ],
    ),
  );

/** Lockout guard, checked on the configuration itself (apply checks the result too). */
export const enoughGlobalAdmins: Rule = ({ users, settings, settingsLocation }) => {
  const admins = users.filter(({ user }) => user.accountEnabled && user.roles.includes(GLOBAL_ADMINISTRATOR));
  if (admins.length >= settings.minGlobalAdmins) return [];
  const file = settingsLocation ?? users[0]?.location;
  return [
    error(
      'GLOBAL_ADMIN_MINIMUM',
      `the configuration leaves ${admins.length} enabled Global administrator${admins.length === 1 ? '' : 's'}, fewer than settings.minGlobalAdmins (${settings.minGlobalAdmins}); a tenant without one is locked out of administration — keep at least ${settings.minGlobalAdmins} enabled user${settings.minGlobalAdmins === 1 ? '' : 's'} with roles: [Global administrator]`,
      file ? { file: file.file, path: settingsLocation ? ['settings', 'minGlobalAdmins'] : [] } : undefined,
    ),
  ];
};
