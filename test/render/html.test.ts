import { describe, expect, it } from 'vitest';
import { toDriftDocument, type DriftDocument } from '../../src/drift/drift-document.js';
import { computeDrift } from '../../src/drift/drift.js';
import { withCreatedOutside } from '../../src/drift/read-created-outside.js';
import { renderDriftHtml } from '../../src/render/drift-html.js';
import { htmlSentences, htmlText } from '../../src/render/escape-html.js';
import { terminalText } from '../../src/render/escape-terminal.js';
import { renderPlan } from '../../src/render/index.js';
import { renderPlanHtml } from '../../src/render/plan-html.js';
import { catalog, currentUser, desiredUser, GA, state, subscription } from '../support/fixtures.js';
import { HOSTILE, HOSTILE_VALUES, rawDangers, workflowCommandLines } from '../support/hostile-strings.js';
import { checkPolicy, foreignMarkup } from '../support/html-tags.js';
import { hostileNames, mixed, noChanges } from './scenarios.js';

/** Everything a page must satisfy whatever it shows. */
function expectSafePage(html: string): void {
  expect(foreignMarkup(html)).toEqual([]);
  expect(rawDangers(html)).toEqual([]);
  expect(workflowCommandLines(html)).toEqual([]);
  const policy = checkPolicy(html);
  expect(policy).toMatchObject({ scripts: 1, styles: 1, scriptAllowed: true, styleAllowed: true });
  expect(policy.policy).toMatch(/^default-src 'none'; /);
  expect(policy.policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  // Nothing that loads from elsewhere: no src/href attribute (foreignMarkup), no url() or @import in the style sheet.
  expect(/<style>([\s\S]*?)<\/style>/.exec(html)?.[1]).not.toMatch(/url\(|@import/i);
}

describe('htmlText', () => {
  it('applies the terminal visibility rules, then escapes the characters HTML gives meaning to', () => {
    expect(htmlText(HOSTILE.rlo)).toBe('invoice\\u202etxt.exe');
    expect(htmlText(HOSTILE.zeroWidth)).toBe('ad\\u200bmin\\u200d\\ufeff');
    expect(htmlText(HOSTILE.eraseLine)).toBe('x\\u001b[1A\\u001b[2Kforged');
    expect(htmlText(HOSTILE.html)).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(htmlText(`"a" & 'b'`)).toBe('&quot;a&quot; &amp; &#39;b&#39;');
    expect(htmlText('</script><script>alert(1)</script>')).toBe('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(htmlText(HOSTILE.addMaskColon)).toBe('\\u003a:add-mask::x');
  });

  it('is the terminal text, entity-escaped: one classification of invisible characters', () => {
    for (const value of HOSTILE_VALUES) {
      const shown = htmlText(value);
      expect(shown).toBe(terminalText(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
      expect(shown).not.toMatch(/[<>"']/);
      expect(rawDangers(shown)).toEqual([]);
    }
  });

  it('leaves ordinary text alone', () => {
    for (const text of ['Joep de Vries', 'Zoë Ångström', '山田太郎', 'שלום', '50% off, #1']) expect(htmlText(text)).toBe(text);
  });

  it('sets values apart from words, and neither can pose as the other', () => {
    expect(htmlSentences((show) => [`Grants ${show('<b>Global</b>')} to ${show('a\u0000b')}.`])).toEqual([
      'Grants <code>&lt;b&gt;Global&lt;/b&gt;</code> to <code>a\\u0000b</code>.',
    ]);
  });
});

describe('plan page', () => {
  it('shows the summary and every approval before the changes', () => {
    const plan = mixed();
    const html = renderPlanHtml(plan);
    expectSafePage(html);
    expect(html).toContain('<h1>tenantctl plan</h1>');
    const order = ['class="cards"', '<h2>Needs ', 'Changes per user'].map((marker) => html.indexOf(marker));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const purchase of plan.purchases) expect(html).toContain(`<code>${purchase.sku}</code>`);
    // One row per change, each with its kind for the filter.
    expect(html.match(/<tr data-kind="/g)?.length).toBe(plan.changes.length);
    for (const change of plan.changes) expect(html).toContain(`<tr data-kind="${change.kind}">`);
    expect(renderPlan(plan, 'html', { color: true })).toBe(html);
  });

  it('lists purchases with their cost, deletions and privileged changes in their own tables', async () => {
    const plan = mixed();
    const html = renderPlanHtml(plan);
    const rowsOf = (id: string) => (new RegExp(`<table id="${id}">[\\s\\S]*?</table>`).exec(html)?.[0].match(/<tr>/g)?.length ?? 0) - 1;
    expect(rowsOf('purchases')).toBe(plan.purchases.length);
    expect(html).toMatch(/<table id="purchases">[\s\S]*\$\d+\.\d\d[\s\S]*<\/table>/);
    expect(rowsOf('deletions')).toBe(plan.changes.filter((c) => c.kind === 'user.delete').length);
    expect(rowsOf('privileged')).toBe(plan.changes.filter((c) => c.risks.includes('privileged')).length);
    expect(rowsOf('deletions')).toBeGreaterThan(0);
    expect(rowsOf('privileged')).toBeGreaterThan(0);
    expect(html).toContain('deletions: --approve-deletions');
    await expect(html).toMatchFileSnapshot('__snapshots__/mixed.html');
  });

  it('escapes every value of a hostile plan', () => {
    const html = renderPlanHtml(hostileNames());
    expectSafePage(html);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('\\u001b[31mred');
  });

  it('says so when there is nothing to change', () => {
    const html = renderPlanHtml(noChanges());
    expectSafePage(html);
    expect(html).toContain('No changes. The tenant matches the configuration.');
    expect(html).not.toContain(' data-filterable>');
  });

  it('is the same page for the same plan (hash-based policy, no nonce, no clock)', () => {
    expect(renderPlanHtml(mixed())).toBe(renderPlanHtml(mixed()));
  });
});

const NOW = new Date('2026-06-01T12:00:00.000Z');

function hostileDrift(): DriftDocument {
  const desired = [desiredUser('changed@contoso.com', { attributes: { jobTitle: 'Lead' } })];
  const current = [
    currentUser('changed@contoso.com', { attributes: { jobTitle: `${HOSTILE.html} ${HOSTILE.rlo}` } }, { updatedBy: 'psql', updatedAt: '2026-05-02T00:00:00.000Z' }),
    currentUser('mallory@contoso.com', { attributes: { displayName: `${HOSTILE.html}${HOSTILE.osc8}` }, roles: [GA] }, { managed: false }),
    currentUser('legacy@contoso.com', { attributes: { displayName: HOSTILE.zeroWidth } }, { managed: false }),
  ];
  const report = computeDrift({ desired: state(...desired), current: state(...current), catalog: catalog([subscription('ENTERPRISEPACK', 3, 20)]), now: NOW });
  // Inserted by SQL, by a database role named to break out of the page.
  const created = new Map([[current[1]!.directory!.id, { databaseRole: `dba${HOSTILE.html}${HOSTILE.rlo}`, at: '2026-05-30T09:00:00.000Z' }]]);
  return toDriftDocument({ ...report, findings: withCreatedOutside(report.findings, created) }, { tenantctlVersion: '0.0.0-test', configHash: null });
}

describe('drift page', () => {
  it('puts privileged, then unmanaged accounts first, then the other findings, all filterable', async () => {
    const drift = hostileDrift();
    const html = renderDriftHtml(drift);
    expectSafePage(html);
    const order = ['<table id="privileged"', '<table id="unmanaged"', '<table id="findings"'].map((marker) => html.indexOf(marker));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html.match(/<tr data-kind="/g)?.length).toBe(drift.findings.length);
    expect(html).toContain('<table id="privileged" data-filterable>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;\\u001b]8;;https://evil.example\\u0007click');
    expect(html).toContain('ad\\u200bmin\\u200d\\ufeff');
    expect(html).toContain('created outside tenantctl by database role <code>dba&lt;img src=x onerror=alert(1)&gt;invoice\\u202etxt.exe</code> at <code>2026-05-30T09:00:00.000Z</code>');
    await expect(html).toMatchFileSnapshot('__snapshots__/drift-hostile.html');
  });

  it('shows no filter when there is nothing to filter', () => {
    const drift = toDriftDocument(computeDrift({ desired: state(), current: state(), catalog: catalog([]), now: NOW }), { tenantctlVersion: '0.0.0-test', configHash: null });
    const html = renderDriftHtml(drift);
    expectSafePage(html);
    expect(html).toContain('No drift: the tenant matches the configuration.');
    expect(html).not.toContain('id="filter"');
  });
});
