import { describe, expect, it } from 'vitest';
import type { ApplyResult } from '../../src/apply/apply-plan.js';
import { renderApplyResult } from '../../src/render/apply-result.js';

const result = (changes: ApplyResult['changes']): ApplyResult => ({ applyId: 6, changes, purchases: [], credentials: [] });
const OLD_ID = '00000000-0000-4000-8000-000000000001';
const NEW_ID = '00000000-0000-4000-8000-000000000002';

// helper-117: a purge named the expired account as "changed", as if whoever now has its name had been edited.
describe('the confirmation screen after a purge', () => {
  it('names the purged account apart from a rename that takes its UPN in another case', () => {
    const text = renderApplyResult(
      result([
        { kind: 'user.purge', userPrincipalName: 'megan@contoso.com', userId: OLD_ID, deletedAt: '2026-11-01T00:00:00.000Z' },
        { kind: 'user.rename', userPrincipalName: 'MEGAN@contoso.com', fromUserPrincipalName: 'e3a@contoso.com', userId: NEW_ID },
      ]),
    );
    expect(text.split('\n')).toEqual([
      'Apply #6 complete: 2 change(s) committed in one transaction.',
      '  renamed (1): e3a@contoso.com → MEGAN@contoso.com',
      '  purged (1): megan@contoso.com',
      '',
    ]);
  });

  it('names both the new account and the purged one under the same UPN', () => {
    const text = renderApplyResult(
      result([
        { kind: 'user.purge', userPrincipalName: 'emma@contoso.com', userId: OLD_ID, deletedAt: '2026-11-01T00:00:00.000Z' },
        { kind: 'user.create', userPrincipalName: 'emma@contoso.com' } as ApplyResult['changes'][number],
      ]),
    );
    expect(text).toContain('  created (1): emma@contoso.com\n');
    expect(text).toContain('  purged (1): emma@contoso.com\n');
    expect(text).not.toContain('changed');
  });
});
