// Whatever a pull request does to the separators (. - _ ' ~) of an
// admin's UPN, the plan that creates the copy says whose it passes for: drift
// flags the same account once it exists, and the pull request is the place
// to catch it before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adminDeclared, declared } from '../render/scenarios.js';
import { lookalikeWarningsOf, meganDeclared } from './lookalike-scenario.js';


const lookalikeWarnings = (desired: Parameters<typeof lookalikeWarningsOf>[0]) => lookalikeWarningsOf(desired);

/** `meganbowen` with nothing or one separator in each gap between its letters: always a valid local part. */
const separated = fc.array(fc.constantFrom('', '.', '-', '_', "'", '~'), { minLength: 9, maxLength: 9 }).map((gaps) => {
  const letters = [...'meganbowen'];
  return letters.map((letter, i) => `${letter}${gaps[i] ?? ''}`).join('');
});

describe('look-alike UPNs by their separators', () => {
  it('a created user whose UPN is an admin\'s but for its dots, hyphens and underscores is named with the admin it passes for', () => {
    fc.assert(
      fc.property(
        separated.filter((local) => local !== 'megan.bowen'),
        fc.constantFrom('contoso.com', 'contoso.onmicrosoft.com'),
        (local, domain) => {
          const warnings = lookalikeWarnings([adminDeclared(), meganDeclared(), declared(`${local}@${domain}`, { displayName: 'Someone Else' })]);
          expect(warnings.map((w) => w.code)).toEqual(['LOOKALIKE_UPN']);
          expect(warnings[0]?.message).toContain(
            `${local}@${domain}, created by this plan, looks like megan.bowen@contoso.com, an existing user holding Global administrator, but written with other dots, hyphens, underscores, apostrophes or tildes.`,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('one letter away too: a typo-squat of the admin, named as such', () => {
    fc.assert(
      fc.property(separated, (local) => {
        const warnings = lookalikeWarnings([adminDeclared(), meganDeclared(), declared(`${local.replace('w', 'l')}@contoso.com`, { displayName: 'Someone Else' })]);
        expect(warnings.map((w) => w.code)).toEqual(['LOOKALIKE_UPN']);
        expect(warnings[0]?.message).toContain("is one letter away from the administrator megan.bowen@contoso.com's user name");
      }),
      { numRuns: 30 },
    );
  });

  it('but not a name that differs in two letters', () => {
    fc.assert(
      fc.property(separated, (local) => {
        expect(lookalikeWarnings([adminDeclared(), meganDeclared(), declared(`${local.replace('w', 'l').replace('g', 'q')}@contoso.com`, { displayName: 'Someone Else' })])).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });
});
