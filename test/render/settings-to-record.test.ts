// A plan whose only difference is its settings: Terraform shows changed
// outputs and records them; tenantctl said "No changes", so a pull request
// that only loosened a limit was never recorded on its own. Every output
// names the settings to record, each value escaped its output's way: the
// recorded ones come from the applies table, which the writer role may append
// to by hand (sql/roles.sql), so an address there may hold anything.
import { describe, expect, it } from 'vitest';
import { isEmptyPlanDocument, type PlanDocument } from '../../src/plan/plan-document.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderPlanHtml } from '../../src/render/plan-html.js';
import { renderText } from '../../src/render/text.js';
import { renderApplyResult } from '../../src/render/apply-result.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/state/settings.js';
import { admin, adminDeclared, declared, existing, license, planDocument } from './scenarios.js';

/** What an earlier apply recorded: a stricter minimum, a seat cap, and an address written by hand, with a bidi override and markup. */
const RECORDED: Settings = {
  ...DEFAULT_SETTINGS,
  minGlobalAdmins: 2,
  maxSeats: { ENTERPRISEPACK: 10 },
  adminEmail: 'it-desk\u202e@contoso.com <script>`x`</script>',
};
const CONFIGURED: Settings = { ...DEFAULT_SETTINGS, minGlobalAdmins: 1, adminEmail: 'it-desk@contoso.com', maxMonthlyPurchaseCost: 500 };

const joep = () => existing('joep@contoso.com', { displayName: 'Joep de Vries', usageLocation: 'NL' }, { licenses: [license('ENTERPRISEPACK')] });
const joepDeclared = (jobTitle?: string) =>
  declared('joep@contoso.com', { displayName: 'Joep de Vries', usageLocation: 'NL', ...(jobTitle ? { jobTitle } : {}) }, { licenses: [license('ENTERPRISEPACK')] });

/** The tenant matches its configuration; only the settings differ from the record. */
const settingsOnly = (): PlanDocument =>
  planDocument({ current: [admin(), joep()], desired: [adminDeclared(), joepDeclared()], settings: CONFIGURED, applied: RECORDED });

/** A user's change and settings to record in one plan. */
const withChange = (): PlanDocument =>
  planDocument({ current: [admin(), joep()], desired: [adminDeclared(), joepDeclared('Sales Lead')], settings: CONFIGURED, applied: RECORDED });

describe('a plan whose only difference is its settings', () => {
  it('lists each setting that differs from the record, in the order of settings, per subscription by part number', () => {
    expect(settingsOnly().settingsToRecord).toEqual([
      { setting: 'minGlobalAdmins', before: 2, after: 1 },
      { setting: 'adminEmail', before: RECORDED.adminEmail, after: 'it-desk@contoso.com' },
      { setting: 'maxSeats.ENTERPRISEPACK', before: 10, after: null },
      { setting: 'maxMonthlyPurchaseCost', before: null, after: 500 },
    ]);
    expect(isEmptyPlanDocument(settingsOnly())).toBe(false);
  });

  it('has nothing to record on a tenant where no apply recorded settings, or where they match the record', () => {
    const fresh = planDocument({ current: [admin(), joep()], desired: [adminDeclared(), joepDeclared()], settings: CONFIGURED });
    const recorded = planDocument({ current: [admin(), joep()], desired: [adminDeclared(), joepDeclared()], settings: CONFIGURED, applied: CONFIGURED });
    for (const plan of [fresh, recorded]) {
      expect(plan.settingsToRecord).toBeUndefined();
      expect(isEmptyPlanDocument(plan)).toBe(true);
      expect(renderJson(plan)).not.toContain('settingsToRecord');
      expect(renderText(plan, { color: false })).toContain('No changes. The tenant matches the configuration.');
    }
  });

  it('shows them in the text, escaped, and is not "No changes"', async () => {
    const text = renderText(settingsOnly(), { color: false });
    expect(text).toContain('Settings to record:\n    ~ settings.minGlobalAdmins: 2 → 1\n');
    expect(text).toContain('~ settings.adminEmail: "it-desk\\u202e@contoso.com <script>`x`</script>" → "it-desk@contoso.com"');
    expect(text).not.toContain('\u202e');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: no change to users; 4 settings to record.');
    await expect(text).toMatchFileSnapshot('./__snapshots__/settings-only.txt');
    await expect(renderText(settingsOnly(), { color: true })).toMatchFileSnapshot('./__snapshots__/settings-only.color.txt');
  });

  it('shows them in the pull-request comment, in a code block no value can close', async () => {
    const markdown = renderMarkdown(settingsOnly());
    expect(markdown).toContain('### Settings to record (4 settings)');
    expect(markdown).toContain('```diff\n! settings.minGlobalAdmins: 2 → 1\n');
    expect(markdown).not.toContain('No changes');
    await expect(markdown).toMatchFileSnapshot('./__snapshots__/settings-only.md');
  });

  it('shows them in the HTML page, escaped', async () => {
    const html = renderPlanHtml(settingsOnly());
    expect(html).toContain('<h2>Settings to record (4 settings)</h2>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>`x`');
    await expect(html).toMatchFileSnapshot('./__snapshots__/settings-only.html');
  });

  it('carries them in the JSON plan, covered by its planHash', async () => {
    const plan = settingsOnly();
    const json = renderJson(plan);
    expect(json.indexOf('"settingsToRecord"')).toBeGreaterThan(json.indexOf('"settings"'));
    expect(json.indexOf('"settingsToRecord"')).toBeLessThan(json.indexOf('"summary"'));
    expect(plan.planHash).not.toBe(planDocument({ current: [admin(), joep()], desired: [adminDeclared(), joepDeclared()], settings: CONFIGURED }).planHash);
    await expect(json).toMatchFileSnapshot('./__snapshots__/settings-only.json');
  });
});

describe('a plan with a user change and settings to record', () => {
  it('shows both, in every output', async () => {
    const plan = withChange();
    const text = renderText(plan, { color: false });
    expect(text).toContain('~ joep@contoso.com');
    expect(text).toContain('Settings to record:');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 0 to create, 1 to update, 0 to delete; 4 settings to record.');
    await expect(text).toMatchFileSnapshot('./__snapshots__/change-and-settings.txt');
    const markdown = renderMarkdown(plan);
    expect(markdown).toContain('### Settings to record (4 settings)');
    expect(markdown).toContain('### Changes per user (1)');
    await expect(markdown).toMatchFileSnapshot('./__snapshots__/change-and-settings.md');
    expect(renderPlanHtml(plan)).toContain('<h2>Settings to record (4 settings)</h2>');
  });
});

describe("apply's confirmation", () => {
  it('names the settings it recorded', () => {
    const text = renderApplyResult({ applyId: 7, changes: [], purchases: [], credentials: [], settingsRecorded: settingsOnly().settingsToRecord ?? [] });
    expect(text).toBe(
      [
        'Apply #7 complete: 0 change(s) committed in one transaction.',
        '  recorded 4 settings: later plans are held to them',
        '    ~ settings.minGlobalAdmins: 2 → 1',
        '    ~ settings.adminEmail: "it-desk\\u202e@contoso.com <script>`x`</script>" → "it-desk@contoso.com"',
        '    - settings.maxSeats.ENTERPRISEPACK: 10 → none',
        '    + settings.maxMonthlyPurchaseCost: none → 500',
        '',
      ].join('\n'),
    );
  });
});
