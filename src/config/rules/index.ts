import { licensesCompatible, licensesKnown, usageLocationRequired } from './license-rules.js';
import { enoughGlobalAdmins, rolesKnown } from './role-rules.js';
import type { Rule } from './rule.js';
import { upnDomain, upnSyntax, upnUnique } from './upn-rules.js';

/** Every semantic rule, run in this order; each reports all its findings. */
export const RULES: readonly Rule[] = [
  upnSyntax,
  upnDomain,
  upnUnique,
  usageLocationRequired,
  licensesKnown,
  licensesCompatible,
  rolesKnown,
  enoughGlobalAdmins,
];
