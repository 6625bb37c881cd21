import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/render/text.js';
import { GLOBAL_ADMINISTRATOR } from '../../src/catalog/catalog.js';
import { admin, adminDeclared, createOnly, declared, existing, hostileNames, large, mixed, noChanges, planDocument, unmanagedAdmins } from './scenarios.js';

describe('renderText', () => {
  it('shows new users with every attribute they get, and where their password comes from', async () => {
    await expect(renderText(createOnly(), { color: false })).toMatchFileSnapshot('./__snapshots__/create-only.txt');
  });

  it('shows warnings first, then every kind of change per user, seats, users left alone and the summary', async () => {
    await expect(renderText(mixed(), { color: false })).toMatchFileSnapshot('./__snapshots__/mixed.txt');
  });

  it('colours signs and headers when asked', async () => {
    const output = renderText(mixed(), { color: true });
    expect(output).toContain('\u001b[32m+\u001b[0m');
    expect(output).toContain('\u001b[31m-\u001b[0m');
    expect(output).toContain('\u001b[33m~\u001b[0m');
    expect(output).toContain('\u001b[1manna@contoso.com\u001b[0m');
    await expect(output).toMatchFileSnapshot('./__snapshots__/mixed.color.txt');
  });

  it('says so when nothing changes', async () => {
    const output = renderText(noChanges(), { color: false });
    expect(output.trimEnd().split('\n').at(-1)).toBe('No changes. The tenant matches the configuration.');
    await expect(output).toMatchFileSnapshot('./__snapshots__/no-changes.txt');
  });

  it.each([
    ['create only', createOnly],
    ['mixed', mixed],
    ['no changes', noChanges],
    ['hostile names', hostileNames],
  ])('has no escape code at all without colour (%s)', (_name, scenario) => {
    expect(renderText(scenario(), { color: false })).not.toContain('\u001b');
  });

  it('ends with the summary line in its documented form', () => {
    const last = (text: string) => text.trimEnd().split('\n').at(-1);
    expect(last(renderText(mixed(), { color: false }))).toBe('Plan: 3 to create, 1 to restore, 1 to rename, 7 to update, 1 to delete; 3 seats to purchase (+$60.00/month).');
    expect(last(renderText(createOnly(), { color: false }))).toBe('Plan: 2 to create, 0 to update, 0 to delete.');
  });

  it('names at most ten users left alone', () => {
    const plan = { ...noChanges(), unmanagedUsers: Array.from({ length: 13 }, (_, i) => `guest${String(i + 1).padStart(2, '0')}@contoso.com`) };
    expect(renderText(plan, { color: false })).toContain(
      '13 users not managed by tenantctl are left alone: guest01@contoso.com, guest02@contoso.com, guest03@contoso.com, ' +
        'guest04@contoso.com, guest05@contoso.com, guest06@contoso.com, guest07@contoso.com, guest08@contoso.com, ' +
        'guest09@contoso.com, guest10@contoso.com and 3 more.',
    );
  });

  it('says which users left alone hold admin roles, the privileged ones first and flagged', () => {
    expect(renderText(unmanagedAdmins(), { color: false })).toContain(
      '4 users not managed by tenantctl are left alone: helpdesk@contoso.com, printer@contoso.com, root@contoso.com and scanner@contoso.com. ' +
        'Holding admin roles: root@contoso.com (Global administrator, privileged) and helpdesk@contoso.com (Billing administrator, Password administrator).\n',
    );
  });

  it('names at most ten admins left alone', () => {
    const plan = noChanges();
    const admins = Array.from({ length: 12 }, (_, i) => ({ userPrincipalName: `admin${String(i + 1).padStart(2, '0')}@contoso.com`, roles: ['Global administrator'], privileged: true }));
    const output = renderText({ ...plan, unmanagedUsers: admins.map((a) => a.userPrincipalName), unmanagedAdmins: admins }, { color: false });
    expect(output).toContain('admin10@contoso.com (Global administrator, privileged) and 2 more.\n');
    expect(output).not.toContain('admin11@contoso.com (');
  });

  it('renders 2,000 users, one header each', () => {
    const output = renderText(large(), { color: false });
    expect(output.match(/^\+ user\d{4}@contoso\.com \(create\)$/gm)).toHaveLength(2000);
    expect(output).toContain('! Buys 1995 seats (1995 × STANDARDPACK) for +$15960.00/month.');
  });
});

describe('warnings of deleted admins', () => {
  it('say "admin user" for one and "admin users" for more', () => {
    const adminNamed = (upn: string, make: typeof declared | typeof existing) => make(upn, { displayName: upn }, { roles: [GLOBAL_ADMINISTRATOR] });
    const one = renderText(planDocument({ desired: [adminDeclared()], current: [admin(), adminNamed('r2@contoso.com', existing)] }), { color: false });
    expect(one).toContain('! Deletes admin user r2@contoso.com.\n');
    const two = renderText(
      planDocument({ desired: [adminDeclared()], current: [admin(), adminNamed('r2@contoso.com', existing), adminNamed('r3@contoso.com', existing)] }),
      { color: false },
    );
    expect(two).toContain('! Deletes admin users r2@contoso.com and r3@contoso.com.\n');
  });
});

describe('warnings of blocked sign-ins', () => {
  it('name an admin\'s block once, under the privileged changes, and the others\' on their own line', () => {
    const second = (enabled: boolean, make: typeof declared | typeof existing) =>
      make('r2@contoso.com', { displayName: 'R2' }, { roles: [GLOBAL_ADMINISTRATOR], accountEnabled: enabled });
    const plain = (enabled: boolean, make: typeof declared | typeof existing) => make('pat@contoso.com', { displayName: 'Pat' }, { accountEnabled: enabled });
    const plan = planDocument({
      desired: [adminDeclared(), second(false, declared), plain(false, declared)],
      current: [admin(), second(true, existing), plain(true, existing)],
    });
    const output = renderText(plan, { color: false });
    expect(output).toContain('Blocks sign-in of admin user r2@contoso.com.');
    expect(output).toContain('Blocks sign-in of pat@contoso.com.');
    expect(output).not.toContain('Blocks sign-in of r2@contoso.com');
  });
});
