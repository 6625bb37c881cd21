// The plan names what drift names: a disguise behind a qualifier in
// brackets or a Hangul filler drawn as a blank, and (its own rule) a new
// account given the very name of an administrator.
import { describe, expect, it } from 'vitest';
import { admin, adminDeclared, declared, existing } from '../render/scenarios.js';
import { GA, lookalikeWarningsOf, megan, meganDeclared } from './lookalike-scenario.js';

const ADVICE = 'Make sure this is not an account posing as the other in the address book.';
const NAMESAKE_ADVICE = 'A namesake of an administrator: make sure this is not an account posing as them in the address book.';

const warningsOf = lookalikeWarningsOf;
const created = (displayName: string, roles = {}) => declared('m.bowen@contoso.com', { displayName }, roles);

describe('look-alike display names the plan compares as drift does', () => {
  it.each([
    ['Mеgan Bowen (IT)', 'written with U+0435, with a qualifier in brackets added'],
    ['Mеgan Bowen [Finance]', 'written with U+0435, with a qualifier in brackets added'],
    ['Megan\u3164Bowen', 'written with U+3164'],
    ['Megan\uffa0Bowen (IT)', 'written with U+FFA0, with a qualifier in brackets added'],
  ])('%j beside the admin Megan Bowen: %s', (displayName, how) => {
    expect(warningsOf([adminDeclared(), meganDeclared(), created(displayName)])).toEqual([
      { code: 'LOOKALIKE_DISPLAY_NAME', message: `the displayName "${displayName}" of m.bowen@contoso.com looks like "Megan Bowen" of megan.bowen@contoso.com, an existing user holding Global administrator, but is ${how}. ${ADVICE}` },
    ]);
  });

  it('a disguise behind a qualifier is named beside an ordinary user too', () => {
    const lotte = existing('lotte.smit@contoso.com', { displayName: 'Lotte Smit' });
    const warnings = warningsOf([adminDeclared(), meganDeclared(), declared('lotte.smit@contoso.com', { displayName: 'Lotte Smit' }), created('Lоtte Smit (HR)')], [admin(), megan(), lotte]);
    expect(warnings.map((w) => w.code)).toEqual(['LOOKALIKE_DISPLAY_NAME']);
    expect(warnings[0]?.message).toContain('looks like "Lotte Smit" of lotte.smit@contoso.com, an existing user, but is written with U+043E, with a qualifier in brackets added.');
  });
});

describe('namesakes of administrators', () => {
  it.each([
    ['Megan Bowen', ''],
    ['MEGAN BOWEN', ', in another case'],
    ['Megan Bowen (IT)', ', with a qualifier in brackets added'],
  ])('a created user named %j beside the admin Megan Bowen', (displayName, how) => {
    expect(warningsOf([adminDeclared(), meganDeclared(), created(displayName)])).toEqual([
      {
        code: 'LOOKALIKE_NAMESAKE',
        message: `the displayName "${displayName}" of m.bowen@contoso.com, created by this plan, is the name of megan.bowen@contoso.com, "Megan Bowen", an existing user holding Global administrator${how}. ${NAMESAKE_ADVICE}`,
      },
    ]);
  });

  it('a display name changed to an admin\'s, whose role is only declared so far', () => {
    const lotte = existing('lotte.smit@contoso.com', { displayName: 'Lotte Smit' });
    const joep = existing('joep@contoso.com', { displayName: 'Joep' });
    const desired = [adminDeclared(), meganDeclared(), declared('lotte.smit@contoso.com', { displayName: 'Lotte Smit' }, GA), declared('joep@contoso.com', { displayName: 'Lotte Smit' })];
    expect(warningsOf(desired, [admin(), megan(), lotte, joep])).toEqual([
      {
        code: 'LOOKALIKE_NAMESAKE',
        message: `the displayName "Lotte Smit" of joep@contoso.com is the name of lotte.smit@contoso.com, "Lotte Smit", an existing user holding Global administrator. ${NAMESAKE_ADVICE}`,
      },
    ]);
  });

  it('not of ordinary users, nor of the account itself (renamed, or an admin created under its own name)', () => {
    const jan = (upn: string) => existing(upn, { displayName: 'Jan de Vries' });
    const janDeclared = (upn: string) => declared(upn, { displayName: 'Jan de Vries' });
    expect(warningsOf([adminDeclared(), meganDeclared(), janDeclared('jan@contoso.com'), janDeclared('jan2@contoso.com'), janDeclared('jan3@contoso.com')], [admin(), megan(), jan('jan@contoso.com')])).toEqual([]);
    const renamed = declared('megan.b@contoso.com', { displayName: 'Megan Bowen' }, { ...GA, renamedFrom: 'megan.bowen@contoso.com' });
    expect(warningsOf([adminDeclared(), renamed])).toEqual([]);
  });
});

describe('an adopted display name compared in parts', () => {
  it('a disguise behind a qualifier, adopted, is named as a created one is', () => {
    const current = [admin(), megan(), existing('help@contoso.com', { displayName: 'Mеgan Bowen (IT)' }, { directory: { managed: false } })];
    const desired = [adminDeclared(), meganDeclared(), declared('help@contoso.com', { displayName: 'Mеgan Bowen (IT)' })];
    expect(warningsOf(desired, current)).toEqual([
      {
        code: 'LOOKALIKE_DISPLAY_NAME',
        message: `the displayName "Mеgan Bowen (IT)" of help@contoso.com, adopted by this plan, looks like "Megan Bowen" of megan.bowen@contoso.com, an existing user holding Global administrator, but is written with U+0435, with a qualifier in brackets added. ${ADVICE}`,
      },
    ]);
  });
});
