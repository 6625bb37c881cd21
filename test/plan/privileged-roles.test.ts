import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/plan/change.js';
import { describePrivilegedChange, isPrivilegedChange, rolesForPrivilege } from '../../src/plan/privileged-roles.js';

const ADMIN = ['User management administrator'];
const update = (attribute: 'mobilePhone' | 'businessPhones' | 'jobTitle', from: unknown, to: unknown): Change => ({
  kind: 'user.update',
  userPrincipalName: 'lotte.smit@contoso.com',
  userId: 'u1',
  patch: [],
  attributes: [{ attribute, from, to }],
});
const rename = (from: string, to: string): Change => ({ kind: 'user.rename', userPrincipalName: to, fromUserPrincipalName: from, userId: 'u1' });

describe("an admin's phones and sign-in name", () => {
  it('a phone pointed at a number the admin did not have is privileged; a user without a role is not', () => {
    expect(isPrivilegedChange(update('mobilePhone', '+31 6 1234 0001', '+44 7700 900123'), ADMIN)).toBe(true);
    expect(isPrivilegedChange(update('mobilePhone', null, '+44 7700 900123'), ADMIN)).toBe(true);
    expect(isPrivilegedChange(update('businessPhones', ['+31 20 555 0101'], ['+31 20 555 0101', '+44 20 7946 0000']), ADMIN)).toBe(true);
    expect(isPrivilegedChange(update('mobilePhone', '+31 6 1234 0001', '+44 7700 900123'), [])).toBe(false);
    expect(describePrivilegedChange(update('mobilePhone', null, '+44 7700 900123'))).toBe('changes the mobile phone of lotte.smit@contoso.com, who holds an admin role');
  });

  it('taking a phone away, or writing the same number with other spaces or dashes, is not', () => {
    expect(isPrivilegedChange(update('mobilePhone', '+31 6 1234 0001', null), ADMIN)).toBe(false);
    expect(isPrivilegedChange(update('businessPhones', ['+31 20 555 0101'], []), ADMIN)).toBe(false);
    expect(isPrivilegedChange(update('businessPhones', [''], null), ADMIN)).toBe(false);
    expect(isPrivilegedChange(update('mobilePhone', '+31 6 1234 0001', '+31612340001'), ADMIN)).toBe(false);
    expect(isPrivilegedChange(update('businessPhones', ['+31 20 555 0101'], ['+31-20-555-0101']), ADMIN)).toBe(false);
    expect(isPrivilegedChange(update('jobTitle', 'Sales Lead', 'Head of Sales'), ADMIN)).toBe(false);
    expect(isPrivilegedChange(update('mobilePhone', '+31 6 1234 0001', '+31 (6) 1234.0001'), ADMIN)).toBe(false);
  });

  it('digits of another script, or any other character, make another number', () => {
    // Arabic-Indic and fullwidth digits are dialled as digits: the ASCII digits alone are the old number.
    expect(isPrivilegedChange(update('mobilePhone', '+31 6 1234 0001', '+31 6 1234 0001 \u0667\u0667'), ADMIN)).toBe(true);
    expect(isPrivilegedChange(update('businessPhones', ['+31 20 555 0101'], ['+31 20 555 0101\uff10']), ADMIN)).toBe(true);
    expect(isPrivilegedChange(update('mobilePhone', '+31 6 1234 0001', '\uff0b\uff13\uff11 6 1234 0001'), ADMIN)).toBe(true);
    expect(isPrivilegedChange(update('mobilePhone', '+31 6 1234 0001', '+31 6 1234 0001 ext 7'), ADMIN)).toBe(true);
  });

  it('a rename is privileged, one that only changes the case of the name is not', () => {
    expect(isPrivilegedChange(rename('lotte.smit@contoso.com', 'lotte.jansen@contoso.com'), ADMIN)).toBe(true);
    expect(isPrivilegedChange(rename('lotte.smit@contoso.com', 'Lotte.Smit@contoso.com'), ADMIN)).toBe(false);
    expect(isPrivilegedChange(rename('lotte.smit@contoso.com', 'lotte.jansen@contoso.com'), [])).toBe(false);
  });
});

describe('a new user', () => {
  const create: Change = {
    kind: 'user.create',
    userPrincipalName: 'eve@contoso.com',
    accountEnabled: true,
    attributes: {} as never,
    password: { kind: 'generate' },
    forceChangePasswordNextSignIn: true,
    notify: ['attacker@example.org'],
    resetToken: null,
  };

  it('is privileged by the roles the same plan grants it, not by those of a purged account of its name', () => {
    const granted = new Map([['eve@contoso.com', ['Global administrator']]]);
    expect(rolesForPrivilege(create, [], granted)).toEqual(['Global administrator']);
    expect(rolesForPrivilege(create, ['Global administrator'], new Map())).toEqual([]);
    expect(isPrivilegedChange(create, ['Global administrator'])).toBe(true);
    expect(isPrivilegedChange(create, [])).toBe(false);
    expect(describePrivilegedChange(create, 'whom this plan grants Global administrator')).toBe('creates eve@contoso.com, whom this plan grants Global administrator');
  });
});
