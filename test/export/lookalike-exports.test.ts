// An impersonation account created outside git is exported like any other,
// and once its adoption is applied drift never names it again: export must
// name each pair of exported accounts that look alike, and how.
import { describe, expect, it } from 'vitest';
import { exportConfig, type ExportOptions } from '../../src/export/export-config.js';
import { currentUser, GA, state } from '../support/fixtures.js';

const OPTIONS: ExportOptions = { split: null, schemaRef: '../schemas/tenant.schema.json', toolVersion: '0.0.0-test', exportedAt: '2026-03-01T09:30:00.000Z' };
const ADVICE =
  'which of the two is the genuine account cannot be told from the directory: check both (who uses them, who created them and when) before committing the exported configuration, and remove the one that is not genuine from it rather than adopt it';
const user = (upn: string, displayName: string, roles: string[] = []) => currentUser(upn, { roles, attributes: { displayName, usageLocation: 'NL' } }, { managed: false });
const lookalikes = (...users: ReturnType<typeof user>[]) =>
  exportConfig(state(...users), null, OPTIONS).diagnostics.filter((d) => d.code === 'EXPORT_LOOKALIKE_USER').map((d) => `${d.severity}: ${d.message}`);

describe('export names accounts that look like another exported account', () => {
  it('a UPN drawn alike and a display name in Cyrillic letters: each pair once, naming both and how they differ', () => {
    const found = lookalikes(user('megan.bowen@contoso.com', 'Megan Bowen', [GA]), user('rnegan.bowen@contoso.com', 'Mеgan Bowen'), user('alex.wilber@contoso.com', 'Alex Wilber'));
    expect(found).toEqual([
      `warning: megan.bowen@contoso.com looks like rnegan.bowen@contoso.com, another exported user: with other letters drawn alike (such as rn for m, 1 for l, 0 for o) or spaced differently; ${ADVICE}`,
      `warning: the displayName "Mеgan Bowen" of rnegan.bowen@contoso.com looks like "Megan Bowen", the displayName of another exported user, megan.bowen@contoso.com: written with U+0435; ${ADVICE}`,
    ]);
  });

  it('a tilde for the dot, and a display name that is another account\'s bare local part', () => {
    expect(lookalikes(user('megan.bowen@contoso.com', 'Megan Bowen', [GA]), user('megan~bowen@contoso.com', 'Someone Else'))).toEqual([
      `warning: megan.bowen@contoso.com looks like megan~bowen@contoso.com, another exported user: with other dots, hyphens, underscores, apostrophes or tildes; ${ADVICE}`,
    ]);
    expect(lookalikes(user('megan.bowen@contoso.com', 'Megan Bowen', [GA]), user('it-help@contoso.com', 'megan.bowen'))).toEqual([
      `warning: the displayName "megan.bowen" of it-help@contoso.com looks like the userPrincipalName of another exported user, megan.bowen@contoso.com: shown as a display name; ${ADVICE}`,
    ]);
  });

  it('a display name written as another account\'s UPN, escaped as the other warnings escape a value from the database', () => {
    const found = lookalikes(user('megan.bowen@contoso.com', 'Megan Bowen', [GA]), user('x@contoso.com', 'megan.bowen@contoso.com\u0007'));
    expect(found).toEqual([
      `warning: the displayName "megan.bowen@contoso.com\\u0007" of x@contoso.com looks like the userPrincipalName of another exported user, megan.bowen@contoso.com: at another domain, shown as a display name; ${ADVICE}`,
    ]);
  });

  it('a look-alike behind a qualifier in brackets, whose whole name has a key no other name has', () => {
    const found = lookalikes(user('megan.bowen@contoso.com', 'Megan Bowen', [GA]), user('helpdesk@contoso.com', 'Mеgan Bowen (IT)'));
    expect(found).toEqual([
      `warning: the displayName "Mеgan Bowen (IT)" of helpdesk@contoso.com looks like "Megan Bowen", the displayName of another exported user, megan.bowen@contoso.com: written with U+0435, with a qualifier in brackets added; ${ADVICE}`,
    ]);
  });

  it('namesakes and accounts that look like nobody are not named', () => {
    expect(lookalikes(user('jan.devries@contoso.com', 'Jan de Vries', [GA]), user('j.devries@contoso.com', 'Jan de Vries'), user('alex.wilber@contoso.com', 'Alex Wilber'))).toEqual([]);
  });
});

describe('export names a typo-squat of an exported administrator', () => {
  it('one letter from an admin, but not between two ordinary users', () => {
    expect(lookalikes(user('megan.bowen@contoso.com', 'Megan Bowen', [GA]), user('megann.bowen@contoso.com', 'Someone Else'))).toEqual([
      `warning: megann.bowen@contoso.com looks like megan.bowen@contoso.com, another exported user: one letter away from that administrator's (a letter added, left out, changed, or two swapped); ${ADVICE}`,
    ]);
    expect(lookalikes(user('jan.devries@contoso.com', 'Jan de Vries'), user('jan.devrie@contoso.com', 'Jan Devrie'))).toEqual([]);
  });
});
