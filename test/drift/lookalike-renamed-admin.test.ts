// A declared Global administrator renamed by SQL (megan.bowen@ to
// megan.smith@) while git still declares megan.bowen@: the account signs in
// as megan.smith@, the name the address book shows, so an impostor of that
// name is the one to fear. Drift named look-alikes of the declared names
// only; the plan compares with every account of the directory already.
import { describe, expect, it } from 'vitest';
import { computeDrift } from '../../src/drift/drift.js';
import { computePlan } from '../../src/plan/compute-plan.js';
import type { TenantState, User } from '../../src/state/tenant-state.js';
import { catalog, currentUser, desiredUser, GA, settings, state } from '../support/fixtures.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const megan = { displayName: 'Megan Smith', mailNickname: 'megan.smith' };
const declared = desiredUser('megan.bowen@contoso.com', { roles: [GA], attributes: { displayName: 'Megan Bowen' } });
const breakglass = desiredUser('breakglass@contoso.com', { roles: [GA] });
const account = currentUser('megan.smith@contoso.com', { roles: [GA], attributes: megan });

function directory(...others: User[]): TenantState {
  const rename = { from: 'megan.bowen@contoso.com', to: 'megan.smith@contoso.com', at: '2026-11-30T08:15:00.000Z', databaseRole: 'hr_sync' };
  return { ...state(currentUser('breakglass@contoso.com', { roles: [GA] }), account, ...others), outsideRenames: new Map([[account.directory!.id, [rename]]]) };
}

const lookalikesOf = (current: TenantState) =>
  computeDrift({ desired: state(breakglass, declared), current, catalog: catalog(), now: NOW })
    .findings.filter((f) => f.kind === 'user.unmanaged')
    .map((f) => [f.userPrincipalName, f.severity, (f as { lookalikeOf?: { looksLike: string; differences: string[] }[] }).lookalikeOf?.map((l) => `${l.looksLike} ${l.differences.join('+')}`)]);

describe('an impostor of a declared administrator renamed outside git', () => {
  it('drift names a typo-squat of its name in the directory, raised', () => {
    const squat = currentUser('megan.smlth@contoso.com', { attributes: { displayName: 'Someone' } }, { managed: false });
    expect(lookalikesOf(directory(squat))).toEqual([['megan.smlth@contoso.com', 'high', ['megan.smith@contoso.com typo']]]);
  });

  it('drift names an account drawn alike and one of its display name', () => {
    const drawn = currentUser('rnegan.smith@contoso.com', { attributes: { displayName: 'Mеgan Smith' } }, { managed: false });
    expect(lookalikesOf(directory(drawn))).toEqual([
      ['rnegan.smith@contoso.com', 'high', ['megan.smith@contoso.com drawn-alike', 'Megan Smith characters']],
    ]);
  });

  it('an ordinary colleague one letter away from nobody is left alone', () => {
    const colleague = currentUser('jan.devries@contoso.com', { attributes: { displayName: 'Jan de Vries' } }, { managed: false });
    expect(lookalikesOf(directory(colleague))).toEqual([['jan.devries@contoso.com', 'medium', []]]);
  });

  it('the plan warns of an impostor created under its current name', () => {
    const impostor = desiredUser('megan.smlth@contoso.com', { attributes: { displayName: 'Megan Smith' } });
    const { plan } = computePlan({ desired: state(breakglass, declared, impostor), current: directory(), catalog: catalog(), settings: settings(), now: NOW });
    const codes = plan.warnings.filter((w) => w.code.startsWith('LOOKALIKE_'));
    expect(codes.map((w) => w.code)).toEqual(['LOOKALIKE_UPN', 'LOOKALIKE_NAMESAKE']);
    expect(codes[0]?.message).toContain("megan.smlth@contoso.com, created by this plan, is one letter away from the administrator megan.smith@contoso.com's user name");
  });
});
