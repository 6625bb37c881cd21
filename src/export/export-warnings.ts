import { findRole } from '../catalog/builtin-roles.js';
import { GLOBAL_ADMINISTRATOR, type Catalog } from '../catalog/catalog.js';
import { usageLocationProblem } from '../config/country-codes.js';
import { dependencyMessage, licenceRefusals, SHOWN_PLANS } from '../config/rules/assignable-rules.js';
import { isMailAlias, upnProblem } from '../config/rules/upn-rules.js';
import { limitDiagnostics } from '../config/diagnostic-limit.js';
import { someOf } from '../diagnostics/message-lists.js';
import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { lookalikeExportWarnings } from './lookalike-exports.js';
import { DISABLE_PASSWORD_EXPIRATION, USER_ATTRIBUTES, type User } from '../state/tenant-state.js';

// schemas/tenant.schema.json's displayName pattern: a name needs one character the address book shows.
const SHOWN_CHARACTER = /[^\s\p{Cc}\p{Cf}\p{M}\u115F\u1160\u3164\uFFA0\u2800]/u;

/** Empty values a configuration cannot state; displayName, which it must state, has its own warning. */
function emptyAttributes(user: User): string[] {
  return USER_ATTRIBUTES.filter((name) => {
    if (name === 'displayName') return false;
    const value = user.attributes[name];
    return Array.isArray(value) ? value.some((phone) => phone === '') : value === '';
  });
}

/** schemas/tenant.schema.json's maxLength of a businessPhones entry; the database's array has none. */
const MAX_PHONE = 64;

/** Values the database holds and validate refuses by the schema, beyond the ones with warnings of their own (the nickname's: nicknameWarning). */
function schemaRefusals(user: User): Diagnostic[] {
  const upn = user.userPrincipalName;
  const found: Diagnostic[] = [];
  if (user.attributes.businessPhones.some((phone) => [...phone].length > MAX_PHONE)) {
    found.push(
      warning('EXPORT_PHONE_TOO_LONG', `${upn} has a businessPhones entry longer than ${MAX_PHONE} characters in the database; validate will reject the user until it is shortened`),
    );
  }
  // Only where the column's CHECK (0028) was dropped; an empty one is EXPORT_EMPTY_VALUE's.
  const policies: string | undefined = user.attributes.passwordPolicies;
  if (policies !== undefined && policies !== '' && policies !== DISABLE_PASSWORD_EXPIRATION) {
    found.push(
      warning(
        'EXPORT_PASSWORD_POLICIES_INVALID',
        `${upn} has passwordPolicies ${JSON.stringify(policies)} in the database, which no configuration can keep (it takes ${DISABLE_PASSWORD_EXPIRATION} alone); validate will reject the user until you write passwordPolicies: ${DISABLE_PASSWORD_EXPIRATION} or remove the line, which the first apply then sets (a user.update)`,
      ),
    );
  }
  return found;
}

type RefusalCheck = ReturnType<typeof licenceRefusals>;

/** Licences as the directory holds them that validate refuses (set outside tenantctl, or before the catalog stated the fact). */
function refusedLicences(user: User, refusals: RefusalCheck): Diagnostic[] {
  const upn = user.userPrincipalName;
  const country = user.attributes.usageLocation ?? null;
  return user.licenses.flatMap(({ sku, disabledPlans }) => {
    const refused = refusals(sku, disabledPlans, country);
    if (!refused) return [];
    const found: Diagnostic[] = [];
    if (refused.unmet.length > 0) {
      found.push(warning('EXPORT_LICENSE_DEPENDENCY', `${dependencyMessage(sku, upn, refused.unmet)}; validate will reject the exported licence until it is corrected`));
    }
    if (refused.notOffered.length > 0) {
      const plans = someOf(refused.notOffered, SHOWN_PLANS);
      found.push(
        warning(
          'EXPORT_LICENSE_LOCATION',
          `${upn} has usageLocation ${country}, where ${plans} of ${sku} ${refused.notOffered.length === 1 ? 'is' : 'are'} not offered; validate will reject the exported licence until ${refused.notOffered.length === 1 ? 'it is' : 'they are'} added to its disabledPlans`,
        ),
      );
    }
    return found;
  });
}

/**
 * A nickname stored before validate judged the default one (`joep..devries`
 * from `joep..devries@`), or set outside tenantctl: left out (it is the
 * UPN's local part) validate refuses the default, and written out the schema
 * refuses it, so no configuration keeps it: the user must declare another.
 */
function nicknameWarning(user: User, upnInvalid: boolean): Diagnostic[] {
  const upn = user.userPrincipalName;
  const nickname = user.attributes.mailNickname;
  // An empty one is EXPORT_EMPTY_VALUE's.
  if (nickname === '' || isMailAlias(nickname)) return [];
  // Its UPN is refused already (EXPORT_UPN_INVALID), and with it the default nickname.
  if (upnInvalid && nickname === upn.slice(0, upn.lastIndexOf('@'))) return [];
  const mended = nickname.replace(/\.{2,}/g, '.').replace(/^\.+|\.+$/g, '');
  const example = isMailAlias(mended) ? ` (e.g. mailNickname: ${mended})` : '';
  return [
    warning(
      'EXPORT_MAIL_NICKNAME_INVALID',
      `${upn} has mailNickname ${JSON.stringify(nickname)} in the database, which is not a mail alias Exchange accepts (letters, digits and ! # $ % & ' * + - / = ? ^ _ \` { | } ~, with dots only between them, never two in a row); no configuration can keep it: validate will reject the user until you declare another mailNickname${example}, which the first apply then sets (a user.update)`,
    ),
  ];
}

function userWarnings(user: User, catalog: Catalog | null, refusals: RefusalCheck | null): Diagnostic[] {
  const upn = user.userPrincipalName;
  const found: Diagnostic[] = [];
  if (user.licenses.length > 0 && !user.attributes.usageLocation) {
    found.push(
      warning(
        'EXPORT_USAGE_LOCATION_MISSING',
        `${upn} has licenses but no usageLocation, which the configuration cannot express: validate will reject it until you add usageLocation (e.g. NL) to the user or to defaults`,
      ),
    );
  }
  const location = user.attributes.usageLocation;
  const locationProblem = location ? usageLocationProblem(location) : null;
  if (locationProblem) found.push(warning('EXPORT_USAGE_LOCATION_INVALID', `${upn}: ${locationProblem}; validate will reject it until it is corrected`));
  const problem = upnProblem(upn);
  if (problem) found.push(warning('EXPORT_UPN_INVALID', `userPrincipalName "${upn}" ${problem}; validate will reject it until the user is renamed`));
  found.push(...nicknameWarning(user, problem !== null));
  const domain = upn.split('@')[1]?.toLowerCase();
  if (!problem && catalog && domain !== undefined && !catalog.domains.some((d) => d.name === domain && d.verified)) {
    found.push(warning('EXPORT_DOMAIN_NOT_VERIFIED', `${upn} signs in with ${domain}, which is not a verified domain of the tenant; validate will reject the user until the domain is verified`));
  }
  const displayName = user.attributes.displayName;
  if (!SHOWN_CHARACTER.test(displayName)) {
    found.push(
      warning(
        'EXPORT_DISPLAY_NAME_BLANK',
        `${upn} has ${displayName === '' ? 'an empty' : 'a blank (only spaces or invisible characters)'} displayName in the database; validate will reject the user until you write the name people know them by, e.g. displayName: Joep de Vries`,
      ),
    );
  }
  found.push(...schemaRefusals(user));
  for (const id of user.roles) {
    if (!findRole(id)) found.push(warning('EXPORT_UNKNOWN_ROLE', `${upn} holds role ${id}, which is not a built-in admin role; validate will reject it`));
  }
  if (refusals) found.push(...refusedLicences(user, refusals));
  const empty = emptyAttributes(user);
  if (empty.length > 0) {
    found.push(
      warning(
        'EXPORT_EMPTY_VALUE',
        `${upn} has an empty ${empty.join(', ')} in the database; a configuration cannot say "empty", so it was left out and the first apply will clear it (a user.update)`,
      ),
    );
  }
  return found;
}

/**
 * What keeps an export from validating, or from planning to adoptions only:
 * each a warning naming the user and what to do. The files are written anyway
 * so that the rest of the tenant is not held back by one user.
 */
export function exportWarnings(users: readonly User[], catalog: Catalog | null): Diagnostic[] {
  const refusals = catalog ? licenceRefusals(catalog.subscriptions) : null;
  const found: Diagnostic[] = [];
  // First: it is about the whole tenant, and must not be among those a long list cuts off.
  if (!users.some((user) => user.accountEnabled && user.roles.includes(GLOBAL_ADMINISTRATOR))) {
    found.push(
      warning(
        'EXPORT_NO_GLOBAL_ADMIN',
        'no exported user is an enabled Global administrator, so the configuration will not validate until one is declared (settings.minGlobalAdmins is at least 1): add roles: [Global administrator] to an enabled user',
      ),
    );
  }
  // Before the per-user warnings: a long list of those must not cut off an impersonation account.
  found.push(...lookalikeExportWarnings(users));
  for (const user of users) found.push(...userWarnings(user, catalog, refusals));
  // As validate lists them: a directory of 100,000 users may hold as many, which nobody reads one by one.
  return limitDiagnostics(found);
}
