import { codePointName } from '../../diagnostics/code-point.js';
import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { userKey } from '../../state/tenant-state.js';
import { didYouMean } from '../suggest.js';
import { at, type ConfigRule, type DeclaredUser, type Rule } from './rule.js';
import { someOf } from '../../diagnostics/message-lists.js';

const LOCAL_PART = /^[A-Za-z0-9'._!#^~-]+$/;

/** Labels of letters, digits and inner hyphens, separated by single dots. */
const DOMAIN_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/*
 * Every rule below asks upnProblem about each of up to 100,000 UPNs: one test
 * of this pattern (which allows exactly what the checks below allow, lengths
 * aside) answers for the well-formed ones without splitting them.
 */
const WELL_FORMED =
  /^[A-Za-z0-9'_!#^~-](?:[A-Za-z0-9'._!#^~-]*[A-Za-z0-9'_!#^~-])?@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

const LOCAL_CHARACTER = /[A-Za-z0-9'._!#^~-]/;
const DOMAIN_CHARACTER = /[A-Za-z0-9.-]/;
/** Characters named as the reason a UPN is refused; the rest are counted. */
const NAMED_CHARACTERS = 3;

/**
 * `; it holds "а" (U+0430)`: the characters that are not allowed, by code
 * point, since a Cyrillic а or a zero-width space looks allowed (or like
 * nothing) in the message that quotes the UPN.
 */
function holds(part: string, allowed: RegExp): string {
  const refused = [...new Set(part)].filter((c) => !allowed.test(c));
  if (refused.length === 0) return '';
  const named = refused.slice(0, NAMED_CHARACTERS).map((c) => `"${c}" (${codePointName(c)})`);
  const more = refused.length > NAMED_CHARACTERS ? ` and ${refused.length - NAMED_CHARACTERS} more` : '';
  return `; it holds ${named.join(', ')}${more}`;
}

/**
 * Why a UPN is malformed (DOMAIN.md), or null when it is well-formed. Every
 * UPN the schema's pattern and lengths reject is malformed here too, so both
 * report the same message.
 */
export function upnProblem(upn: string): string | null {
  if (upn.length <= 113 && WELL_FORMED.test(upn)) {
    const split = upn.indexOf('@');
    if (split <= 64 && upn.length - split - 1 <= 48) return null;
  }
  const parts = upn.split('@');
  if (parts.length !== 2) return `must contain exactly one "@" (local@domain)`;
  const [local = '', domain = ''] = parts;
  if (local.length === 0 || local.length > 64) return `the part before "@" must be 1 to 64 characters (it is ${local.length})`;
  if (domain.length === 0 || domain.length > 48) return `the domain must be 1 to 48 characters (it is ${domain.length})`;
  if (upn.length > 113) return `must be at most 113 characters (it is ${upn.length})`;
  if (!LOCAL_PART.test(local)) return `the part before "@" may only contain A-Z a-z 0-9 ' . - _ ! # ^ ~${holds(local, LOCAL_CHARACTER)}`;
  if (local.endsWith('.')) return `must not have "." right before the "@"`;
  if (local.startsWith('.')) return `must not start with "."`;
  if (!DOMAIN_NAME.test(domain)) return `the domain may only contain letters, digits and "-", in names separated by single dots (e.g. contoso.com)${holds(domain, DOMAIN_CHARACTER)}`;
  return null;
}

/** The UPN_INVALID message; the schema check uses it too. */
export function upnInvalidMessage(upn: string): string {
  return `userPrincipalName "${upn}" ${upnProblem(upn) ?? 'is not a valid sign-in ID (local@domain)'}`;
}

export const upnSyntax: ConfigRule = ({ users }) => {
  const diagnostics: Diagnostic[] = [];
  for (const { user, location } of users) {
    if (upnProblem(user.userPrincipalName)) diagnostics.push(error('UPN_INVALID', upnInvalidMessage(user.userPrincipalName), at(location, 'userPrincipalName')));
  }
  return diagnostics;
};

/** The schema's pattern for mailNickname: a mail alias Exchange accepts (dots only between other characters). */
const MAIL_ALIAS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

/** Whether a mailNickname is one the schema accepts written out (its length aside). */
export const isMailAlias = (nickname: string): boolean => MAIL_ALIAS.test(nickname);

/**
 * A user that declares no mailNickname gets its UPN's local part, which the
 * UPN rules let hold two dots in a row (`a..b`) where a mail alias may not:
 * the default must be an alias the schema would accept if written out.
 */
export const defaultNickname: ConfigRule = ({ users }) => {
  const diagnostics: Diagnostic[] = [];
  for (const { user, raw, location } of users) {
    if (raw.mailNickname !== undefined) continue;
    const upn = user.userPrincipalName;
    if (upnProblem(upn)) continue;
    const local = upn.slice(0, upn.lastIndexOf('@'));
    if (MAIL_ALIAS.test(local)) continue;
    diagnostics.push(
      error(
        'SCHEMA_FORMAT',
        `the mailNickname of ${upn} defaults to "${local}", the part before "@", which is not a mail alias Exchange accepts: dots may stand only between other characters, never two in a row; declare mailNickname (e.g. ${local.replace(/\.{2,}/g, '.')}), or choose a userPrincipalName without ".."`,
        at(location, 'userPrincipalName'),
      ),
    );
  }
  return diagnostics;
};

/** Verified domains named in one UPN_UNKNOWN_DOMAIN message; the rest are counted. */
const SHOWN_DOMAINS = 20;

export const upnDomain: Rule = ({ users, catalog }) => {
  if (!catalog) return [];
  const verified = catalog.domains.filter((d) => d.verified).map((d) => d.name);
  const verifiedSet = new Set(verified);
  const known = new Set(catalog.domains.map((d) => d.name));
  // Built once, not per user: a tenant may have a thousand domains.
  const listed = someOf(verified, SHOWN_DOMAINS);
  const suggestions = new Map<string, string>();
  const suggest = (domain: string): string => {
    const suggestion = suggestions.get(domain) ?? didYouMean(domain, verified);
    suggestions.set(domain, suggestion);
    return suggestion;
  };
  const diagnostics: Diagnostic[] = [];
  for (const { user, location } of users) {
    const upn = user.userPrincipalName;
    // A well-formed UPN has exactly one "@"; malformed ones are upnSyntax's to report.
    if (upnProblem(upn)) continue;
    const domain = upn.slice(upn.indexOf('@') + 1).toLowerCase();
    if (verifiedSet.has(domain)) continue;
    const message = known.has(domain)
      ? `domain "${domain}" of ${upn} is not verified yet; verify it in the tenant first, or use one of: ${listed}`
      : `domain "${domain}" of ${upn} is not a verified domain of the tenant${suggest(domain)}; the tenant's domains are: ${listed}`;
    diagnostics.push(error('UPN_UNKNOWN_DOMAIN', message, at(location, 'userPrincipalName')));
  }
  return diagnostics;
};

/** A UPN declared again (ignoring case) is reported at the later place, with the first as `related`. */
export const upnUnique: ConfigRule = ({ users }) => {
  const first = new Map<string, DeclaredUser>();
  const diagnostics: Diagnostic[] = [];
  for (const declared of users) {
    const key = userKey(declared.user.userPrincipalName);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, declared);
      continue;
    }
    if (declared.own === earlier.own) {
      // One entry reached again through an alias (`- *joep`): its fields are the anchor's, so the place to name is the alias.
      diagnostics.push(
        error(
          'UPN_DUPLICATE',
          `${declared.user.userPrincipalName} is declared twice: this entry is an alias of the user declared before, so it declares that user again; remove the alias`,
          declared.location,
          earlier.location,
        ),
      );
      continue;
    }
    const same = earlier.user.userPrincipalName === declared.user.userPrincipalName ? '' : ` as ${earlier.user.userPrincipalName}`;
    diagnostics.push(
      error(
        'UPN_DUPLICATE',
        `${declared.user.userPrincipalName} is declared twice (it was declared before${same}; UPNs ignore case); keep one of the two declarations`,
        at(declared.location, 'userPrincipalName'),
        at(earlier.location, 'userPrincipalName'),
      ),
    );
  }
  return diagnostics;
};
