import { roleName } from '../catalog/builtin-roles.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Settings } from '../state/settings.js';
import type { User } from '../state/tenant-state.js';
import type { Change } from './change.js';
import { confusableSkeleton, unlikeCharacters } from './confusable-skeleton.js';
import { displayNameSkeleton, rearrangements, type Rearrangement } from './display-name-skeleton.js';
import { comparedInParts, displayNameForms, shownAsAddress } from './display-name-forms.js';
import { tenantDomainSquat } from './domain-squats.js';
import { DISPLAY_NAME, localEnd, NameIndex, UPN_LOCAL_PART, type NameKind } from './name-index.js';
import type { PlanWarning } from './plan.js';
import { administratorNamesakes, type GivenName } from './admin-namesakes.js';
import { administrators, administratorTypoSquats, squatted } from './admin-typo-squats.js';
import { quoted } from './quoted-name.js';
import { SharedKeys } from './shared-keys.js';

/**
 * A pull request can grant Global administrator to `rnegan.bowen@contoso.com`
 * or `megan.bowen@contoso.onmicrosoft.com`, or name a new account "Меgan
 * Bowen" in Cyrillic letters, and the reviewer reads the name of the admin
 * they know; it can send a temporary password to `it-desk@contoso.corn`. The
 * plan says so, for every name it brings in (a created user, a rename's new
 * UPN, a new display name, a recipient of a temporary password) that looks
 * like another one without being it. Names that were there already are not
 * the plan's doing and are not repeated on every plan, but for an adopted
 * account's: an impersonation account created outside git, once adopted, is
 * managed and drift no longer names it, so its adoption is where it is seen.
 */

/** Look-alikes named in one warning; the rest are counted. */
const NAMED = 5;
/** Distinct names kept per skeleton: whichever name is asked about, one of them is another. */
const KEPT = 3;

interface Holder {
  /** The account: its UPN, lower-cased. */
  readonly key: string;
  /** The name as compared: the UPN or display name, lower-cased. */
  readonly text: string;
  readonly shown: string;
  readonly existing: boolean;
  readonly user: User;
}

/**
 * The directory's names that share a skeleton with a name the plan brings
 * in, a few distinct ones each (existing users' first): only names with the
 * key of one of those are held, so a plan adding five users to 100,000
 * gives skeletons to a handful.
 */
const directoryNames = (kind: NameKind, wanted: readonly string[]) => new NameIndex<Holder>(kind, { kept: KEPT, keys: new Set(wanted.map(kind.keyOf)), textOf: (h) => h.text });

/** Another account's name like `name`, written differently from `text`; `key` and `renamedFrom` are the account asked about. */
const otherThan = (index: NameIndex<Holder>, name: string, text: string, key: string, renamedFrom: string | undefined): Holder | undefined =>
  index.like(name).find((h) => h.text !== text && h.key !== key && h.key !== renamedFrom);

export interface LookalikeInput {
  readonly changes: readonly Change[];
  /** Every user as the tenant has it now, by lower-cased UPN (a renamed one under its new UPN); deleted ones are skipped. */
  readonly current: ReadonlyMap<string, User>;
  readonly desired: ReadonlyMap<string, User>;
  readonly catalog: Catalog;
  readonly settings: Settings;
}

/** Code points named as the difference between two display names. */
const MAX_UNLIKE = 8;
/** ASCII white space the skeleton folds (a run, a tab, a space at either end), which a quoted name barely shows: said in words. */
const SPACED_ODDLY = /\s\s|[\t\n\v\f\r]|^\s|\s$/;


const localPart = (upn: string) => upn.slice(0, localEnd(upn));
const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

const REARRANGED: Readonly<Record<Rearrangement, string>> = { reordered: 'in the other order', punctuated: 'with other punctuation at its end' };

/** `written in the other order and with U+0435`, when the two names' skeletons differ but in their order or their last punctuation; else null. */
function rearranged(name: string, other: string, characters: string | null): string | null {
  const how = rearrangements(name, other);
  if (how.length === 0) return null;
  return `written ${[...how.map((r) => REARRANGED[r]), ...(characters ? [characters] : [])].join(' and ')}`;
}

function whose(other: Holder): string {
  const roles = other.user.roles.length > 0 ? ` holding ${other.user.roles.map(roleName).sort().join(', ')}` : '';
  return `${other.existing ? 'an existing user' : 'also in this plan'}${roles}`;
}

function warning(code: string, items: readonly string[], advice: string): PlanWarning[] {
  if (items.length === 0) return [];
  const rest = items.length > NAMED ? `; and ${items.length - NAMED} more` : '';
  return [{ code, message: `${items.slice(0, NAMED).join('; ')}${rest}. ${advice}` }];
}

interface NewName {
  readonly key: string;
  readonly upn: string;
  readonly name: string;
  readonly renamedFrom: string | undefined;
  readonly adopted: boolean;
}

/**
 * The adopted names that may look like another account's: an adopted name
 * was in the directory already, so an adoption of 100,000 users would
 * otherwise give a skeleton to every name of the directory, twice. Keys
 * cost a pass and no allocation; only the names that share one with another
 * account's UPN, or with another display name as written (namesakes are not
 * look-alikes), are given a skeleton here, and only an adopted name whose
 * skeleton is shared too is kept. A display name compared in parts (as an
 * address, without a qualifier, with a filler drawn as a blank) is kept.
 */
function mayLookAlike({ current, desired }: LookalikeInput): { upn: (upn: string) => boolean; name: (name: string) => boolean } {
  const upnKeys = new SharedKeys<number>();
  const nameKeys = new SharedKeys<number>();
  // Each account's names once: as declared, and as it is now where that differs. A name in another case is held as another: kept, and compared.
  const eachName = (visit: (key: string, upn: string, name: string) => void) => {
    for (const [key, user] of desired) {
      visit(key, user.userPrincipalName, user.attributes.displayName);
      const now = current.get(key);
      if (now && !now.directory?.deletedAt && (now.userPrincipalName !== user.userPrincipalName || now.attributes.displayName !== user.attributes.displayName)) {
        visit(key, now.userPrincipalName, now.attributes.displayName);
      }
    }
    for (const [key, user] of current) if (!desired.has(key) && !user.directory?.deletedAt) visit(key, user.userPrincipalName, user.attributes.displayName);
  };
  // Keys once per name: the second pass and the adopted names' checks read them here.
  const visits: { key: string; upn: string; name: string; upnKey: number; nameKey: number }[] = [];
  eachName((key, upn, name) => {
    const visit = { key, upn, name, upnKey: UPN_LOCAL_PART.keyOf(upn), nameKey: DISPLAY_NAME.keyOf(name) };
    visits.push(visit);
    upnKeys.hold(visit.upnKey, key);
    nameKeys.hold(visit.nameKey, name);
  });
  // Each name's skeleton once: the adopted names are among the accounts'.
  const upnSkeletonOf = new Map<string, string>();
  const nameSkeletonOf = new Map<string, string>();
  const upnSkeletons = new SharedKeys<string>();
  const nameSkeletons = new SharedKeys<string>();
  for (const { key, upn, name, upnKey: ofUpn, nameKey: ofName } of visits) {
    if (upnKeys.shared(ofUpn)) {
      const skeleton = UPN_LOCAL_PART.skeletonOf(upn);
      upnSkeletonOf.set(upn, skeleton);
      upnSkeletons.hold(skeleton, key);
    }
    if (nameKeys.shared(ofName)) {
      const skeleton = displayNameSkeleton(name);
      nameSkeletonOf.set(name, skeleton);
      nameSkeletons.hold(skeleton, name);
    }
  }
  return {
    // An adopted account's names are its declared ones, among those given a skeleton above where their key is shared.
    upn: (upn) => {
      const skeleton = upnSkeletonOf.get(upn);
      return skeleton !== undefined && upnSkeletons.shared(skeleton);
    },
    name: (name) => {
      const skeleton = nameSkeletonOf.get(name);
      return comparedInParts(name) || (skeleton !== undefined && nameSkeletons.shared(skeleton));
    },
  };
}

/** Both kinds of user names: a UPN by its local part (the domain aside), a display name whole. */
function nameWarnings(input: LookalikeInput): PlanWarning[] {
  const { changes, current, desired } = input;
  const renamedFrom = new Map<string, string>();
  for (const change of changes) if (change.kind === 'user.rename') renamedFrom.set(change.userPrincipalName.toLowerCase(), change.fromUserPrincipalName.toLowerCase());
  const adopted = new Set<string>();
  for (const change of changes) if (change.kind === 'user.adopt') adopted.add(change.userPrincipalName.toLowerCase());
  const may = adopted.size > 0 ? mayLookAlike(input) : null;
  // A typo-squat shares no skeleton, so mayLookAlike passes it by: an adopted UPN is also looked up among the administrators (map reads, no pairs).
  let admins: ReturnType<typeof administrators> | undefined;
  const adminIndex = () => (admins ??= administrators(current, desired));
  const squats = (upn: string, key: string) => adminIndex().size > 0 && squatted(adminIndex(), upn, key) !== undefined;
  const newUpns: NewName[] = [];
  const newNames: NewName[] = [];
  // Display names the plan gives or adopts, as a namesake of an administrator is said of them.
  const given: GivenName[] = [];
  // After the names the plan gives: a namesake a pull request brings in is named first, however many an adoption of the whole tenant finds.
  const adoptedNames: GivenName[] = [];
  for (const change of changes) {
    const key = change.userPrincipalName.toLowerCase();
    const named = (name: string): NewName => ({ key, upn: change.userPrincipalName, name, renamedFrom: renamedFrom.get(key), adopted: adopted.has(key) });
    // A rename to the same name in another case brings in no new name: its look-alikes were there before.
    const newCase = change.kind === 'user.rename' && change.fromUserPrincipalName.toLowerCase() === key;
    // An account adopted under a new UPN is said once, by its rename.
    const adoptedAsIs = change.kind === 'user.adopt' && !renamedFrom.has(key) && (may?.upn(change.userPrincipalName) === true || squats(change.userPrincipalName, key));
    if (change.kind === 'user.create' || adoptedAsIs || (change.kind === 'user.rename' && !newCase)) newUpns.push(named(change.userPrincipalName));
    if (change.kind === 'user.create') {
      newNames.push(named(change.attributes.displayName));
      given.push({ ...named(change.attributes.displayName), created: true });
    }
    // An adopted account's display name is the declared one, whether the adoption changes it or not: said once.
    if (change.kind === 'user.adopt') {
      const name = desired.get(key)?.attributes.displayName ?? '';
      if (may?.name(name) === true) newNames.push(named(name));
      // Adopting is deciding which accounts to trust: one named as an administrator is said as a created one is.
      adoptedNames.push({ ...named(name), created: false });
    }
    if (change.kind === 'user.update' && !adopted.has(key)) {
      const to = change.attributes.find((a) => a.attribute === 'displayName')?.to;
      if (typeof to === 'string') {
        newNames.push(named(to));
        given.push({ ...named(to), created: false });
      }
    }
  }
  given.push(...adoptedNames);
  const namesakes = () => warning('LOOKALIKE_NAMESAKE', administratorNamesakes(given, current, desired), 'A namesake of an administrator: make sure this is not an account posing as them in the address book.');
  if (newUpns.length === 0 && newNames.length === 0) return namesakes();

  // A display name written as an address (or a bare local part) passes for a user's UPN in the address book: compared as its local part is.
  const addresses = newNames.flatMap((named) => {
    const address = shownAsAddress(named.name);
    return address === null ? [] : [{ ...named, local: localPart(address) }];
  }).filter(({ local }) => local !== '');
  const upnParts = [...newUpns.map(({ upn }) => localPart(upn)), ...addresses.map(({ local }) => local)];
  const comparesUpns = upnParts.length > 0;
  const upns = directoryNames(UPN_LOCAL_PART, upnParts);
  const formsOf = newNames.map(({ name }) => displayNameForms(name));
  const names = directoryNames(DISPLAY_NAME, formsOf.flatMap((forms) => forms.flatMap(({ variants }) => variants)));
  const addUpn = (user: User, existing: boolean) => {
    const upn = user.userPrincipalName;
    if (upns.wants(upn)) upns.hold(upn, { key: upn.toLowerCase(), text: upn.toLowerCase(), shown: upn, existing, user });
  };
  const addName = (user: User, existing: boolean) => {
    const name = user.attributes.displayName;
    if (names.wants(name)) names.hold(name, { key: user.userPrincipalName.toLowerCase(), text: name.toLowerCase(), shown: name, existing, user });
  };
  // Each account's names once, as it is now; a declared name only where it differs from that.
  const live = (user: User | undefined) => (user && !user.directory?.deletedAt ? user : undefined);
  for (const [key, user] of desired) {
    const now = live(current.get(key));
    if (comparesUpns) {
      if (now) addUpn(now, true);
      if (now?.userPrincipalName !== user.userPrincipalName) addUpn(user, false);
    }
    if (newNames.length > 0) {
      if (now) addName(now, true);
      if (now?.attributes.displayName !== user.attributes.displayName) addName(user, false);
    }
  }
  for (const [key, user] of current) {
    if (desired.has(key) || !live(user)) continue;
    if (comparesUpns) addUpn(user, true);
    if (newNames.length > 0) addName(user, true);
  }

  // A name one letter from an administrator's, where no skeleton is shared: said among the look-alikes, in the plan's order.
  const typoSquats = administratorTypoSquats(newUpns, current, desired, admins);
  const upnItems = newUpns.flatMap(({ key, upn, renamedFrom: from, adopted: adoptedHere }, i) => {
    const other = otherThan(upns, upnParts[i] ?? '', key, key, from);
    if (!other) return typoSquats.has(i) ? [typoSquats.get(i)!] : [];
    const what = from ? `the new name this plan gives ${from}` : adoptedHere ? 'adopted by this plan' : 'created by this plan';
    // Said only where the separators make the likeness, so that other warnings read as they did.
    const separated = confusableSkeleton(upnParts[i] ?? '') === confusableSkeleton(localPart(other.shown)) ? '' : ', but written with other dots, hyphens, underscores, apostrophes or tildes';
    return [`${upn}, ${what}, looks like ${quoted(other.shown)}, ${whose(other)}${separated}`];
  });
  const nameItems = newNames.flatMap(({ key, upn, name, renamedFrom: from, adopted: adoptedHere }, i) => {
    // As drift compares it: whole, then without a qualifier in brackets; each with Hangul fillers as they are and drawn as blanks. The same name, case aside, is a namesake.
    const found = (formsOf[i] ?? []).flatMap(({ compared, qualified, variants }) => variants.map((variant) => ({ compared, qualified, other: otherThan(names, variant, compared.toLowerCase(), key, from) })));
    const { compared, qualified, other } = found.find((f) => f.other) ?? {};
    if (!other || compared === undefined) return [];
    const unlike = unlikeCharacters(compared, other.shown);
    const listed = unlike.length > MAX_UNLIKE ? `${unlike.slice(0, MAX_UNLIKE).join(', ')} and ${unlike.length - MAX_UNLIKE} more` : unlike.join(', ');
    const how = rearranged(compared, other.shown, unlike.length > 0 ? `with ${listed}` : null) ?? (unlike.length > 0 ? `written with ${listed}` : SPACED_ODDLY.test(compared) ? 'spaced differently' : 'written differently');
    const added = qualified ? ', with a qualifier in brackets added' : '';
    return [`the displayName "${quoted(name)}" of ${upn}${adoptedHere ? ', adopted by this plan,' : ''} looks like "${quoted(other.shown)}" of ${quoted(other.user.userPrincipalName)}, ${whose(other)}, but is ${how}${added}`];
  });
  const addressItems = addresses.flatMap(({ key, upn, name, local, renamedFrom: from, adopted: adoptedHere }) => {
    // No text is excluded: a display name that is another user's very UPN is the plainest case.
    const other = otherThan(upns, local, '', key, from);
    if (!other) return [];
    return [`the displayName "${quoted(name)}" of ${upn}${adoptedHere ? ', adopted by this plan,' : ''} looks like the UPN ${quoted(other.shown)}, ${whose(other)}, written as a display name`];
  });
  return [
    ...warning('LOOKALIKE_UPN', upnItems, 'Make sure each is the account meant: in the plan, a look-alike passes for the other.'),
    ...warning('LOOKALIKE_DISPLAY_NAME', [...nameItems, ...addressItems], 'Make sure this is not an account posing as the other in the address book.'),
    ...namesakes(),
  ];
}

/**
 * Where temporary passwords go: a recipient outside the tenant's domains at
 * one that looks like them or like another recipient's (`contoso.corn`),
 * that begins like one of the tenant's (`contoso.com.evil.example`), is one
 * letter from one (`contosso.com`) or holds one (`mail.contoso.com.evil.example`).
 */
function domainWarnings({ changes, desired, catalog, settings }: LookalikeInput): PlanWarning[] {
  const sends = changes.flatMap((change) => (change.kind === 'user.create' || change.kind === 'user.password-reset' ? [change] : []));
  if (sends.length === 0) return [];
  const tenantDomains = new Set(catalog.domains.map((d) => d.name.toLowerCase()));
  const tenantBySkeleton = new Map([...tenantDomains].map((domain) => [confusableSkeleton(domain), domain]));
  // Tenant domains first, so a bucket always holds them; then each other domain once (thousands of users share a few).
  const domains = new Set(tenantDomains);
  if (settings.adminEmail) domains.add(domainOf(settings.adminEmail));
  for (const user of desired.values()) for (const address of user.notify ?? []) domains.add(domainOf(address));
  const skeletonOf = new Map<string, string>();
  const known = new Map<string, string[]>();
  for (const domain of domains) {
    const skeleton = confusableSkeleton(domain);
    skeletonOf.set(domain, skeleton);
    const bucket = known.get(skeleton) ?? [];
    if (bucket.length < KEPT) bucket.push(domain);
    known.set(skeleton, bucket);
  }

  /** What a recipient's domain passes for, or null; once per domain. */
  const resemblances = new Map<string, string | null>();
  const resemblance = (domain: string): string | null => {
    if (tenantDomains.has(domain)) return null;
    const bucket = known.get(skeletonOf.get(domain) ?? confusableSkeleton(domain)) ?? [];
    const other = bucket.find((d) => d !== domain && tenantDomains.has(d)) ?? bucket.find((d) => d !== domain);
    if (other !== undefined) return `which looks like ${other}, ${tenantDomains.has(other) ? 'a domain of the tenant' : 'a domain other notify addresses use'}`;
    // A tenant domain (or its look-alike) ending where a label or a hyphenated part of one ends.
    for (let at = domain.length - 1; at > 0; at--) {
      if (domain[at] !== '.' && domain[at] !== '-') continue;
      const tenant = tenantBySkeleton.get(confusableSkeleton(domain.slice(0, at)));
      if (tenant !== undefined) return `which begins like ${tenant}, a domain of the tenant, but is another domain`;
    }
    return tenantDomainSquat(domain, tenantBySkeleton);
  };

  const items: string[] = [];
  for (const change of sends) {
    const recipients = [...change.notify, ...(settings.adminEmail ? [settings.adminEmail] : [])];
    for (const address of new Set(recipients)) {
      const domain = domainOf(address);
      if (!resemblances.has(domain)) resemblances.set(domain, resemblance(domain));
      const like = resemblances.get(domain);
      if (like) items.push(`${address}, which receives the temporary password of ${change.userPrincipalName}, is at ${domain}, ${like}`);
    }
  }
  return warning('LOOKALIKE_DOMAIN', items, 'Make sure the password goes where it is meant to.');
}

export function lookalikeWarnings(input: LookalikeInput): PlanWarning[] {
  return [...nameWarnings(input), ...domainWarnings(input)];
}
