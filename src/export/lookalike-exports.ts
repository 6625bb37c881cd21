import { isDisguise, lookalikeFinder } from '../drift/lookalike-findings.js';
import { comparedInParts } from '../plan/display-name-forms.js';
import type { Lookalike } from '../drift/finding.js';
import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { DISPLAY_NAME, UPN_LOCAL_PART } from '../plan/name-index.js';
import { SharedKeys } from '../plan/shared-keys.js';
import { differenceText } from '../render/lookalike-text.js';
import { userKey, type User } from '../state/tenant-state.js';

/**
 * An impersonation account created outside git (`rnegan.bowen@` beside
 * `megan.bowen@`, a Cyrillic `е`) is exported like any other account, and
 * once its adoption is applied it is managed: drift never names it again.
 * Export is the last place both are still just accounts of the directory,
 * so it names each pair drift would name, with drift's own comparison
 * (lookalike-findings.ts: near-linear, never pairwise). Which one is the
 * impostor, nothing in the directory tells. Namesakes (a second Jan de
 * Vries) are not disguises and are not named.
 */

const ADVICE =
  'which of the two is the genuine account cannot be told from the directory: check both (who uses them, who created them and when) before committing the exported configuration, and remove the one that is not genuine from it rather than adopt it';

function resemblance(user: User, lookalike: Lookalike): string {
  const upn = user.userPrincipalName;
  const how = differenceText(lookalike);
  if (lookalike.name === 'userPrincipalName') return `${upn} looks like ${lookalike.looksLike}, another exported user: ${how}`;
  const name = JSON.stringify(user.attributes.displayName);
  if (lookalike.differences.includes('address')) return `the displayName ${name} of ${upn} looks like the userPrincipalName of another exported user, ${lookalike.looksLike}: ${how}`;
  return `the displayName ${name} of ${upn} looks like ${JSON.stringify(lookalike.looksLike)}, the displayName of another exported user, ${lookalike.userPrincipalName}: ${how}`;
}

/**
 * One EXPORT_LOOKALIKE_USER per pair of exported accounts and kind of name
 * (a UPN, a display name, one shown as the other's UPN), in the order met;
 * said from the side whose name has the characters that differ (`Mеgan`,
 * not `Megan`), which is what a reader looks for.
 */
export function lookalikeExportWarnings(users: readonly User[]): Diagnostic[] {
  // Only names whose key another account's name has too (another display name as written: namesakes are not look-alikes) are compared.
  const upnKeys = new SharedKeys<number>();
  const nameKeys = new SharedKeys<number>();
  const keys = users.map((user) => {
    const upn = UPN_LOCAL_PART.keyOf(user.userPrincipalName);
    const name = DISPLAY_NAME.keyOf(user.attributes.displayName);
    upnKeys.hold(upn, userKey(user.userPrincipalName));
    nameKeys.hold(name, user.attributes.displayName);
    return { upn, name };
  });
  const lookalikes = lookalikeFinder(users);
  const pairs = new Map<string, { user: User; lookalike: Lookalike }>();
  users.forEach((user, i) => {
    const { userPrincipalName: upn, attributes } = user;
    const name = attributes.displayName;
    const found = [
      // A typo-squat shares no key with the administrator's name: asked of every account (a few map reads each).
      ...(upnKeys.shared(keys[i]!.upn) ? lookalikes.byUpn(upn) : lookalikes.byTypo(upn)),
      ...(nameKeys.shared(keys[i]!.name) || comparedInParts(name) ? lookalikes.byDisplayName(upn, name) : []),
    ];
    const key = userKey(upn);
    for (const lookalike of found) {
      if (!isDisguise(lookalike)) continue;
      const other = userKey(lookalike.userPrincipalName);
      const kind = lookalike.differences.includes('address') ? 'address' : lookalike.name;
      // Each way round is one pair, but an address-shaped display name, which is one-way.
      const pair = kind === 'address' || key < other ? `${kind}\n${key}\n${other}` : `${kind}\n${other}\n${key}`;
      const said = pairs.get(pair);
      if (!said || said.lookalike.characters.length < lookalike.characters.length) pairs.set(pair, { user, lookalike });
    }
  });
  return [...pairs.values()].map(({ user, lookalike }) => warning('EXPORT_LOOKALIKE_USER', `${resemblance(user, lookalike)}; ${ADVICE}`));
}
