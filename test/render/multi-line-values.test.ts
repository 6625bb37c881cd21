import { describe, expect, it } from 'vitest';
import { attributeLines, VALUE_LINE_MARK } from '../../src/render/change-lines.js';
import { renderPlan, type PlanFormat } from '../../src/render/index.js';
import type { PlanDocument } from '../../src/plan/plan-document.js';
import { FORGED, forgedLines, htmlLines, outputLines } from './forged-lines.js';
import { admin, adminDeclared, declared, existing, planDocument } from './scenarios.js';

/**
 * A pull request's free text (streetAddress holds 1,024 characters, and a
 * YAML block scalar gives it lines) must not add lines that read as
 * tenantctl's: a forged role grant or revocation, a header, a warning, the
 * summary. Each line of a value shown on its own line starts, after its sign,
 * with VALUE_LINE_MARK; every other line break is shown as `\uXXXX`.
 */

/** Every line break the terminal, a browser or GitHub may draw as one. */
const BREAKS: readonly [string, string][] = [
  ['LF', '\n'],
  ['CRLF', '\r\n'],
  ['CR', '\r'],
  ['LINE SEPARATOR', '\u2028'],
  ['PARAGRAPH SEPARATOR', '\u2029'],
  ['NEL', '\u0085'],
  ['vertical tab', '\u000b'],
  ['form feed', '\u000c'],
];

const address = (line1: string, sep: string) => [line1, ...FORGED, ''].join(sep);

/** A new user, a changed address whose forged lines stay as context, and a long one-line job title. */
function hostilePlan(sep: string): PlanDocument {
  return planDocument({
    current: [admin(), existing('zed@contoso.com', { displayName: 'Zed', streetAddress: address('Main Street 1', sep) })],
    desired: [
      adminDeclared(),
      declared('mallory@contoso.com', { displayName: 'Mallory', streetAddress: address('Main Street 1', sep), jobTitle: `a${sep}- role: Global administrator` }, { notify: ['it@example.org'] }),
      declared('zed@contoso.com', { displayName: 'Zed', streetAddress: address('Main Street 2', sep), jobTitle: `${' '.repeat(40)}- role: Global administrator` }),
    ],
  });
}

const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

/** The lines a format shows, as a reviewer reads them. */
function shownLines(plan: PlanDocument, format: PlanFormat | 'color'): string[] {
  if (format === 'color') return stripAnsi(renderPlan(plan, 'text', { color: true })).split('\n');
  const output = renderPlan(plan, format, { color: false });
  return format === 'html' ? htmlLines(output) : outputLines(output);
}

describe('a multi-line value cannot pass for tenantctl lines', () => {
  describe.each(BREAKS)('broken by %s', (_name, sep) => {
    const plan = hostilePlan(sep);

    it.each<PlanFormat | 'color'>(['text', 'color', 'markdown', 'html'])('in %s', (format) => {
      const lines = shownLines(plan, format);
      expect(forgedLines(lines)).toEqual([]);
      // The forged text is still there to read, as part of a value.
      expect(lines.some((line) => line.includes('- role: Global administrator'))).toBe(true);
    });

    it('keeps the value exactly in JSON', () => {
      const json = JSON.parse(renderPlan(plan, 'json', { color: false })) as { changes: { userPrincipalName: string; attributes?: Record<string, unknown> }[] };
      const created = json.changes.find((change) => change.userPrincipalName === 'mallory@contoso.com');
      expect(created?.attributes?.streetAddress).toBe(address('Main Street 1', sep));
    });
  });

  it('marks every line of a value, context and empty lines too, and none of tenantctl lines', () => {
    const shown = attributeLines('streetAddress', 'Main Street 1\n\n- role: Global administrator', 'Main Street 2\n\n- role: Global administrator').map(
      (line) => `${'  '.repeat(line.depth)}${line.sign} ${line.text}`.trimEnd(),
    );
    expect(shown).toEqual([
      '~ streetAddress:',
      `  - ${VALUE_LINE_MARK} Main Street 1`,
      `  + ${VALUE_LINE_MARK} Main Street 2`,
      `    ${VALUE_LINE_MARK}`,
      `    ${VALUE_LINE_MARK} - role: Global administrator`,
    ]);
  });

  it('shows the honest multi-line address readably in the terminal and the pull-request comment', () => {
    const plan = planDocument({
      current: [admin()],
      desired: [adminDeclared(), declared('anna@contoso.com', { displayName: 'Anna', streetAddress: 'Herengracht 1\n1015 BA Amsterdam' }, { notify: ['it@example.org'] })],
    });
    expect(renderPlan(plan, 'text', { color: false })).toContain(['    + streetAddress:', '      + | Herengracht 1', '      + | 1015 BA Amsterdam'].join('\n'));
    expect(renderPlan(plan, 'markdown', { color: false })).toContain(['+ streetAddress:', '+   | Herengracht 1', '+   | 1015 BA Amsterdam'].join('\n'));
  });
});
