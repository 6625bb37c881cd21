// Bringing a tenant under management exports every account, an
// impersonation account created outside git among them, and plans their
// adoption; once adopted it is managed and drift never names it again. The
// adoption plan must say what a creation's would.
import { describe, expect, it } from 'vitest';
import { GLOBAL_ADMINISTRATOR } from '../../src/catalog/catalog.js';
import { DEFAULT_SETTINGS } from '../../src/state/settings.js';
import type { User } from '../../src/state/tenant-state.js';
import { admin, adminDeclared, declared, existing, planDocument } from '../render/scenarios.js';

const GA = { roles: [GLOBAL_ADMINISTRATOR] };
const unmanaged = (upn: string, displayName: string, shape = {}) => existing(upn, { displayName }, { ...shape, directory: { managed: false } });
/** The export of `users`: each declared as the directory has it. */
const exported = (users: readonly User[]) => users.map((u) => declared(u.userPrincipalName, { ...u.attributes }, { roles: u.roles }));
const warningsOf = (desired: User[], current: User[]) => planDocument({ desired, current, settings: DEFAULT_SETTINGS }).warnings.filter((w) => w.code.startsWith('LOOKALIKE_'));

describe('look-alike accounts a plan adopts', () => {
  it('an adopted UPN drawn alike and a Cyrillic display name, beside a managed admin', () => {
    const current = [admin(), existing('megan.bowen@contoso.com', { displayName: 'Megan Bowen' }, GA), unmanaged('rnegan.bowen@contoso.com', 'Mеgan Bowen')];
    expect(warningsOf(exported(current), current)).toEqual([
      {
        code: 'LOOKALIKE_UPN',
        message:
          'rnegan.bowen@contoso.com, adopted by this plan, looks like megan.bowen@contoso.com, an existing user holding Global administrator. ' +
          'Make sure each is the account meant: in the plan, a look-alike passes for the other.',
      },
      {
        code: 'LOOKALIKE_DISPLAY_NAME',
        message:
          'the displayName "Mеgan Bowen" of rnegan.bowen@contoso.com, adopted by this plan, looks like "Megan Bowen" of megan.bowen@contoso.com, an existing user holding Global administrator, ' +
          'but is written with U+0435. Make sure this is not an account posing as the other in the address book.',
      },
    ]);
  });

  it('two unmanaged look-alikes adopted together: each is named, as which is the impostor cannot be told', () => {
    const current = [admin(), unmanaged('megan.bowen@contoso.com', 'Megan Bowen'), unmanaged('megan_bowen@contoso.com', 'Megan Bowen (IT)')];
    const [upn] = warningsOf(exported(current), current);
    expect(upn?.message).toContain('megan.bowen@contoso.com, adopted by this plan, looks like megan_bowen@contoso.com, an existing user, but written with other dots, hyphens, underscores, apostrophes or tildes');
    expect(upn?.message).toContain('megan_bowen@contoso.com, adopted by this plan, looks like megan.bowen@contoso.com');
  });

  it('an adoption that also changes the display name is named once, by the declared name', () => {
    const current = [admin(), existing('megan.bowen@contoso.com', { displayName: 'Megan Bowen' }), unmanaged('m.b@contoso.com', 'M B')];
    const desired = [...exported(current.slice(0, 2)), declared('m.b@contoso.com', { displayName: 'Megan Bοwen' })];
    const names = warningsOf(desired, current).filter((w) => w.code === 'LOOKALIKE_DISPLAY_NAME');
    expect(names.map((w) => w.message)).toEqual([
      'the displayName "Megan Bοwen" of m.b@contoso.com, adopted by this plan, looks like "Megan Bowen" of megan.bowen@contoso.com, an existing user, but is written with U+03BF. ' +
        'Make sure this is not an account posing as the other in the address book.',
    ]);
  });

  it('an adoption of accounts that look like nobody says nothing', () => {
    const current = [admin(), unmanaged('megan.bowen@contoso.com', 'Megan Bowen', GA), unmanaged('alex.wilber@contoso.com', 'Alex Wilber')];
    expect(warningsOf([adminDeclared(), ...exported(current.slice(1))], current)).toEqual([]);
  });
});

describe('a typo-squat of an administrator a plan adopts', () => {
  it('is named as a created one is, though it shares no skeleton with anyone', () => {
    const current = [admin(), existing('megan.bowen@contoso.com', { displayName: 'Megan Bowen' }, GA), unmanaged('megann.bowen@contoso.com', 'Someone Else')];
    expect(warningsOf(exported(current), current)).toEqual([
      {
        code: 'LOOKALIKE_UPN',
        message:
          "megann.bowen@contoso.com, adopted by this plan, is one letter away from the administrator megan.bowen@contoso.com's user name (a letter added, left out, changed, or two swapped), an existing user holding Global administrator. " +
          'Make sure each is the account meant: in the plan, a look-alike passes for the other.',
      },
    ]);
  });

  it('not the administrator itself, nor an ordinary user one letter from another', () => {
    const current = [admin(), unmanaged('megan.bowen@contoso.com', 'Megan Bowen', GA), unmanaged('jan.devrie@contoso.com', 'Jan Devrie'), existing('jan.devries@contoso.com', { displayName: 'Jan de Vries' })];
    expect(warningsOf([adminDeclared(), ...exported(current.slice(1))], current)).toEqual([]);
  });
});
