import { unlikeCharacters } from '../plan/confusable-skeleton.js';
import { displayNameForm, rearrangements } from '../plan/display-name-skeleton.js';
import { displayNameForms, shownAsAddress } from '../plan/display-name-forms.js';
import { DISPLAY_NAME, NameIndex, UPN_LOCAL_PART, withoutSeparators, type NameKind } from '../plan/name-index.js';
import { TypoIndex } from '../plan/typo-squats.js';
import { userKey, type User } from '../state/tenant-state.js';
import type { DriftFinding, Lookalike, LookalikeDifference } from './finding.js';

/**
 * An account created outside git whose name looks like a managed user's
 * (`rnegan@contoso.com` beside `megan@contoso.com`, a Cyrillic `а`,
 * `megan.bowen@contoso.onmicrosoft.com` beside `megan.bowen@contoso.com`,
 * `meganbowen` beside `megan.bowen`) is the classic impersonation account:
 * drift names the managed user it resembles, and how. Names are compared by
 * the planner's skeleton (confusable-skeleton.ts), a UPN by its local part
 * whatever its domain and without its separators, a display name whole, in
 * the plan's index of names (name-index.ts): never pairwise.
 */

/** Managed users named per skeleton, and so per account and per name: a few say it, the bucket's first in configuration order. */
const KEPT = 3;

function splitUpn(upn: string): [local: string, domain: string] {
  const at = upn.lastIndexOf('@');
  return at < 0 ? [upn, ''] : [upn.slice(0, at), upn.slice(at + 1)];
}

/** The managed users by one of their names: `kind`'s, as `nameOf` reads it. */
function managedNames(kind: NameKind, nameOf: (user: User) => string, declared: Iterable<User>): NameIndex<User> {
  const index = new NameIndex<User>(kind, { kept: KEPT });
  for (const user of declared) index.hold(nameOf(user), user);
  return index;
}

/** How `text` differs from `other`, two names with one skeleton; empty when they are the same. */
function textDifferences(text: string, other: string, characters: readonly string[]): LookalikeDifference[] {
  if (text === other) return [];
  if (text.toLowerCase() === other.toLowerCase()) return ['case'];
  const bare = withoutSeparators;
  if (bare(text).toLowerCase() === bare(other).toLowerCase()) return [...(bare(text) === bare(other) ? [] : ['case' as const]), 'separators'];
  return [characters.length > 0 ? 'characters' : 'drawn-alike'];
}

function upnLookalike(upn: string, managed: User): Lookalike | null {
  const [local, domain] = splitUpn(upn);
  const [otherLocal, otherDomain] = splitUpn(managed.userPrincipalName);
  const characters = unlikeCharacters(local, otherLocal);
  const differences: LookalikeDifference[] = [...(domain.toLowerCase() === otherDomain.toLowerCase() ? [] : ['domain' as const]), ...textDifferences(local, otherLocal, characters)];
  if (differences.length === 0) return null;
  return { name: 'userPrincipalName', userPrincipalName: managed.userPrincipalName, looksLike: managed.userPrincipalName, differences, characters };
}

/** `compared`: the account's display name, or (`qualified`) its part before a qualifier in brackets. */
function displayNameLookalike(compared: string, qualified: boolean, managed: User): Lookalike {
  const other = managed.attributes.displayName;
  const characters = unlikeCharacters(compared, other);
  const moved = rearrangements(compared, other);
  const differences = moved.length === 0 ? textDifferences(compared, other, characters) : [...textDifferences(displayNameForm(compared), displayNameForm(other), characters), ...moved];
  const how: LookalikeDifference[] = qualified ? [...differences, 'qualified'] : differences.length > 0 ? differences : ['identical'];
  return { name: 'displayName', userPrincipalName: managed.userPrincipalName, looksLike: other, differences: how, characters };
}

interface DisplayNameMatch {
  readonly managed: User;
  readonly compared: string;
  readonly qualified: boolean;
}

/** The managed users (KEPT per skeleton) whose display name `name` looks like: as it is, then without a qualifier in brackets at its end. */
function displayNameMatches(displayNames: NameIndex<User>, name: string): DisplayNameMatch[] {
  const matches: DisplayNameMatch[] = [];
  for (const { compared, qualified, variants } of displayNameForms(name)) {
    for (const variant of variants) {
      for (const managed of displayNames.like(variant)) if (!matches.some((m) => m.managed === managed)) matches.push({ managed, compared, qualified });
    }
  }
  return matches;
}

/** Whether `managed` is the unmanaged account itself, by its UPN or a rename pending in git. */
const isItself = (managed: User, key: string) => userKey(managed.userPrincipalName) === key || (managed.renamedFrom !== undefined && userKey(managed.renamedFrom) === key);

/**
 * A display name written as an address (`megan.bowen@contoso.com`, or a
 * bare `megan.bowen`) shows in the address book as the managed user's
 * sign-in name: compared as a UPN is, with the managed users' UPNs. Only a
 * name shaped so is, so that costs most names a scan for it.
 */
function addressLookalikes(upns: NameIndex<User>, displayName: string, key: string): Lookalike[] {
  const address = shownAsAddress(displayName);
  if (address === null) return [];
  return upns
    .like(address)
    .filter((managed) => !isItself(managed, key))
    .map((managed) => {
      // A bare local part is at no other domain: compared as if at the managed user's.
      const how = upnLookalike(address.includes('@') ? address : `${address}@${splitUpn(managed.userPrincipalName)[1]}`, managed);
      const upn = managed.userPrincipalName;
      return { name: 'displayName', userPrincipalName: upn, looksLike: upn, differences: [...(how?.differences ?? []), 'address'], characters: how?.characters ?? [] };
    });
}

/**
 * Whether the resemblance takes a disguise: a UPN that looks like a managed
 * user's, or a display name written with other characters, spaced otherwise
 * or drawn alike. A display name the same as a managed user's, case aside
 * a qualifier in brackets added (`Megan Bowen (IT)`) or its surname put
 * first (`Bowen, Megan`, as many directories file names), beside a UPN like
 * no managed user's, is a namesake: several Jan de Vries
 * work in a large tenant, and an unmanaged one is named but not raised.
 */
const NAMESAKE: ReadonlySet<LookalikeDifference> = new Set(['identical', 'case', 'qualified', 'reordered']);
export const isDisguise = (lookalike: Lookalike) => lookalike.name === 'userPrincipalName' || lookalike.differences.some((d) => !NAMESAKE.has(d));

/** What the declared users an account's names look like, and how; never the account itself. */
export interface LookalikeFinder {
  /** Look-alikes of the UPN by skeleton, then its typo-squats of administrators (byTypo). */
  readonly byUpn: (upn: string) => Lookalike[];
  /** The declared administrators whose local part `upn`'s is one edit from. */
  readonly byTypo: (upn: string) => Lookalike[];
  readonly byDisplayName: (upn: string, displayName: string) => Lookalike[];
}

const declaresRole = (user: User) => user.roles.length > 0;

/**
 * Export asks it of the exported accounts, with all of them declared; drift
 * of the unmanaged ones. `administrator`: which declared users' names are
 * guarded from typo-squats (by default, those declared with a role).
 */
export function lookalikeFinder(declared: readonly User[], administrator: (user: User) => boolean = declaresRole): LookalikeFinder {
  const upns = managedNames(UPN_LOCAL_PART, (user) => user.userPrincipalName, declared);
  const displayNames = managedNames(DISPLAY_NAME, (user) => user.attributes.displayName, declared);
  // Only the administrators: a one-letter neighbour of an ordinary user is as often a colleague (jan.devrie, jan.devries).
  const administrators = new TypoIndex<User>();
  for (const user of declared) if (administrator(user)) administrators.hold(user.userPrincipalName, user);
  const byTypo = (upn: string, key = userKey(upn)): Lookalike[] =>
    administrators
      .near(upn)
      .filter((managed) => !isItself(managed, key))
      .map((managed) => {
        const sameDomain = splitUpn(upn)[1].toLowerCase() === splitUpn(managed.userPrincipalName)[1].toLowerCase();
        const upnOf = managed.userPrincipalName;
        return { name: 'userPrincipalName', userPrincipalName: upnOf, looksLike: upnOf, differences: [...(sameDomain ? [] : ['domain' as const]), 'typo'], characters: [] };
      });
  return {
    byUpn: (upn) => {
      const key = userKey(upn);
      const alike = upns
        .like(upn)
        .filter((managed) => !isItself(managed, key))
        .flatMap((managed) => upnLookalike(upn, managed) ?? []);
      return [...alike, ...byTypo(upn, key)];
    },
    byTypo: (upn) => byTypo(upn),
    byDisplayName: (upn, displayName) => {
      const key = userKey(upn);
      return [
        ...displayNameMatches(displayNames, displayName)
          .filter(({ managed }) => !isItself(managed, key))
          .map(({ managed, compared, qualified }) => displayNameLookalike(compared, qualified, managed)),
        ...addressLookalikes(upns, displayName, key),
      ];
    },
  };
}

/**
 * The unmanaged users' findings with the declared users each looks like
 * (`lookalikeOf`), a disguise among which makes it high; the other findings
 * as they are. `declared`: the configuration's users, as the configuration
 * names them; `current`: the directory's accounts by the declared users'
 * keys (a pending rename under its new UPN).
 *
 * A declared user is guarded from typo-squats as an administrator when the
 * configuration gives it a role or its account holds one in the directory:
 * a role granted outside git signs in as the admin all the same, and it is
 * the role a squat is after (the grant is drift of its own, but the squat
 * beside it would otherwise go unnamed). Unmanaged admins are not guarded:
 * they are findings themselves, and an impostor holding a role would make
 * the genuine colleague one letter away read as its squat.
 */
export function withLookalikes(findings: readonly DriftFinding[], declared: readonly User[], current: ReadonlyMap<string, User> = new Map()): DriftFinding[] {
  if (!findings.some((f) => f.kind === 'user.unmanaged')) return [...findings];
  const holdsRole = (user: User) => {
    const account = current.get(userKey(user.userPrincipalName));
    return account !== undefined && !account.directory?.deletedAt && account.roles.length > 0;
  };
  const lookalikes = lookalikeFinder(declared, (user) => declaresRole(user) || holdsRole(user));
  return findings.map((finding) => {
    if (finding.kind !== 'user.unmanaged') return finding;
    const lookalikeOf = [...lookalikes.byUpn(finding.userPrincipalName), ...lookalikes.byDisplayName(finding.userPrincipalName, finding.displayName)];
    if (lookalikeOf.length === 0) return finding;
    const raised = finding.severity === 'medium' && lookalikeOf.some(isDisguise);
    return { ...finding, severity: raised ? 'high' : finding.severity, lookalikeOf };
  });
}
