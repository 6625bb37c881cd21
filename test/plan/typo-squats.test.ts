// Typo-squats of administrators: a UPN one edit from an admin's local part,
// which no confusable skeleton sees (megann.bowen, mgean.bowen, megan.bowem).
import { describe, expect, it } from 'vitest';
import { oneEditApart, TypoIndex } from '../../src/plan/typo-squats.js';
import { admin, adminDeclared, declared, existing } from '../render/scenarios.js';
import { GA, lookalikeWarningsOf, megan, meganDeclared } from './lookalike-scenario.js';

const warningsOf = lookalikeWarningsOf;

describe('one edit apart', () => {
  it.each([
    ['meganbowen', 'megannbowen', true],
    ['meganbowen', 'mgeanbowen', true],
    ['meganbowen', 'meganbowem', true],
    ['meganbowen', 'meganbowe', true],
    ['meganbowen', 'meganbwoen', true],
    ['meganbowen', 'meganbowen', false],
    ['meganbowen', 'mgaenbowen', false],
    ['meganbowen', 'megnbowem', false],
    // The first letter is what initial-and-surname schemes tell colleagues apart by.
    ['jsmithers', 'asmithers', false],
    ['meganbowen', 'xmeganbowen', false],
    // Numbered namesakes, and numbered accounts: a digit alone is no typo.
    ['jandevries', 'jandevries2', false],
    ['jandevries2', 'jandevries3', false],
    ['noor.u14', 'noor.u10', false],
    ['sanne.u73', 'sanne.u7', false],
    ['sanne.u73', 'sanne.u37', false],
    ['noor.u10', 'noor.u14', false],
    ['noor.u205', 'noor.u25', false],
    ['meganbowen', 'meganbowen1', false],
  ])('%s and %s: %s', (a, b, apart) => {
    expect(oneEditApart(a, b)).toBe(apart);
    expect(oneEditApart(b, a)).toBe(apart);
  });

  it('finds by deletion neighbourhood what a full comparison finds, and only local parts of six letters or more', () => {
    const index = new TypoIndex<string>();
    for (const upn of ['megan.bowen@contoso.com', 'alex.wilber@contoso.com', 'admin@contoso.com']) index.hold(upn, upn);
    expect(index.near('megann.bowen@contoso.com')).toEqual(['megan.bowen@contoso.com']);
    expect(index.near('megan_bowem@fabrikam.com')).toEqual(['megan.bowen@contoso.com']);
    expect(index.near('alex.wilbre@contoso.com')).toEqual(['alex.wilber@contoso.com']);
    // Drawn alike and one letter off: rn for m, then a letter added.
    expect(index.near('rnegann.bowen@contoso.com')).toEqual(['megan.bowen@contoso.com']);
    expect(index.near('sanne.u1@contoso.com')).toEqual([]);
    // admin is five letters: admins@, adnin@ are not typo-squats of it.
    expect(index.near('admins@contoso.com')).toEqual([]);
    expect(index.near('adnin@contoso.com')).toEqual([]);
  });
});

describe('LOOKALIKE_UPN names a typo-squat of an administrator', () => {
  it.each(['megann.bowen', 'mgean.bowen', 'megan.bowem', 'megan_bowem'])('a created %s@', (local) => {
    expect(warningsOf([adminDeclared(), meganDeclared(), declared(`${local}@contoso.onmicrosoft.com`, { displayName: 'Someone Else' })])).toEqual([
      {
        code: 'LOOKALIKE_UPN',
        message:
          `${local}@contoso.onmicrosoft.com, created by this plan, is one letter away from the administrator megan.bowen@contoso.com's user name (a letter added, left out, changed, or two swapped), an existing user holding Global administrator. ` +
          'Make sure each is the account meant: in the plan, a look-alike passes for the other.',
      },
    ]);
  });

  it('a rename of another user to one, naming what it was', () => {
    const lotte = existing('lotte.smit@contoso.com', { displayName: 'Lotte Smit' });
    const renamed = declared('megan.bowem@contoso.com', { displayName: 'Lotte Smit' }, { renamedFrom: 'lotte.smit@contoso.com' });
    expect(warningsOf([adminDeclared(), meganDeclared(), renamed], [admin(), megan(), lotte])[0]?.message).toMatch(
      /^megan\.bowem@contoso\.com, the new name this plan gives lotte\.smit@contoso\.com, is one letter away from the administrator megan\.bowen@contoso\.com's/,
    );
  });

  it('not between two ordinary users, nor an admin renamed one letter from its own name, nor short local parts', () => {
    const jan = existing('jan.devries@contoso.com', { displayName: 'Jan de Vries' });
    expect(warningsOf([adminDeclared(), meganDeclared(), declared('jan.devries@contoso.com', { displayName: 'Jan de Vries' }), declared('jan.devrie@contoso.com', { displayName: 'Jan Devrie' })], [admin(), megan(), jan])).toEqual([]);
    const ownRename = declared('megan.bowem@contoso.com', { displayName: 'Megan Bowen' }, { ...GA, renamedFrom: 'megan.bowen@contoso.com' });
    expect(warningsOf([adminDeclared(), ownRename])).toEqual([]);
    // admin@ (five letters) holds Global administrator: admins@ is another name, not a squat.
    expect(warningsOf([adminDeclared(), meganDeclared(), declared('admins@contoso.com', { displayName: 'Admins Mailbox' })])).toEqual([]);
    expect(warningsOf([adminDeclared(), meganDeclared(), declared('negan.bowen@contoso.com', { displayName: 'Negan Bowen' })])).toEqual([]);
  });
});

describe('an administrator\'s separate admin account', () => {
  const adminAccount = (upn: string, shape = GA) => declared(upn, { displayName: 'Megan Bowen (admin)' }, shape);

  it.each(['megan.bowen.admin', 'adm-megan.bowen'])('%s@ holding an admin role is not a namesake: its grant is reviewed as such', (local) => {
    expect(warningsOf([adminDeclared(), meganDeclared(), adminAccount(`${local}@contoso.com`)])).toEqual([]);
  });

  it('named all the same without a role, or under a UPN that is not built on the admin\'s', () => {
    expect(warningsOf([adminDeclared(), meganDeclared(), adminAccount('megan.bowen.admin@contoso.com', { roles: [] })]).map((w) => w.code)).toEqual(['LOOKALIKE_NAMESAKE']);
    expect(warningsOf([adminDeclared(), meganDeclared(), adminAccount('helpdesk7@contoso.com')]).map((w) => w.code)).toEqual(['LOOKALIKE_NAMESAKE']);
  });
});
