import { formerNamesOf } from '../../plan/former-names.js';
import { isLiveAccount } from '../../plan/rename.js';
import { userKey, type TenantState, type User } from '../../state/tenant-state.js';
import type { DeclaredUser, RuleContext } from './rule.js';

/**
 * An owner's mailboxes, each given to `visit` as its UPN and its nickname
 * (the nickname reaches it at the UPN's domain and, with the catalog, at
 * every tenant domain) until `visit` returns true; true when one did. No
 * array per owner: a rule runs over 100,000 users.
 */
type MailboxesOf<T> = (owner: T, visit: (upn: string, nickname: string) => boolean) => boolean;

/** A lower-cased address, split at its last `@` (domain names never hold one: catalog schema). */
interface Address {
  readonly address: string;
  readonly local: string | null;
  readonly domain: string;
}

function parseAddress(address: string): Address {
  const split = address.lastIndexOf('@');
  return { address, local: split >= 0 ? address.slice(0, split) : null, domain: address.slice(split + 1) };
}

/**
 * The forms an address (lower-cased) is delivered under: itself and, with
 * plus addressing (on by default in Exchange Online), `local@domain` for
 * `local+tag@domain`.
 */
function addressForms(address: string): Address[] {
  const parsed = parseAddress(address);
  const plus = parsed.local?.indexOf('+') ?? -1;
  if (plus <= 0 || parsed.local === null) return [parsed];
  const local = parsed.local.slice(0, plus);
  return [parsed, { address: `${local}@${parsed.domain}`, local, domain: parsed.domain }];
}

const upnDomain = (upn: string) => upn.toLowerCase().split('@')[1] ?? '';

const NON_ASCII = /[^\x00-\x7f]/;

/** Whether `text` lower-cased may be `lower`: lower-casing keeps an ASCII text's length. */
const mayLowerTo = (text: string, lower: string) => text.length === lower.length || NON_ASCII.test(text);

/** Whether one form of an address is this UPN. */
const isUpn = ({ address }: Address, upn: string): boolean => mayLowerTo(upn, address) && upn.toLowerCase() === address;

/** Whether one form of an address reaches the mailbox of this UPN and nickname. */
function reaches(form: Address, upn: string, nickname: string, tenantDomains: ReadonlySet<string>): boolean {
  if (isUpn(form, upn)) return true;
  const { local, domain } = form;
  return local !== null && mayLowerTo(nickname, local) && nickname.toLowerCase() === local && (tenantDomains.has(domain) || upnDomain(upn) === domain);
}

/** A former UPN's nickname, which no row keeps: its local part, the default (DOMAIN.md). */
export const nicknameOf = (upn: string): string => upn.slice(0, Math.max(0, upn.lastIndexOf('@')));

/** Whether an address (lower-cased), in any form it is delivered under, reaches the mailbox of this UPN and nickname. */
export function isAddressOf(address: string, upn: string, nickname: string, tenantDomains: ReadonlySet<string>): boolean {
  return addressForms(address).some((form) => reaches(form, upn, nickname, tenantDomains));
}

const FEW_ADDRESSES = 16;

/**
 * Finds whose mailbox an address (lower-cased, one form of it) is, among
 * the owners that `counts`: the one whose UPN it is, else the first one in
 * order whose nickname reaches it (`helpdesk@` is the shared mailbox signed
 * in as helpdesk@, not that of a user declared before it whose nickname is
 * helpdesk, which Exchange cannot give that address). A few addresses
 * (usually one, in defaults) are looked for owner by owner: cheaper than
 * lower-casing and indexing 100,000 UPNs and nicknames, and `counts` is
 * asked only of an owner that matches. More are looked up in maps, each
 * address in constant time: by UPN, by `nickname@UPN's domain`, and by
 * nickname alone for the tenant's domains (a list per nickname cost 20,000
 * users sharing one 103 s). The maps are built at the first lookup.
 */
function ownerFinder<T>(
  owners: () => Iterable<T>,
  mailboxesOf: MailboxesOf<T>,
  tenantDomains: ReadonlySet<string>,
  addresses: number,
  counts: (owner: T) => boolean = () => true,
): (form: Address) => T | undefined {
  if (addresses <= FEW_ADDRESSES) {
    return (form) => {
      let byNickname: T | undefined;
      // One pass: a UPN ends it, the first nickname is kept in case none follows.
      const upnVisit = (upn: string) => isUpn(form, upn);
      const visit = (upn: string, nickname: string) => reaches(form, upn, nickname, tenantDomains);
      for (const owner of owners()) {
        if (mailboxesOf(owner, upnVisit)) {
          if (counts(owner)) return owner;
        } else if (byNickname === undefined && mailboxesOf(owner, visit) && counts(owner)) byNickname = owner;
      }
      return byNickname;
    };
  }
  let index:
    | { readonly counted: T[]; readonly byUpn: Map<string, number>; readonly byAddress: Map<string, number>; readonly byNickname: Map<string, number> }
    | undefined;
  const build = () => {
    const counted: T[] = [];
    const byUpn = new Map<string, number>();
    const byAddress = new Map<string, number>();
    const byNickname = new Map<string, number>();
    const first = (map: Map<string, number>, key: string, at: number) => {
      if (!map.has(key)) map.set(key, at);
    };
    for (const owner of owners()) {
      if (!counts(owner)) continue;
      const at = counted.push(owner) - 1;
      mailboxesOf(owner, (upn, nickname) => {
        const lower = nickname.toLowerCase();
        first(byUpn, upn.toLowerCase(), at);
        first(byAddress, `${lower}@${upnDomain(upn)}`, at);
        first(byNickname, lower, at);
        return false;
      });
    }
    return { counted, byUpn, byAddress, byNickname };
  };
  return ({ address, local, domain }) => {
    index ??= build();
    const upn = index.byUpn.get(address);
    if (upn !== undefined) return index.counted[upn];
    let found = index.byAddress.get(address) ?? index.counted.length;
    if (local !== null && tenantDomains.has(domain)) found = Math.min(found, index.byNickname.get(local) ?? found);
    return index.counted[found];
  };
}

/**
 * A declared user's mailboxes: its own, and for a rename the one it has
 * now, which the rename keeps (its old UPN, and with the directory its old
 * nickname): the user's own mailbox all the same.
 */
function declaredMailboxes(current: TenantState | null, formerNames: (user: User) => readonly string[]): MailboxesOf<DeclaredUser> {
  const oldNickname = (renamedFrom: string) => current?.users.get(userKey(renamedFrom))?.attributes.mailNickname ?? renamedFrom.split('@')[0] ?? '';
  return ({ user }, visit) =>
    visit(user.userPrincipalName, user.attributes.mailNickname) ||
    (user.renamedFrom !== undefined && visit(user.renamedFrom, oldNickname(user.renamedFrom))) ||
    formerNames(user).some((name) => visit(name, nicknameOf(name)));
}

/**
 * The names a declared user's account had before, by earlier renames
 * (former-names.ts): the account under its UPN, or the one it is renamed
 * from. The declared UPNs are gathered only for a directory with renames.
 */
export function accountFormerNames(current: TenantState | null | undefined, users: readonly DeclaredUser[]): (user: User) => readonly string[] {
  if (!current?.formerNames || current.formerNames.size === 0) return () => [];
  let declared: Set<string> | undefined;
  const namesOf = formerNamesOf(current, (key) => (declared ??= new Set(users.map(({ user }) => userKey(user.userPrincipalName)))).has(key));
  const accountOf = (user: User) => current.users.get(userKey(user.userPrincipalName)) ?? (user.renamedFrom === undefined ? undefined : current.users.get(userKey(user.renamedFrom)));
  return (user) => namesOf(accountOf(user)?.directory?.id);
}

/** A user of the directory, under its key (the lower-cased UPN the directory is keyed by). */
export type KeyedUser = readonly [string, User];

const currentMailbox: MailboxesOf<KeyedUser> = ([, user], visit) => visit(user.userPrincipalName, user.attributes.mailNickname);

/**
 * Whether a user of the directory has no mailbox anyone reads once the plan
 * is applied: one the plan deletes (managed, not deleted, not declared), or
 * one in deleted users that the configuration does not restore. Declared
 * means under its UPN or as a rename's old UPN; those are gathered once,
 * when first needed.
 */
function goneAfterPlan(users: readonly DeclaredUser[]): (user: KeyedUser) => boolean {
  let declared: Set<string> | undefined;
  return ([key, user]) => {
    if (!user.directory || (!user.directory.managed && !user.directory.deletedAt)) return false;
    if (!declared) {
      declared = new Set<string>();
      for (const { user: d } of users) {
        declared.add(userKey(d.userPrincipalName));
        if (d.renamedFrom !== undefined) declared.add(userKey(d.renamedFrom));
      }
    }
    return !declared.has(key);
  };
}

/** Whether a declared user's account is there already (under its UPN or the one it is renamed from), or restorable. */
export function existsAlready({ user }: DeclaredUser, { current, now }: Pick<RuleContext, 'current' | 'now'>): boolean {
  if (!current) return false;
  const live = (upn: string) => isLiveAccount(current.users.get(userKey(upn)), now);
  return live(user.userPrincipalName) || (user.renamedFrom !== undefined && live(user.renamedFrom));
}

/**
 * Whose mailbox an address (lower-cased) is: a declared user's; or, with the
 * directory, one of a user whose mailbox is gone once the plan is applied
 * (goneAfterPlan). Neither when it is another mailbox of the directory.
 */
export interface MailboxOwners {
  readonly tenantDomains: ReadonlySet<string>;
  /** A declared user's account's names from earlier renames (accountFormerNames). */
  readonly formerNames: (user: User) => readonly string[];
  readonly owner: (address: string) => { readonly declared?: DeclaredUser; readonly gone?: KeyedUser };
}

/**
 * Owners for `addresses` lookups: indexed when there are many, read in order
 * when few. An address is delivered to the mailbox that has it exactly, and
 * only when none has it, as plus addressing, to the one of its form without
 * the tag (a nickname may hold a `+`).
 */
export function mailboxOwners({ users, catalog, current }: Pick<RuleContext, 'users' | 'catalog' | 'current'>, addresses: number): MailboxOwners {
  const tenantDomains = new Set((catalog?.domains ?? []).map((d) => d.name.toLowerCase()));
  const formerNames = accountFormerNames(current, users);
  const declared = ownerFinder(() => users, declaredMailboxes(current, formerNames), tenantDomains, addresses);
  const gone = current ? ownerFinder(() => current.users.entries(), currentMailbox, tenantDomains, addresses, goneAfterPlan(users)) : () => undefined;
  const anyone = current ? ownerFinder(() => current.users.entries(), currentMailbox, tenantDomains, addresses) : () => undefined;
  return {
    tenantDomains,
    formerNames,
    owner: (address) => {
      const forms = addressForms(address);
      for (const [i, form] of forms.entries()) {
        const d = declared(form);
        if (d) return { declared: d };
        const g = gone(form);
        if (g) return { gone: g };
        // Another mailbox has it exactly: plus addressing does not apply (only asked when there is a plus form).
        if (i < forms.length - 1 && anyone(form)) return {};
      }
      return {};
    },
  };
}
