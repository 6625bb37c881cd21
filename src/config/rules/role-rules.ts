import { BUILTIN_ROLES, findRole } from '../../catalog/builtin-roles.js';
import { GLOBAL_ADMINISTRATOR } from '../../catalog/catalog.js';
import { error } from '../../diagnostics/diagnostic.js';
import type { SourceLocation } from '../../diagnostics/diagnostic.js';
import { didYouMean } from '../suggest.js';
import { at, type ConfigRule } from './rule.js';

/**
 * The role a mistyped name most likely means: one whose words the written
 * words begin, in order ("Global admin", "User admin", "Helpdesk admin" by
 * its directory name), or the closest name.
 */
function suggestRole(written: string): string {
  const words = written.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const abbreviates = (name: string): boolean => {
    const nameWords = name.toLowerCase().split(' ');
    let at = 0;
    for (const word of words) {
      while (at < nameWords.length && !nameWords[at]?.startsWith(word)) at++;
      if (at++ >= nameWords.length) return false;
    }
    return true;
  };
  // By its admin center name or its directory name ("Helpdesk admin" means Password administrator), named as the admin center does.
  const matches = words.length > 0 ? [...new Set(BUILTIN_ROLES.filter((r) => abbreviates(r.displayName) || abbreviates(r.directoryName)).map((r) => r.displayName))] : [];
  return matches.length === 1 ? ` (did you mean ${matches[0]}?)` : didYouMean(written, BUILTIN_ROLES.map((r) => r.displayName));
}

/** Each user's roles: a name or template id that is no role, and a role listed twice (by either). */
export const rolesKnown: ConfigRule = ({ users }) => {
  // A name mistyped once is usually mistyped for every user that has it: its suggestion is worked out once.
  const suggestions = new Map<string, string>();
  const suggestion = (role: string): string => {
    let found = suggestions.get(role);
    if (found === undefined) suggestions.set(role, (found = suggestRole(role)));
    return found;
  };
  return users.flatMap((declared) => {
    const firstIndex = new Map<string, number>();
    return (declared.own.roles ?? []).flatMap((role, index) => {
      const known = findRole(role);
      if (!known) {
        return [
          error(
            'ROLE_UNKNOWN',
            `unknown admin role "${role}"${suggestion(role)}; use an admin center name such as "Global administrator" or a role template id`,
            at(declared.location, 'roles', index),
          ),
        ];
      }
      const first = firstIndex.get(known.templateId);
      if (first === undefined) {
        firstIndex.set(known.templateId, index);
        return [];
      }
      const written = (declared.own.roles ?? [])[first] ?? '';
      const same = written.trim().toLowerCase() === role.trim().toLowerCase() ? '' : ` ("${written}" and "${role}" are the same role)`;
      return [
        error(
          'ROLE_DUPLICATE',
          `${known.displayName} is listed twice for ${declared.user.userPrincipalName}${same}; list each role once`,
          at(declared.location, 'roles', index),
          at(declared.location, 'roles', first),
        ),
      ];
    });
  });
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Lockout guard on the configuration itself: it counts only the users
 * declared here (validate needs no database); apply checks the tenant's
 * result as well.
 */
export const enoughGlobalAdmins: ConfigRule = ({ users, settings, settingsLocation, anchor }) => {
  const admins = users.filter(({ user }) => user.roles.includes(GLOBAL_ADMINISTRATOR));
  const enabled = admins.filter(({ user }) => user.accountEnabled).length;
  const required = settings.minGlobalAdmins;
  if (enabled >= required) return [];
  const blocked = admins.length - enabled;
  const blockedNote = blocked === 0 ? '' : ` (${blocked} more ${blocked === 1 ? 'is' : 'are'} declared with accountEnabled: false)`;
  const where: SourceLocation | undefined = settingsLocation ? at(settingsLocation, 'minGlobalAdmins') : anchor;
  return [
    error(
      'GLOBAL_ADMIN_MINIMUM',
      `this configuration declares ${plural(enabled, 'enabled Global administrator')}${blockedNote}, fewer than settings.minGlobalAdmins (${required}); ` +
        `a tenant without one is locked out of administration. Only users declared in this configuration are counted: ` +
        // The schema's least minGlobalAdmins is 1: lowering it is advice only above that.
        `give ${plural(required - enabled, 'more enabled user')} roles: [Global administrator]${required > 1 ? ', or lower settings.minGlobalAdmins' : ''}`,
      where,
    ),
  ];
};

/**
 * settings.maxGlobalAdmins below settings.minGlobalAdmins: a tenant with
 * enough Global administrators has too many, so every plan would warn and
 * every new one need --approve-privileged. A contradiction, not a policy.
 */
export const globalAdminLimits: ConfigRule = ({ settings, settingsLocation, anchor }) => {
  const { minGlobalAdmins: min, maxGlobalAdmins: max } = settings;
  if (max >= min) return [];
  return [
    error(
      'GLOBAL_ADMIN_LIMITS',
      `settings.maxGlobalAdmins is ${max} (4 when not set), below settings.minGlobalAdmins (${min}): a tenant with enough Global administrators would have too many; ` +
        `set maxGlobalAdmins to ${min} or more, or lower minGlobalAdmins`,
      settingsLocation ? at(settingsLocation, 'maxGlobalAdmins') : anchor,
    ),
  ];
};
