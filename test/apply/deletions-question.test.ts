import { describe, expect, it } from 'vitest';
import { deletionsQuestion } from '../../src/apply/approvals.js';
import type { PlanDocument } from '../../src/plan/plan-document.js';
import { DEFAULT_SETTINGS } from '../../src/state/settings.js';
import { admin, adminDeclared, declared, existing, license, planDocument } from '../render/scenarios.js';

// apply's prompt told a deletions-only plan apart by DELETION_THRESHOLD's wording;
// it now counts the changes the plan marks `deletion`, by kind.
describe('the prompt for --approve-deletions', () => {
  const user = (upn: string) => existing(upn, { displayName: upn, usageLocation: 'NL' }, { licenses: [license('STANDARDPACK')] });
  const kept = (upn: string, shape: Parameters<typeof declared>[2] = {}) => declared(upn, { displayName: upn, usageLocation: 'NL' }, shape);
  const plan = (desired: ReturnType<typeof declared>[]) =>
    planDocument({
      settings: { ...DEFAULT_SETTINGS, maxDeletions: 1 },
      current: [admin(), user('a@contoso.com'), user('b@contoso.com'), user('c@contoso.com')],
      desired: [adminDeclared(), ...desired],
    });

  it('says how many users a plan that only deletes deletes', () => {
    expect(deletionsQuestion(plan([kept('c@contoso.com', { licenses: [license('STANDARDPACK')] })]))).toBe(
      'This plan deletes 2 users, more than the settings allow. Type "deletions" to approve the deletions: ',
    );
  });

  it('gives what the threshold counts when the plan also blocks or takes every licence away', () => {
    const both = plan([kept('b@contoso.com', { accountEnabled: false, licenses: [license('STANDARDPACK')] }), kept('c@contoso.com')]);
    expect(deletionsQuestion(both)).toBe(
      'This plan takes access away from more users than the settings allow: 3 users would be deleted, blocked from signing in or left without any licence ' +
        '(1 deleted, 1 blocked, 1 without a licence), more than settings.maxDeletions (1). Type "deletions" to approve: ',
    );
  });

  it('reads the changes marked deletion, not the warning: without it, licence removals are not "deletes 0 users"', () => {
    const unlicensed = plan(['a', 'b', 'c'].map((name) => kept(`${name}@contoso.com`)));
    const withoutWarning: PlanDocument = { ...unlicensed, warnings: unlicensed.warnings.filter((w) => w.code !== 'DELETION_THRESHOLD') };
    expect(withoutWarning.approvals).toEqual(['deletions']);
    expect(deletionsQuestion(withoutWarning)).toBe(
      'This plan takes access away from more users than the settings allow: 3 users would be left without any licence. Type "deletions" to approve: ',
    );
  });
});
