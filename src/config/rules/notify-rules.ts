import { error, type Diagnostic, type SourceLocation } from '../../diagnostics/diagnostic.js';
import { emailProblem, MAX_NOTIFY_ADDRESSES, tooManyAddresses } from '../notify-addresses.js';
import { splitNotify } from '../normalize-user.js';
import { userKey } from '../../state/tenant-state.js';
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
 * Whose mailbox an address (lower-cased) is, among those this configuration
 * creates: each UPN, and `mailNickname@domain` at the UPN's domain and (with
 * the catalog) at every tenant domain. The first user declared wins. Users
 * are indexed by UPN and by nickname, not by every address they create
 * (100,000 users at three domains made 400,000 strings).
 */
function mailboxOwner({ users, catalog }: RuleContext, addresses: number): (address: string) => DeclaredUser | undefined {
  // Domain names never hold an `@` (catalog schema), so an address splits at its last one.
  const tenantDomains = new Set((catalog?.domains ?? []).map((d) => d.name.toLowerCase()));
  const upnDomain = (upn: string) => upn.toLowerCase().split('@')[1] ?? '';
  // A few addresses (usually one, in defaults) are looked for user by user:
  // cheaper than lower-casing and indexing 100,000 UPNs and nicknames.
  if (addresses <= FEW_ADDRESSES) return (address) => scanForOwner(users, address, (domain, upn) => tenantDomains.has(domain) || upnDomain(upn) === domain);
  const byUpn = new Map<string, number>();
  const byNickname = new Map<string, number[]>();
  users.forEach((declared, index) => {
    const upn = declared.user.userPrincipalName.toLowerCase();
    if (!byUpn.has(upn)) byUpn.set(upn, index);
    const nickname = declared.user.attributes.mailNickname.toLowerCase();
    const same = byNickname.get(nickname);
    if (same) same.push(index);
    else byNickname.set(nickname, [index]);
  });
  return (address) => {
    let owner = byUpn.get(address) ?? users.length;
    const split = address.lastIndexOf('@');
    if (split >= 0) {
      const domain = address.slice(split + 1);
      for (const index of byNickname.get(address.slice(0, split)) ?? []) {
        if (index >= owner) break;
        if (tenantDomains.has(domain) || upnDomain(users[index]!.user.userPrincipalName) === domain) {
          owner = index;
          break;
        }
      }
    }
    return users[owner];
  };
}

const FEW_ADDRESSES = 16;

const NON_ASCII = /[^\x00-\x7f]/;

/** Whether `text` lower-cased may be `lower`: lower-casing keeps an ASCII text's length. */
const mayLowerTo = (text: string, lower: string) => text.length === lower.length || NON_ASCII.test(text);

/** mailboxOwner's answer for one address, found by reading the users in order (the first match is the first declared). */
function scanForOwner(
  users: readonly DeclaredUser[],
  address: string,
  atUsersDomain: (domain: string, upn: string) => boolean,
): DeclaredUser | undefined {
  const split = address.lastIndexOf('@');
  const local = split >= 0 ? address.slice(0, split) : null;
  const domain = address.slice(split + 1);
  for (const declared of users) {
    const upn = declared.user.userPrincipalName;
    if (mayLowerTo(upn, address) && upn.toLowerCase() === address) return declared;
    if (local === null) continue;
    const nickname = declared.user.attributes.mailNickname;
    if (mayLowerTo(nickname, local) && nickname.toLowerCase() === local && atUsersDomain(domain, upn)) return declared;
  }
  return undefined;
}

/**
 * Credentials must reach someone who can read them: never the new user's own
 * mailbox, nor another mailbox this configuration creates.
 */
export const notifyMailboxes: Rule = (context) => {
  const written = context.blocks.flatMap((block) => addressesOf(block).map((address) => ({ block, address })));
  const adminEmail = context.settings.adminEmail;
  if (written.length === 0 && !adminEmail) return [];
  const ownerOf = mailboxOwner(context, written.length + 1);
  const diagnostics: Diagnostic[] = [];
  for (const { block, address } of written) {
    const owner = ownerOf(address.address.toLowerCase());
    if (owner) diagnostics.push(mailboxFinding(block, address, owner));
  }
  if (adminEmail) diagnostics.push(...adminMailboxFinding(context, adminEmail, ownerOf));
  return diagnostics;
};

/**
 * settings.adminEmail gets a copy of every temporary password: a mailbox of a
 * user this plan creates cannot read them, its owner's own among them. Only
 * known once the directory is read: a declared user who exists already is a
 * mailbox like any other.
 */
function adminMailboxFinding({ current, settingsLocation, anchor }: RuleContext, adminEmail: string, ownerOf: (address: string) => DeclaredUser | undefined): Diagnostic[] {
  if (!current) return [];
  const owner = ownerOf(adminEmail.trim().toLowerCase());
  if (!owner || current.users.has(userKey(owner.user.userPrincipalName))) return [];
  const where = settingsLocation ? at(settingsLocation, 'adminEmail') : anchor;
  return [
    error(
      'NOTIFY_CREATED_MAILBOX',
      `settings.adminEmail ${adminEmail} is a mailbox of ${owner.user.userPrincipalName}, a user this plan creates: nobody can read it yet, and it would get every temporary password of the apply, its owner's own among them; set adminEmail to a mailbox that exists already`,
      where,
      at(owner.location, 'userPrincipalName'),
    ),
  ];
}

/** Why sending credentials to `address` fails: it is a mailbox of `owner`, which this configuration creates. */
function mailboxFinding(block: FieldBlock, written: WrittenAddress, owner: DeclaredUser): Diagnostic {
  const { address } = written;
  const location = locationOf(block, written);
  const upn = owner.user.userPrincipalName;
  if (owner === block.user) {
    return error(
      'NOTIFY_OWN_MAILBOX',
      `${address} is the new user's own mailbox: ${upn} cannot read it before signing in with these credentials; send them to a manager, the help desk or a private address`,
      location,
    );
  }
  const whose = address.toLowerCase() === upn.toLowerCase() ? 'the mailbox of a user' : `a mailbox of ${upn}, a user`;
  return error(
    'NOTIFY_CREATED_MAILBOX',
    `${address} is ${whose} this configuration creates: nobody can read it yet; send the credentials to a mailbox that exists already`,
    location,
    at(owner.location, 'userPrincipalName'),
  );
}
