import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import type { DeclaredUser, FieldBlock, RuleContext } from '../../src/config/rules/rule.js';
import { notifyMailboxes } from '../../src/config/rules/notify-rules.js';
import { DEFAULT_SETTINGS } from '../../src/state/settings.js';
import type { TenantState } from '../../src/state/tenant-state.js';
import { currentUser } from '../support/fixtures.js';

interface Owner {
  readonly upn: string;
  readonly nickname: string;
}

/**
 * The definition: every address of every mailbox in one map, the owner whose
 * UPN it is owning it, else the first owner to have it. A mailbox is its UPN,
 * and its nickname at the UPN's domain and every tenant domain.
 */
function referenceOwners<T>(owners: readonly T[], mailboxesOf: (owner: T) => Owner[], catalog: Catalog | null): Map<string, T> {
  const tenantDomains = (catalog?.domains ?? []).map((d) => d.name.toLowerCase());
  const addresses = new Map<string, T>();
  const add = (address: string, owner: T) => {
    if (!addresses.has(address)) addresses.set(address, owner);
  };
  for (const owner of owners) for (const mailbox of mailboxesOf(owner)) add(mailbox.upn.toLowerCase(), owner);
  for (const owner of owners) {
    for (const mailbox of mailboxesOf(owner)) {
      const upn = mailbox.upn.toLowerCase();
      const nickname = mailbox.nickname.toLowerCase();
      for (const domain of new Set([upn.split('@')[1] ?? '', ...tenantDomains])) add(`${nickname}@${domain}`, owner);
    }
  }
  return addresses;
}

// Few letters and domains, so that UPNs, nicknames and addresses collide
// often; "İ" lower-cases to two characters ("i̇"), so lengths differ.
const part = fc.stringMatching(/^[aAbB.İi]{1,3}$/);
const plusTag = fc.constantFrom('', '+x', '+');
const domain = fc.constantFrom('contoso.com', 'Contoso.com', 'fabrikam.net', 'x.org');
const upn = fc.oneof(fc.tuple(part, domain).map(([local, at]) => `${local}@${at}`), part);
const address = fc.oneof(
  upn,
  fc.tuple(part, plusTag, domain).map(([local, tag, at]) => `${local}${tag}@${at}`),
  fc.tuple(part, fc.constantFrom('', '@', 'b@')).map(([local, tail]) => `${local}@${tail}`),
);
const localOf = (name: string) => name.split('@')[0] ?? '';

/** Plus addressing: `local+tag@domain` is delivered to `local@domain`. */
function deliveredTo(address: string): string[] {
  const at = address.lastIndexOf('@');
  const plus = at < 0 ? -1 : address.slice(0, at).indexOf('+');
  return plus > 0 ? [address, `${address.slice(0, plus)}${address.slice(at)}`] : [address];
}

describe('notify: mailboxes this configuration creates, renames or deletes', () => {
  it('names the same owner as indexing every address, and judges it by the directory', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ upn, nickname: fc.oneof(part, fc.tuple(part, plusTag).map(([p, tag]) => `${p}${tag}`)), notify: fc.array(address, { maxLength: 3 }), renamedFrom: fc.option(upn, { nil: undefined }), exists: fc.boolean() }), {
          minLength: 1,
          maxLength: 8,
        }),
        // Users in the directory that the configuration does not declare: the plan deletes the managed ones;
        // those in deleted users stay there; those nobody manages stay as they are.
        fc.array(fc.record({ upn, nickname: part, state: fc.constantFrom('managed', 'unmanaged', 'deleted') }), { maxLength: 3 }),
        fc.option(fc.subarray(['contoso.com', 'fabrikam.net']), { nil: null }),
        // Past 16 addresses the rule indexes the users; below, it reads them for each address.
        fc.boolean(),
        (declared, undeclared, domains, padded) => {
          const catalog = domains === null ? null : ({ domains: domains.map((name) => ({ name, verified: true, default: false })), subscriptions: [], roles: [] } as unknown as Catalog);
          const users = declared.map(
            (d, index) =>
              ({
                user: { userPrincipalName: d.upn, renamedFrom: d.renamedFrom, attributes: { mailNickname: d.nickname } },
                location: { file: 'tenant.yaml', path: ['users', index] },
              }) as unknown as DeclaredUser,
          );
          const declaredKeys = new Set(declared.flatMap((d) => [d.upn.toLowerCase(), ...(d.renamedFrom === undefined ? [] : [d.renamedFrom.toLowerCase()])]));
          const gone = undeclared.filter((u) => !declaredKeys.has(u.upn.toLowerCase()));
          const current: TenantState = {
            users: new Map(
              [
                // Where the rule reads it, the old nickname of a rename is its old UPN's local part, as the rule guesses it without the directory.
                ...declared.filter((d) => d.exists).map((d) => currentUser(d.renamedFrom ?? d.upn)),
                ...gone.map((u) =>
                  currentUser(u.upn, { attributes: { mailNickname: u.nickname } }, { managed: u.state !== 'unmanaged', deletedAt: u.state === 'deleted' ? '2026-11-30T00:00:00.000Z' : null }),
                ),
              ].map((user) => [user.userPrincipalName.toLowerCase(), user]),
            ),
          };
          const blocks: FieldBlock[] = users.map((user, index) => ({ fields: { notify: declared[index]!.notify }, location: user.location, user }));
          const padding: FieldBlock[] = padded ? [{ fields: { notify: Array(17).fill('zz@nowhere.example') }, location: { file: 'tenant.yaml', path: ['defaults'] }, user: undefined }] : [];
          const found = notifyMailboxes({ users, blocks: [...blocks, ...padding], catalog, settings: DEFAULT_SETTINGS, current, now: new Date() } as unknown as RuleContext);

          const owners = referenceOwners(
            users,
            ({ user }) => [
              { upn: user.userPrincipalName, nickname: user.attributes.mailNickname },
              ...(user.renamedFrom === undefined ? [] : [{ upn: user.renamedFrom, nickname: localOf(user.renamedFrom) }]),
            ],
            catalog,
          );
          const deleted = referenceOwners(
            [...current.users.values()].filter((u) => !declaredKeys.has(u.userPrincipalName.toLowerCase()) && (u.directory?.managed || u.directory?.deletedAt)),
            (u) => [{ upn: u.userPrincipalName, nickname: u.attributes.mailNickname }],
            catalog,
          );
          const anyone = referenceOwners([...current.users.values()], (u) => [{ upn: u.userPrincipalName, nickname: u.attributes.mailNickname }], catalog);
          const exists = ({ user }: DeclaredUser) => current.users.has(user.userPrincipalName.toLowerCase()) || (user.renamedFrom !== undefined && current.users.has(user.renamedFrom.toLowerCase()));
          const expected = blocks.flatMap((block, b) =>
            declared[b]!.notify
              .filter((a) => a.trim() !== '')
              .flatMap((a) => {
                // Delivered to the mailbox that has the address exactly; only when none has it, to its form without the tag.
                for (const form of deliveredTo(a.trim().toLowerCase())) {
                  const owner = owners.get(form);
                  if (owner === block.user) return [{ code: 'NOTIFY_OWN_MAILBOX', owner: 'self' }];
                  if (owner) return exists(owner) ? [] : [{ code: 'NOTIFY_CREATED_MAILBOX', owner: owner.location.path }];
                  if (deleted.has(form)) return [{ code: 'NOTIFY_DELETED_MAILBOX', owner: undefined }];
                  if (anyone.has(form)) return [];
                }
                return [];
              }),
          );
          expect(found.map((d) => ({ code: d.code, owner: d.code === 'NOTIFY_OWN_MAILBOX' ? 'self' : d.related?.path?.slice(0, 2) }))).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
