// A renamed account keeps its mailbox and, as an alias, each name it had
// (DOMAIN.md). settings.adminEmail at a name from an earlier, applied rename
// is the reset user's own mailbox all the same: the copy is withheld. The
// directory's former names (TenantState.formerNames, migration 0031) are by
// account id; a name another account holds now is that account's.
import { describe, expect, it } from 'vitest';
import { computePlan } from '../../src/plan/compute-plan.js';
import type { TenantState, User } from '../../src/state/tenant-state.js';
import { admin, catalog, currentUser, desiredUser, settings, state } from '../support/fixtures.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const RESET = { source: { kind: 'generate' }, forceChangePasswordNextSignIn: true, resetToken: '2026-12-01' } as const;
const SMITH = 'megan.smith@contoso.com';

/** Megan as the directory has her now (megan.smith@), with the names she had before, oldest first. */
function directory(formerNames: string[], others: User[] = [], directoryFields = {}): { current: TenantState; megan: User } {
  const megan = currentUser(SMITH, {}, directoryFields);
  return { megan, current: { ...state(admin.current, megan, ...others), formerNames: new Map([[megan.directory!.id, formerNames]]) } };
}

const resetOf = (adminEmail: string, current: TenantState, desired: User[] = [desiredUser(SMITH, { notify: ['megan@example.org'], password: RESET })]) => {
  const result = computePlan({ now: NOW, desired: state(admin.desired, ...desired), current, catalog: catalog(), settings: settings({ adminEmail }) });
  return { result, reset: result.plan.changes.map((p) => p.change).find((c) => c.kind === 'user.password-reset') };
};

describe('settings.adminEmail at a name the reset user had before', () => {
  it.each([
    ['the old UPN', 'megan.bowen@contoso.com'],
    ['the old UPN in another case, with a plus tag', 'Megan.Bowen+copy@Contoso.com'],
    ['the old nickname at another tenant domain', 'megan.bowen@contoso.onmicrosoft.com'],
  ])('%s: withheld, and the plan says so', (_how, adminEmail) => {
    const { result, reset } = resetOf(adminEmail, directory(['megan.bowen@contoso.com']).current);
    expect(reset).toMatchObject({ userPrincipalName: SMITH, adminCopyWithheld: true });
    expect(result.plan.warnings.map((w) => w.code)).toContain('ADMIN_COPY_WITHHELD');
  });

  it('every name of a chain of renames (a to b to c)', () => {
    const { current } = directory(['megan.bowen@contoso.com', 'megan.jansen@contoso.com']);
    expect(resetOf('megan.bowen@contoso.com', current).reset).toMatchObject({ adminCopyWithheld: true });
    expect(resetOf('megan.jansen@contoso.com', current).reset).toMatchObject({ adminCopyWithheld: true });
  });

  it('renamed back: the name she has again, and the one in between', () => {
    // megan.smith@ to megan.bowen@ and back: the read leaves out the name she has now.
    const { current } = directory(['megan.bowen@contoso.com']);
    expect(resetOf('megan.bowen@contoso.com', current).reset).toMatchObject({ adminCopyWithheld: true });
    expect(resetOf('megan.smith@contoso.com', current).reset).toMatchObject({ adminCopyWithheld: true });
  });

  it('restored from the recycle bin in the same plan: still her names', () => {
    const { current } = directory(['megan.bowen@contoso.com'], [], { deletedAt: '2026-11-20T00:00:00.000Z' });
    const { result, reset } = resetOf('megan.bowen@contoso.com', current);
    expect(result.plan.changes.map((p) => p.change.kind)).toContain('user.restore');
    expect(reset).toMatchObject({ adminCopyWithheld: true });
  });

  it('with nobody else to send to, the plan is refused at her', () => {
    const { result } = resetOf('megan.bowen@contoso.com', directory(['megan.bowen@contoso.com']).current, [desiredUser(SMITH, { notify: [], password: RESET })]);
    expect(result.problems.map((p) => p.message)).toEqual([expect.stringContaining(`nobody would receive the temporary password of ${SMITH}`)]);
  });

  it('a name another account holds now is that account\'s mailbox: the copy goes there', () => {
    // Re-created under her old name: an account of the directory (active, in deleted users, or a shared mailbox, which is blocked).
    for (const holder of [
      currentUser('megan.bowen@contoso.com'),
      currentUser('megan.bowen@contoso.com', {}, { deletedAt: '2026-11-25T00:00:00.000Z' }),
      currentUser('megan.bowen@contoso.com', { accountEnabled: false }),
    ]) {
      expect(resetOf('megan.bowen@contoso.com', directory(['megan.bowen@contoso.com'], [holder]).current).reset).not.toHaveProperty('adminCopyWithheld');
    }
    // Or declared as a new account in this plan (validate refuses adminEmail at a mailbox it creates; the planner gives the name to it).
    const { current } = directory(['megan.bowen@contoso.com']);
    const desired = [desiredUser(SMITH, { notify: ['megan@example.org'], password: RESET }), desiredUser('megan.bowen@contoso.com')];
    expect(resetOf('megan.bowen@contoso.com', current, desired).reset).not.toHaveProperty('adminCopyWithheld');
  });

  it('once that other account is purged, the name counts as hers again (a copy withheld costs less than one she reads)', () => {
    expect(resetOf('megan.bowen@contoso.com', directory(['megan.bowen@contoso.com']).current).reset).toMatchObject({ adminCopyWithheld: true });
  });

  it("another account's former names are not hers, and a blocked (shared) mailbox's reset keeps its copy", () => {
    const other = currentUser('alex.wilber@contoso.com');
    const { current } = directory([]);
    const withOther: TenantState = { ...current, formerNames: new Map([[other.directory!.id, ['megan.bowen@contoso.com']]]) };
    expect(resetOf('megan.bowen@contoso.com', { ...withOther, users: new Map([...current.users, ['alex.wilber@contoso.com', other]]) }).reset).not.toHaveProperty('adminCopyWithheld');
    const shared = directory(['helpdesk@contoso.com'], [], {});
    const blocked = [desiredUser(SMITH, { accountEnabled: false, notify: ['it@contoso.com'], password: RESET })];
    expect(resetOf('helpdesk@contoso.com', shared.current, blocked).reset).not.toHaveProperty('adminCopyWithheld');
  });
});
