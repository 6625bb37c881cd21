import jsonpatch, { type Operation } from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import type { DocumentChange } from '../../src/plan/plan-document.js';
import { userSnapshot, type UserSnapshot } from '../../src/plan/user-snapshot.js';
import { admin, adminDeclared, declared, existing, license, planDocument } from '../render/scenarios.js';

/**
 * The patches of user.block, user.unblock and license.update (JSON plan 2.1)
 * are against the user's state before the plan, each on its own; made by the
 * real planner and applied with fast-json-patch.
 */

const apply = (state: UserSnapshot, patch: readonly Operation[]): UserSnapshot =>
  jsonpatch.applyPatch(jsonpatch.deepClone(state) as UserSnapshot, patch as Operation[], true, false).newDocument;

// Ann loses E3 (index 0) and changes the plans of E1 (index 1) and Visio (index 2); Dan changes only a licence.
const annNow = existing('ann@contoso.com', { displayName: 'Ann', jobTitle: 'Analyst' }, {
  licenses: [license('ENTERPRISEPACK'), license('STANDARDPACK', ['SWAY']), license('VISIOCLIENT')],
});
const danNow = existing('dan@contoso.com', { displayName: 'Dan' }, { licenses: [license('ENTERPRISEPACK', ['SWAY'])] });

function plan() {
  return planDocument({
    current: [admin(), annNow, existing('bob@contoso.com', { displayName: 'Bob' }), existing('cat@contoso.com', { displayName: 'Cat' }, { accountEnabled: false }), danNow],
    desired: [
      adminDeclared(),
      declared('ann@contoso.com', { displayName: 'Ann', jobTitle: 'Lead' }, { licenses: [license('STANDARDPACK'), license('VISIOCLIENT', ['VISIOONLINE'])] }),
      declared('bob@contoso.com', { displayName: 'Bob' }, { accountEnabled: false }),
      declared('cat@contoso.com', { displayName: 'Cat' }),
      declared('dan@contoso.com', { displayName: 'Dan' }, { licenses: [license('ENTERPRISEPACK')] }),
    ],
  });
}

const patchOf = (change: DocumentChange): readonly Operation[] => {
  expect('patch' in change, `${change.kind} ${change.userPrincipalName} has a patch`).toBe(true);
  return (change as DocumentChange & { patch: readonly Operation[] }).patch;
};

/** The user's state before the plan, as `before` of their user.* changes shows it. */
function stateBefore(changes: readonly DocumentChange[], upn: string): UserSnapshot {
  const before = changes.find((c) => c.userPrincipalName === upn && c.before)?.before;
  expect(before, `a user.* change of ${upn} shows its state before`).toBeTruthy();
  return before!;
}

describe('the patches of user.block, user.unblock and license.update', () => {
  const { changes } = plan();
  const only = (kind: string, upn: string) => {
    const found = changes.filter((c) => c.kind === kind && c.userPrincipalName === upn);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('are on exactly the kinds that update a user or licence in place', () => {
    expect(changes.filter((c) => 'patch' in c).map((c) => `${c.kind} ${c.userPrincipalName}`)).toEqual([
      'user.update ann@contoso.com',
      'license.update ann@contoso.com',
      'license.update ann@contoso.com',
      'user.block bob@contoso.com',
      'user.unblock cat@contoso.com',
      'license.update dan@contoso.com',
    ]);
  });

  it('user.block and user.unblock: applied to before, give before with after’s accountEnabled, nothing else', () => {
    for (const change of [only('user.block', 'bob@contoso.com'), only('user.unblock', 'cat@contoso.com')]) {
      const patched = apply(change.before!, patchOf(change));
      expect(patched.accountEnabled).toBe(change.after!.accountEnabled);
      expect(patched).toEqual({ ...change.before!, accountEnabled: change.after!.accountEnabled });
      expect(patched).toEqual(change.after);
    }
    expect(patchOf(only('user.block', 'bob@contoso.com'))).toEqual([{ op: 'replace', path: '/accountEnabled', value: false }]);
  });

  it('license.update: the licence by its index in before (not after the removal before it), guarded by a test of its sku', () => {
    const updates = changes.filter((c) => c.kind === 'license.update' && c.userPrincipalName === 'ann@contoso.com');
    expect(updates.map(patchOf)).toEqual([
      [
        { op: 'test', path: '/licenses/1/sku', value: 'STANDARDPACK' },
        { op: 'replace', path: '/licenses/1/disabledPlans', value: [] },
      ],
      [
        { op: 'test', path: '/licenses/2/sku', value: 'VISIOCLIENT' },
        { op: 'replace', path: '/licenses/2/disabledPlans', value: ['VISIOONLINE'] },
      ],
    ]);
    const before = stateBefore(changes, 'ann@contoso.com');
    const after = changes.find((c) => c.userPrincipalName === 'ann@contoso.com' && c.after)!.after!;
    for (const update of updates) {
      if (update.kind !== 'license.update') throw new Error('not a license.update');
      const patched = apply(before, patchOf(update));
      // Exactly this change's result: that licence's plans, nothing else.
      expect(patched).toEqual({ ...before, licenses: before.licenses.map((l) => (l.sku === update.sku ? { sku: l.sku, disabledPlans: update.toDisabledPlans } : l)) });
      expect(patched.licenses.find((l) => l.sku === update.sku)).toEqual(after.licenses.find((l) => l.sku === update.sku));
      // Against any other state, where the licence is not at that index, the test stops it.
      expect(() => apply(after, patchOf(update))).toThrow();
    }
  });

  it('license.update of a user without other changes: against the state the plan starts from', () => {
    const update = only('license.update', 'dan@contoso.com');
    const before = userSnapshot(danNow)!;
    expect(apply(before, patchOf(update))).toEqual({ ...before, licenses: [license('ENTERPRISEPACK')] });
  });

  it('all of a user’s patches, one after another on before (user.update’s on its attributes), then the removal, give after', () => {
    const own = changes.filter((c) => c.userPrincipalName === 'ann@contoso.com');
    let state = stateBefore(changes, 'ann@contoso.com');
    // They touch different places and none moves a licence, so they apply one after another.
    for (const change of own) {
      if (change.kind === 'user.update') state = { ...state, attributes: jsonpatch.applyPatch(jsonpatch.deepClone(state.attributes), change.patch as Operation[], true, false).newDocument };
      else if ('patch' in change) state = apply(state, patchOf(change));
    }
    for (const change of own) if (change.kind === 'license.remove') state = { ...state, licenses: state.licenses.filter((l) => l.sku !== change.sku) };
    expect(own.map((c) => c.kind)).toEqual(['user.update', 'license.remove', 'license.update', 'license.update']);
    expect(state).toEqual(own.find((c) => c.after)!.after);
  });
});
