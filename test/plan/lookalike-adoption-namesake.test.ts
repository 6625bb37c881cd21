// Bringing a tenant under management adopts every account of the directory;
// one created outside git with an administrator's very display name is how a
// disguise starts, and once adopted it is trusted and drift no longer names
// it. The adoption plan names it as the plan of its creation would have;
// namesakes among ordinary users (several Jan de Vries) stay quiet.
import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../src/render/index.js';
import type { User } from '../../src/state/tenant-state.js';
import { HOSTILE, liveMarkdown, rawDangers, workflowCommandLines } from '../support/hostile-strings.js';
import { admin, adminDeclared, declared, existing, planDocument } from '../render/scenarios.js';
import { GA, lookalikeWarningsOf, SETTINGS } from './lookalike-scenario.js';

const unmanaged = (upn: string, displayName: string, shape = {}) => existing(upn, { displayName }, { ...shape, directory: { managed: false } });
/** The export of `users`: each declared as the directory has it. */
const exported = (users: readonly User[]) => users.map((u) => declared(u.userPrincipalName, { ...u.attributes }, { roles: u.roles }));

describe('an adopted namesake of an administrator', () => {
  it('is named, beside a managed admin', () => {
    const current = [admin(), existing('megan.bowen@contoso.com', { displayName: 'Megan Bowen' }, GA), unmanaged('m.b@contoso.com', 'Megan Bowen')];
    expect(lookalikeWarningsOf(exported(current), current)).toEqual([
      {
        code: 'LOOKALIKE_NAMESAKE',
        message:
          'the displayName "Megan Bowen" of m.b@contoso.com, adopted by this plan, is the name of megan.bowen@contoso.com, "Megan Bowen", an existing user holding Global administrator. ' +
          'A namesake of an administrator: make sure this is not an account posing as them in the address book.',
      },
    ]);
  });

  it('is named beside an admin adopted in the same plan, with a qualifier or in another case; the admin itself is not', () => {
    const current = [admin(), unmanaged('megan.bowen@contoso.com', 'Megan Bowen', GA), unmanaged('mb.it@contoso.com', 'megan bowen (IT)')];
    const [namesake, ...rest] = lookalikeWarningsOf([adminDeclared(), ...exported(current.slice(1))], current);
    expect(rest).toEqual([]);
    expect(namesake?.code).toBe('LOOKALIKE_NAMESAKE');
    expect(namesake?.message).toMatch(/^the displayName "megan bowen \(IT\)" of mb\.it@contoso\.com, adopted by this plan, is the name of megan\.bowen@contoso\.com, "Megan Bowen", an existing user holding Global administrator, with a qualifier in brackets added\. /);
  });

  it('adopted under the display name the configuration gives it, not the one it had', () => {
    const current = [admin(), existing('megan.bowen@contoso.com', { displayName: 'Megan Bowen' }, GA), unmanaged('m.b@contoso.com', 'M B')];
    const desired = [...exported(current.slice(0, 2)), declared('m.b@contoso.com', { displayName: 'Megan Bowen' })];
    expect(lookalikeWarningsOf(desired, current).map((w) => w.code)).toEqual(['LOOKALIKE_NAMESAKE']);
  });

  it("an admin's own admin account adopted with a role is not named (its grant is approved by name)", () => {
    const current = [admin(), existing('megan.bowen@contoso.com', { displayName: 'Megan Bowen' }, GA), unmanaged('adm-megan.bowen@contoso.com', 'Megan Bowen', GA)];
    expect(lookalikeWarningsOf(exported(current), current)).toEqual([]);
  });

  it('namesakes among ordinary users adopted together stay quiet', () => {
    const current = [admin(), existing('megan.bowen@contoso.com', { displayName: 'Megan Bowen' }, GA), unmanaged('jan.devries@contoso.com', 'Jan de Vries'), unmanaged('jan.de.vries@fabrikam.com', 'Jan de Vries')];
    expect(lookalikeWarningsOf(exported(current), current).filter((w) => w.code === 'LOOKALIKE_NAMESAKE')).toEqual([]);
  });

  it('a hostile admin name it shares is shown escaped in every format', () => {
    const name = `Megan ${HOSTILE.eraseLine} ${HOSTILE.errorColon} <b>@admins</b>`;
    const current = [admin(), existing('megan.bowen@contoso.com', { displayName: name }, GA), unmanaged('m.b@contoso.com', name)];
    const plan = planDocument({ desired: exported(current), current, settings: SETTINGS });
    expect(plan.warnings.map((w) => w.code)).toContain('LOOKALIKE_NAMESAKE');
    const text = renderPlan(plan, 'text', { color: false });
    expect(text).toContain('adopted by this plan, is the name of megan.bowen@contoso.com');
    expect(rawDangers(text)).toEqual([]);
    expect(workflowCommandLines(text)).toEqual([]);
    const markdown = renderPlan(plan, 'markdown', { color: false });
    expect(liveMarkdown(markdown)).toEqual([]);
    expect(renderPlan(plan, 'html', { color: false })).not.toContain('<b>@admins');
  });
});
