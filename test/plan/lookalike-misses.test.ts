// Disguises the plan once missed, as drift did: separators DOMAIN.md allows
// in a local part beyond . - _, the Greek lunate sigma drawn as c, and a
// display name that is another user's bare local part.
import { describe, expect, it } from 'vitest';
import { admin, adminDeclared, declared, existing } from '../render/scenarios.js';
import { GA, lookalikeWarningsOf, megan, meganDeclared } from './lookalike-scenario.js';


const warningsOf = lookalikeWarningsOf;

describe('look-alikes the plan once missed', () => {
  it.each(["megan'bowen", 'megan~bowen'])('a created %s@, an apostrophe or a tilde for the dot', (local) => {
    expect(warningsOf([adminDeclared(), meganDeclared(), declared(`${local}@contoso.com`, { displayName: 'Someone Else' })])).toEqual([
      {
        code: 'LOOKALIKE_UPN',
        message:
          `${local}@contoso.com, created by this plan, looks like megan.bowen@contoso.com, an existing user holding Global administrator, but written with other dots, hyphens, underscores, apostrophes or tildes. ` +
          'Make sure each is the account meant: in the plan, a look-alike passes for the other.',
      },
    ]);
  });

  it('a display name with the Greek lunate sigma drawn as c', () => {
    const christie = existing('christie.cline@contoso.com', { displayName: 'Christie Cline' }, GA);
    const desired = [adminDeclared(), meganDeclared(), declared('christie.cline@contoso.com', { displayName: 'Christie Cline' }, GA), declared('cc@contoso.com', { displayName: '\u03f9hristie \u03f2line' })];
    const [warning] = warningsOf(desired, [admin(), megan(), christie]);
    expect(warning?.code).toBe('LOOKALIKE_DISPLAY_NAME');
    expect(warning?.message).toContain('looks like "Christie Cline" of christie.cline@contoso.com, an existing user holding Global administrator, but is written with U+03F9, U+03F2.');
  });

  it.each(['megan.bowen', 'Megan_Bowen', 'rnegan.bowen'])('a display name %j, another user\'s bare local part', (displayName) => {
    expect(warningsOf([adminDeclared(), meganDeclared(), declared('it-help@contoso.com', { displayName })])).toEqual([
      {
        code: 'LOOKALIKE_DISPLAY_NAME',
        message:
          `the displayName "${displayName}" of it-help@contoso.com looks like the UPN megan.bowen@contoso.com, an existing user holding Global administrator, written as a display name. ` +
          'Make sure this is not an account posing as the other in the address book.',
      },
    ]);
  });

  it('not a name with a hyphen or an apostrophe, as names of people have, nor the account\'s own local part', () => {
    const anne = existing('anne-marie@contoso.com', { displayName: 'Anne-Marie Jansen' });
    const desired = [adminDeclared(), meganDeclared(), declared('anne-marie@contoso.com', { displayName: 'Anne-Marie Jansen' }), declared('am@contoso.com', { displayName: 'Anne-Marie' })];
    expect(warningsOf(desired, [admin(), megan(), anne])).toEqual([]);
    expect(warningsOf([adminDeclared(), meganDeclared(), declared('it.help@contoso.com', { displayName: 'it.help' })])).toEqual([]);
  });
});
