import { userHasAccess } from './access-rules.js';
import { licenseDependencies, licenseLocations } from './assignable-rules.js';
import { licensesCompatible, licensesKnown } from './license-rules.js';
import { usageLocationRequired, usageLocationValid } from './location-rules.js';
import { notifyAddresses, notifyMailboxes } from './notify-rules.js';
import { passwordFromEnv, passwordSource } from './password-rules.js';
import { renamedFromDirectory, renamedFromUnique } from './rename-rules.js';
import { enoughGlobalAdmins, rolesKnown } from './role-rules.js';
import type { Rule } from './rule.js';
import { upnDomain, upnSyntax, upnUnique } from './upn-rules.js';

/**
 * What a rule must know to be right rather than misleading when part of the
 * configuration could not be read:
 * - 'declarations': what one entry (a user's, or `defaults`) writes, checked on its own;
 * - 'defaults': what users inherit from `defaults`, so every file must have been read;
 * - 'everything': every user too (a count over all users, such as the lockout guard).
 */
export type RuleNeeds = 'declarations' | 'defaults' | 'everything';

export interface RuleEntry {
  readonly rule: Rule;
  readonly needs: RuleNeeds;
}

/** Every semantic rule, run in this order; each reports all its findings. */
export const RULES: readonly RuleEntry[] = [
  { rule: upnSyntax, needs: 'declarations' },
  { rule: upnDomain, needs: 'declarations' },
  { rule: upnUnique, needs: 'declarations' },
  { rule: renamedFromUnique, needs: 'declarations' },
  { rule: renamedFromDirectory, needs: 'declarations' },
  { rule: rolesKnown, needs: 'declarations' },
  { rule: usageLocationValid, needs: 'declarations' },
  { rule: usageLocationRequired, needs: 'defaults' },
  { rule: licensesKnown, needs: 'declarations' },
  { rule: licensesCompatible, needs: 'declarations' },
  { rule: licenseDependencies, needs: 'declarations' },
  { rule: licenseLocations, needs: 'defaults' },
  { rule: notifyAddresses, needs: 'declarations' },
  { rule: notifyMailboxes, needs: 'declarations' },
  { rule: passwordSource, needs: 'declarations' },
  { rule: passwordFromEnv, needs: 'defaults' },
  { rule: userHasAccess, needs: 'defaults' },
  { rule: enoughGlobalAdmins, needs: 'everything' },
];
