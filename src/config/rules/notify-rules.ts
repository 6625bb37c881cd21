import { error, type Diagnostic, type SourceLocation } from '../../diagnostics/diagnostic.js';
import { emailProblem, MAX_NOTIFY_ADDRESSES, tooManyAddresses } from '../notify-addresses.js';
import { splitNotify } from '../normalize-user.js';
import { isLiveAccount } from '../../plan/rename.js';
import { userKey, type TenantState, type User } from '../../state/tenant-state.js';
import { at, type ConfigRule, type DeclaredUser, type FieldBlock, type Rule, type RuleContext } from './rule.js';

interface WrittenAddress {
  /** Trimmed, as the credentials would be sent to it. */
  readonly address: string;
  /** Its index in the notify list, or undefined when notify is one string. */
  readonly index: number | undefined;
}

/** A block's notify addresses, each with where it is written (locations are made only for findings). */
function addressesOf(block: FieldBlock): WrittenAddress[] {
  const notify = block.fields.notify;
  if (notify === undefined) return [];
  if (typeof notify === 'string') return splitNotify(notify).map((address) => ({ address, index: undefined }));
  const addresses: WrittenAddress[] = [];
  notify.forEach((written, index) => {
    const address = written.trim();
    if (address !== '') addresses.push({ address, index });
  });
  return addresses;
}

/** Where an address is written: its list entry, or the string that holds it. */
const locationOf = (block: FieldBlock, { index }: WrittenAddress): SourceLocation =>
  index === undefined ? at(block.location, 'notify') : at(block.location, 'notify', index);

/** At most five addresses, each a valid email address; checked where notify is written. */
export const notifyAddresses: ConfigRule = ({ blocks }) =>
  blocks.flatMap((block): Diagnostic[] => {
    const notify = block.fields.notify;
    if (notify === undefined) return [];
    const problems: Diagnostic[] = [];
    const count = typeof notify === 'string' ? splitNotify(notify).length : notify.length;
    if (count > MAX_NOTIFY_ADDRESSES) {
      const where = typeof notify === 'string' ? at(block.location, 'notify') : at(block.location, 'notify', MAX_NOTIFY_ADDRESSES);
      problems.push(error('NOTIFY_TOO_MANY', tooManyAddresses(count), where));
    }
    const written = typeof notify === 'string' ? splitNotify(notify) : notify;
    written.forEach((address, index) => {
      const problem = emailProblem(address);
      if (problem) problems.push(error('NOTIFY_INVALID_EMAIL', problem, typeof notify === 'string' ? at(block.location, 'notify') : at(block.location, 'notify', index)));
    });
    return problems;
  });

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
 * Finds whose mailbox an address (lower-cased) is, among the owners that
 * `counts`, in order: the first one wins. A few addresses (usually one, in
 * defaults) are looked for owner by owner: cheaper than lower-casing and
 * indexing 100,000 UPNs and nicknames, and `counts` is asked only of an owner
 * that matches. More are looked up in maps of UPNs and of nicknames, not of
 * every address an owner has (100,000 users at three domains made 400,000
 * strings).
 */
function ownerFinder<T>(
  owners: () => Iterable<T>,
  mailboxesOf: MailboxesOf<T>,
  tenantDomains: ReadonlySet<string>,
  addresses: number,
  counts: (owner: T) => boolean = () => true,
): (address: string) => T | undefined {
  if (addresses <= FEW_ADDRESSES) {
    return (address) => {
      const parsed = parseAddress(address);
      const visit = (upn: string, nickname: string) => isAddressOf(parsed, upn, nickname, tenantDomains);
      for (const owner of owners()) if (mailboxesOf(owner, visit) && counts(owner)) return owner;
      return undefined;
    };
  }
  const counted: T[] = [];
  const byUpn = new Map<string, number>();
  // Per nickname, its mailboxes in order, as indexes into owner and upn (numbers, not an object per mailbox).
  const byNickname = new Map<string, number[]>();
  const mailboxOwner: number[] = [];
  const mailboxUpn: string[] = [];
  for (const owner of owners()) {
    if (!counts(owner)) continue;
    const index = counted.push(owner) - 1;
    mailboxesOf(owner, (upn, nickname) => {
      const key = upn.toLowerCase();
      if (!byUpn.has(key)) byUpn.set(key, index);
      const mailbox = mailboxOwner.push(index) - 1;
      mailboxUpn.push(upn);
      const lower = nickname.toLowerCase();
      const same = byNickname.get(lower);
      if (same) same.push(mailbox);
      else byNickname.set(lower, [mailbox]);
      return false;
    });
  }
  return (address) => {
    let found = byUpn.get(address) ?? counted.length;
    const split = address.lastIndexOf('@');
    if (split >= 0) {
      const domain = address.slice(split + 1);
      for (const mailbox of byNickname.get(address.slice(0, split)) ?? []) {
        const index = mailboxOwner[mailbox] ?? counted.length;
        if (index >= found) break;
        if (atMailboxDomain(domain, mailboxUpn[mailbox] ?? '', tenantDomains)) {
          found = index;
          break;
        }
      }
    }
    return counted[found];
  };
}

const upnDomain = (upn: string) => upn.toLowerCase().split('@')[1] ?? '';

const atMailboxDomain = (domain: string, upn: string, tenantDomains: ReadonlySet<string>) => tenantDomains.has(domain) || upnDomain(upn) === domain;

/** Whether an address reaches the mailbox of this UPN and nickname. */
function isAddressOf({ address, local, domain }: Address, upn: string, nickname: string, tenantDomains: ReadonlySet<string>): boolean {
  if (mayLowerTo(upn, address) && upn.toLowerCase() === address) return true;
  return local !== null && mayLowerTo(nickname, local) && nickname.toLowerCase() === local && atMailboxDomain(domain, upn, tenantDomains);
}

const FEW_ADDRESSES = 16;

const NON_ASCII = /[^\x00-\x7f]/;

/** Whether `text` lower-cased may be `lower`: lower-casing keeps an ASCII text's length. */
const mayLowerTo = (text: string, lower: string) => text.length === lower.length || NON_ASCII.test(text);

/**
 * A declared user's mailboxes: its own, and for a rename the one it has
 * now, which the rename keeps (its old UPN, and with the directory its old
 * nickname): the user's own mailbox all the same.
 */
function declaredMailboxes(current: TenantState | null): MailboxesOf<DeclaredUser> {
  const oldNickname = (renamedFrom: string) => current?.users.get(userKey(renamedFrom))?.attributes.mailNickname ?? renamedFrom.split('@')[0] ?? '';
  return ({ user }, visit) => visit(user.userPrincipalName, user.attributes.mailNickname) || (user.renamedFrom !== undefined && visit(user.renamedFrom, oldNickname(user.renamedFrom)));
}

/** A user of the directory, under its key (the lower-cased UPN the directory is keyed by). */
type KeyedUser = readonly [string, User];

const currentMailbox: MailboxesOf<KeyedUser> = ([, user], visit) => visit(user.userPrincipalName, user.attributes.mailNickname);

/**
 * Whether the plan deletes a user of the directory: managed, not deleted,
 * declared neither under its UPN nor as a rename's old UPN. The declared
 * UPNs are gathered once, when first needed.
 */
function deletedByPlan(users: readonly DeclaredUser[]): (user: KeyedUser) => boolean {
  let declared: Set<string> | undefined;
  return ([key, user]) => {
    if (!user.directory?.managed || user.directory.deletedAt) return false;
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
function existsAlready({ user }: DeclaredUser, { current, now }: RuleContext): boolean {
  if (!current) return false;
  const live = (upn: string) => isLiveAccount(current.users.get(userKey(upn)), now);
  return live(user.userPrincipalName) || (user.renamedFrom !== undefined && live(user.renamedFrom));
}

/** Whose mailbox an address is: a declared user's, or one this plan deletes (only known with the directory). */
interface MailboxOwners {
  readonly tenantDomains: ReadonlySet<string>;
  readonly declared: (address: string) => DeclaredUser | undefined;
  readonly deleted: (address: string) => KeyedUser | undefined;
}

function mailboxOwners({ users, catalog, current }: RuleContext, addresses: number): MailboxOwners {
  const tenantDomains = new Set((catalog?.domains ?? []).map((d) => d.name.toLowerCase()));
  return {
    tenantDomains,
    declared: ownerFinder(() => users, declaredMailboxes(current), tenantDomains, addresses),
    deleted: current ? ownerFinder(() => current.users.entries(), currentMailbox, tenantDomains, addresses, deletedByPlan(users)) : () => undefined,
  };
}

/**
 * Credentials must reach someone who can read them: never the new user's own
 * mailbox (nor the one it has before a rename), nor the mailbox of a user this
 * plan creates or deletes. Whether a declared user exists is only known with
 * the directory: without it (validate offline) only the user's own mailbox is
 * judged, as notifying a colleague declared here is the common case.
 */
export const notifyMailboxes: Rule = (context) => {
  const written = context.blocks.flatMap((block) => addressesOf(block).map((address) => ({ block, address })));
  const adminEmail = context.settings.adminEmail;
  if (written.length === 0 && !adminEmail) return [];
  const owners = mailboxOwners(context, written.length + 1);
  const diagnostics: Diagnostic[] = [];
  for (const { block, address } of written) {
    const finding = mailboxFinding(context, owners, block, address);
    if (finding) diagnostics.push(finding);
  }
  if (adminEmail) diagnostics.push(...adminMailboxFinding(context, adminEmail, owners));
  return diagnostics;
};

/**
 * settings.adminEmail gets a copy of every temporary password: a mailbox of a
 * user this plan creates cannot read them, its owner's own among them, and one
 * of a user it deletes goes with that user. Only known once the directory is
 * read: a declared user who exists already is a mailbox like any other.
 */
function adminMailboxFinding(context: RuleContext, adminEmail: string, owners: MailboxOwners): Diagnostic[] {
  if (!context.current) return [];
  const address = adminEmail.trim().toLowerCase();
  const where = context.settingsLocation ? at(context.settingsLocation, 'adminEmail') : context.anchor;
  const owner = owners.declared(address);
  if (owner && !existsAlready(owner, context)) {
    return [
      error(
        'NOTIFY_CREATED_MAILBOX',
        `settings.adminEmail ${adminEmail} is a mailbox of ${owner.user.userPrincipalName}, a user this plan creates: nobody can read it yet, and it would get every temporary password of the apply, its owner's own among them; set adminEmail to a mailbox that exists already`,
        where,
        at(owner.location, 'userPrincipalName'),
      ),
    ];
  }
  const [, gone] = (owner ? undefined : owners.deleted(address)) ?? [];
  if (!gone || !where) return [];
  return [
    error(
      'NOTIFY_DELETED_MAILBOX',
      `settings.adminEmail ${adminEmail} is a mailbox of ${gone.userPrincipalName}, a user this plan deletes (it is no longer declared): nobody could read the temporary passwords of the apply there; set adminEmail to a mailbox that stays`,
      where,
    ),
  ];
}

/**
 * Why sending credentials to an address fails: it is the new user's own
 * mailbox, or one of a user this plan creates or deletes; undefined when it
 * does not.
 */
function mailboxFinding(context: RuleContext, owners: MailboxOwners, block: FieldBlock, written: WrittenAddress): Diagnostic | undefined {
  const { address } = written;
  const lower = address.toLowerCase();
  const owner = owners.declared(lower);
  if (owner && owner === block.user) {
    const upn = owner.user.userPrincipalName;
    const before = owner.user.renamedFrom;
    const whose =
      before !== undefined && !isAddressOf(parseAddress(lower), upn, owner.user.attributes.mailNickname, owners.tenantDomains)
        ? `${upn}'s own mailbox, which it keeps through the rename from ${before}: it cannot read it`
        : `the new user's own mailbox: ${upn} cannot read it`;
    return error(
      'NOTIFY_OWN_MAILBOX',
      `${address} is ${whose} before signing in with these credentials; send them to a manager, the help desk or a private address`,
      locationOf(block, written),
    );
  }
  if (owner) {
    if (!context.current || existsAlready(owner, context)) return undefined;
    const upn = owner.user.userPrincipalName;
    const whose = lower === upn.toLowerCase() ? 'the mailbox of a user' : `a mailbox of ${upn}, a user`;
    return error(
      'NOTIFY_CREATED_MAILBOX',
      `${address} is ${whose} this configuration creates: nobody can read it yet; send the credentials to a mailbox that exists already`,
      locationOf(block, written),
      at(owner.location, 'userPrincipalName'),
    );
  }
  const [, gone] = owners.deleted(lower) ?? [];
  if (!gone) return undefined;
  const whose = lower === gone.userPrincipalName.toLowerCase() ? 'the mailbox of a user' : `a mailbox of ${gone.userPrincipalName}, a user`;
  return error(
    'NOTIFY_DELETED_MAILBOX',
    `${address} is ${whose} this plan deletes (it is no longer declared): nobody could read the credentials there; send them to a mailbox that stays`,
    locationOf(block, written),
  );
}
