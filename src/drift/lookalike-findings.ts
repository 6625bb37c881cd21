import { confusableSkeleton, unlikeCharacters } from '../plan/confusable-skeleton.js';
import { userKey, type User } from '../state/tenant-state.js';
import type { DriftFinding, Lookalike, LookalikeDifference } from './finding.js';

/**
 * An account created outside git whose name looks like a managed user's
 * (`rnegan@contoso.com` beside `megan@contoso.com`, a Cyrillic `а`,
 * `megan.bowen@contoso.onmicrosoft.com` beside `megan.bowen@contoso.com`,
 * `meganbowen` beside `megan.bowen`) is the classic impersonation account:
 * drift names the managed user it resembles, and how. Names are compared by
 * the planner's skeleton (confusable-skeleton.ts), a UPN by its local part
 * whatever its domain and without its dots, hyphens and underscores, a
 * display name whole. Both sides are indexed by skeleton, never compared
 * pairwise: one skeleton per name, so 100,000 declared and 100,000 unmanaged
 * users cost 400,000 skeletons and as many map look-ups.
 */

/** Managed users named per skeleton, and so per account and per name: a few say it, the bucket's first in configuration order. */
const KEPT = 3;
const SEPARATORS = /[._-]/g;

function splitUpn(upn: string): [local: string, domain: string] {
  const at = upn.lastIndexOf('@');
  return at < 0 ? [upn, ''] : [upn.slice(0, at), upn.slice(at + 1)];
}

const upnSkeleton = (upn: string) => confusableSkeleton(splitUpn(upn)[0]).replace(SEPARATORS, '');

/** How `text` differs from `other`, two names with one skeleton; empty when they are the same. */
function textDifferences(text: string, other: string, characters: readonly string[]): LookalikeDifference[] {
  if (text === other) return [];
  if (text.toLowerCase() === other.toLowerCase()) return ['case'];
  const bare = (name: string) => name.replace(SEPARATORS, '');
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

function displayNameLookalike(displayName: string, managed: User): Lookalike {
  const other = managed.attributes.displayName;
  const characters = unlikeCharacters(displayName, other);
  const differences = textDifferences(displayName, other, characters);
  return { name: 'displayName', userPrincipalName: managed.userPrincipalName, looksLike: other, differences: differences.length > 0 ? differences : ['identical'], characters };
}

function put(index: Map<string, User[]>, skeleton: string, user: User): void {
  if (skeleton === '') return;
  const bucket = index.get(skeleton);
  if (!bucket) index.set(skeleton, [user]);
  else if (bucket.length < KEPT) bucket.push(user);
}

/** Whether `managed` is the unmanaged account itself, by its UPN or a rename pending in git. */
const isItself = (managed: User, key: string) => userKey(managed.userPrincipalName) === key || (managed.renamedFrom !== undefined && userKey(managed.renamedFrom) === key);

/**
 * The unmanaged users' findings with the declared users each looks like
 * (`lookalikeOf`), one of which makes it high; the other findings as they
 * are. `declared`: the configuration's users, as the configuration names them.
 */
export function withLookalikes(findings: readonly DriftFinding[], declared: Iterable<User>): DriftFinding[] {
  if (!findings.some((f) => f.kind === 'user.unmanaged')) return [...findings];
  const byUpn = new Map<string, User[]>();
  const byDisplayName = new Map<string, User[]>();
  for (const user of declared) {
    put(byUpn, upnSkeleton(user.userPrincipalName), user);
    put(byDisplayName, confusableSkeleton(user.attributes.displayName), user);
  }
  return findings.map((finding) => {
    if (finding.kind !== 'user.unmanaged') return finding;
    const key = userKey(finding.userPrincipalName);
    const others = (bucket: readonly User[] | undefined) => (bucket ?? []).filter((managed) => !isItself(managed, key));
    const lookalikeOf = [
      ...others(byUpn.get(upnSkeleton(finding.userPrincipalName))).flatMap((managed) => upnLookalike(finding.userPrincipalName, managed) ?? []),
      ...others(byDisplayName.get(confusableSkeleton(finding.displayName))).map((managed) => displayNameLookalike(finding.displayName, managed)),
    ];
    if (lookalikeOf.length === 0) return finding;
    return { ...finding, severity: finding.severity === 'medium' ? 'high' : finding.severity, lookalikeOf };
  });
}
