import { userHasAccess } from './access-rules.js';
import { licenseDependencies, licenseLocations } from './assignable-rules.js';
import { licensesCompatible } from './license-conflicts.js';
import { licensesKnown, seatSettingsKnown } from './license-rules.js';
import { usageLocationRequired, usageLocationValid } from './location-rules.js';
import { notifyAddresses, notifyMailboxes } from './notify-rules.js';
import { passwordEnvName, passwordFromEnv, passwordSource } from './password-rules.js';
import { renamedFromDirectory, renamedFromUnique, renamedOutsideDirectory } from './rename-rules.js';
import { enoughGlobalAdmins, globalAdminLimits, rolesKnown } from './role-rules.js';
import type { ConfigRule, Rule } from './rule.js';
import { defaultNickname, upnDomain, upnSyntax, upnUnique } from './upn-rules.js';

/**
 * What a rule must know to be right rather than misleading when part of the
 * configuration could not be read:
 * - 'declarations': what one entry (a user's, or `defaults`) writes, checked on its own;
 * - 'defaults': what users inherit from `defaults`, so every file must have been read;
 * - 'everything': every user too (a count over all users, such as the lockout guard).
 */
export type RuleNeeds = 'declarations' | 'defaults' | 'everything';

/**
 * `reads`: whether the rule needs what the database holds (the catalog, the
 * directory, the time it is judged at), or only the configuration; the
 * latter run while plan still reads the directory.
 */
export type RuleEntry =
  | { readonly rule: ConfigRule; readonly needs: RuleNeeds; readonly reads: 'configuration' }
  | { readonly rule: Rule; readonly needs: RuleNeeds; readonly reads: 'database' };

/** Every semantic rule, run in this order; each reports all its findings. */
export const RULES: readonly RuleEntry[] = [
  { rule: upnSyntax, needs: 'declarations', reads: 'configuration' },
  { rule: upnDomain, needs: 'declarations', reads: 'database' },
  { rule: upnUnique, needs: 'declarations', reads: 'configuration' },
  { rule: defaultNickname, needs: 'declarations', reads: 'configuration' },
  { rule: renamedFromUnique, needs: 'declarations', reads: 'configuration' },
  { rule: renamedFromDirectory, needs: 'declarations', reads: 'database' },
  { rule: renamedOutsideDirectory, needs: 'everything', reads: 'database' },
  { rule: rolesKnown, needs: 'declarations', reads: 'configuration' },
  { rule: usageLocationValid, needs: 'declarations', reads: 'configuration' },
  { rule: usageLocationRequired, needs: 'defaults', reads: 'configuration' },
  { rule: licensesKnown, needs: 'declarations', reads: 'database' },
  { rule: seatSettingsKnown, needs: 'declarations', reads: 'database' },
  { rule: licensesCompatible, needs: 'declarations', reads: 'database' },
  { rule: licenseDependencies, needs: 'declarations', reads: 'database' },
  { rule: licenseLocations, needs: 'defaults', reads: 'database' },
  { rule: notifyAddresses, needs: 'declarations', reads: 'configuration' },
  { rule: notifyMailboxes, needs: 'declarations', reads: 'database' },
  { rule: passwordSource, needs: 'declarations', reads: 'configuration' },
  { rule: passwordEnvName, needs: 'declarations', reads: 'configuration' },
  { rule: passwordFromEnv, needs: 'defaults', reads: 'configuration' },
  { rule: userHasAccess, needs: 'defaults', reads: 'configuration' },
  { rule: globalAdminLimits, needs: 'defaults', reads: 'configuration' },
  { rule: enoughGlobalAdmins, needs: 'everything', reads: 'configuration' },
];
