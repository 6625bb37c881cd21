import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/catalog.js';
import type { DeclaredUser, FieldBlock, RuleContext } from '../../src/config/rules/rule.js';
import { notifyMailboxes } from '../../src/config/rules/notify-rules.js';
import { DEFAULT_SETTINGS } from '../../src/state/settings.js';

/** The definition the rule had: every created mailbox in one map, the first user to create it owning it. */
function referenceOwners(users: readonly DeclaredUser[], catalog: Catalog | null): Map<string, DeclaredUser> {
  const tenantDomains = (catalog?.domains ?? []).map((d) => d.name.toLowerCase());
  const mailboxes = new Map<string, DeclaredUser>();
  const add = (address: string, declared: DeclaredUser) => {
    if (!mailboxes.has(address)) mailboxes.set(address, declared);
  };
  for (const declared of users) {
    const upn = declared.user.userPrincipalName.toLowerCase();
    add(upn, declared);
    const nickname = declared.user.attributes.mailNickname.toLowerCase();
    for (const domain of new Set([upn.split('@')[1] ?? '', ...tenantDomains])) add(`${nickname}@${domain}`, declared);
  }
  return mailboxes;
}

// Few letters and domains, so that UPNs, nicknames and addresses collide
// often; "İ" lower-cases to two characters ("i̇"), so lengths differ.
const part = fc.stringMatching(/^[aAbB.İi]{1,3}$/);
const domain = fc.constantFrom('contoso.com', 'Contoso.com', 'fabrikam.net', 'x.org');
const upn = fc.oneof(fc.tuple(part, domain).map(([local, at]) => `${local}@${at}`), part);
const address = fc.oneof(upn, fc.tuple(part, fc.constantFrom('', '@', 'b@')).map(([local, tail]) => `${local}@${tail}`));

describe('notify: mailboxes this configuration creates', () => {
  it('names the same owner as indexing every created address', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ upn, nickname: part, notify: fc.array(address, { maxLength: 3 }) }), { minLength: 1, maxLength: 8 }),
        fc.option(fc.subarray(['contoso.com', 'fabrikam.net']), { nil: null }),
        // Past 16 addresses the rule indexes the users; below, it reads them for each address.
        fc.boolean(),
        (declared, domains, padded) => {
          const catalog = domains === null ? null : ({ domains: domains.map((name) => ({ name, verified: true, default: false })), subscriptions: [], roles: [] } as unknown as Catalog);
          const users = declared.map(
            (d, index) =>
              ({
                user: { userPrincipalName: d.upn, attributes: { mailNickname: d.nickname } },
                location: { file: 'tenant.yaml', path: ['users', index] },
              }) as unknown as DeclaredUser,
          );
          const blocks: FieldBlock[] = users.map((user, index) => ({ fields: { notify: declared[index]!.notify }, location: user.location, user }));
          const padding: FieldBlock[] = padded ? [{ fields: { notify: Array(17).fill('zz@nowhere.example') }, location: { file: 'tenant.yaml', path: ['defaults'] }, user: undefined }] : [];
          const found = notifyMailboxes({ users, blocks: [...blocks, ...padding], catalog, settings: DEFAULT_SETTINGS, current: null } as unknown as RuleContext);
          const owners = referenceOwners(users, catalog);
          const expected = blocks.flatMap((block) =>
            (declared[blocks.indexOf(block)]!.notify)
              .filter((a) => a.trim() !== '')
              .flatMap((a) => {
                const owner = owners.get(a.trim().toLowerCase());
                if (!owner) return [];
                return owner === block.user ? [{ code: 'NOTIFY_OWN_MAILBOX', owner: 'self' }] : [{ code: 'NOTIFY_CREATED_MAILBOX', owner: owner.location.path }];
              }),
          );
          expect(found.map((d) => ({ code: d.code, owner: d.code === 'NOTIFY_OWN_MAILBOX' ? 'self' : d.related?.path?.slice(0, 2) }))).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
