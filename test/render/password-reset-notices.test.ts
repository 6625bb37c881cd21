// A pull request that sets password.reset on an existing admin and names its
// own notify address takes the account over. Apply asks --approve-privileged
// for it, and the reviewer must see it before the folded details: in the
// warnings of the text plan, the PR comment and the HTML report.
import { describe, expect, it } from 'vitest';
import { GLOBAL_ADMINISTRATOR } from '../../src/catalog/catalog.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderPlanHtml } from '../../src/render/plan-html.js';
import { renderText } from '../../src/render/text.js';
import { DEFAULT_SETTINGS } from '../../src/state/settings.js';
import { admin, declared, existing, planDocument } from './scenarios.js';

const RESET = { password: { resetToken: '2026-12-01' } };

/** Megan, a Global administrator, reset with her temporary password going to look-alike addresses. */
function takeover() {
  const megan = (make: typeof existing | typeof declared, extra = {}) =>
    make('megan.bowen@contoso.com', { displayName: 'Megan Bowen' }, { roles: [GLOBAL_ADMINISTRATOR], ...extra });
  return planDocument({
    current: [admin(), megan(existing)],
    desired: [declared('admin@contoso.com', { displayName: 'Tenant Admin' }, { roles: [GLOBAL_ADMINISTRATOR] }), megan(declared, { ...RESET, notify: ['megan.bowen@examp1e.org'] })],
    settings: { ...DEFAULT_SETTINGS, adminEmail: 'it-desk@contoso.com' },
  });
}

describe('a password reset of an existing account', () => {
  it('is named in the text plan\'s warnings, with the role the account holds and every recipient', () => {
    const text = renderText(takeover(), { color: false });
    const warnings = text.slice(0, text.indexOf('tenantctl will perform'));
    expect(warnings).toBe(
      '! Applying this plan needs approval: privileged (--approve-privileged).\n' +
        '! Resets the password of megan.bowen@contoso.com, who holds Global administrator, and sends the temporary password to megan.bowen@examp1e.org and it-desk@contoso.com.\n\n',
    );
  });

  it('is named in the warning box of the PR comment, above the folded details', () => {
    const markdown = renderMarkdown(takeover());
    const box = markdown.slice(markdown.indexOf('> [!WARNING]'), markdown.indexOf('| To create'));
    expect(box).toContain(
      '> - Resets the password of `megan.bowen@contoso.com`, who holds `Global administrator`, and sends the temporary password to `megan.bowen@examp1e.org` and `it-desk@contoso.com`.',
    );
  });

  it('is named among the warnings of the HTML report', () => {
    const html = renderPlanHtml(takeover());
    const warnings = html.slice(html.indexOf('<ul class="warnings">'), html.indexOf('</ul>', html.indexOf('<ul class="warnings">')));
    expect(warnings).toContain('Resets the password of <code>megan.bowen@contoso.com</code>, who holds <code>Global administrator</code>');
  });

  it('names five resets, admins first, and counts the rest', () => {
    const people = Array.from({ length: 6 }, (_, i) => `user${i + 1}@contoso.com`);
    const plan = planDocument({
      current: [admin(), ...people.map((upn) => existing(upn, { displayName: upn }))],
      desired: [
        declared('admin@contoso.com', { displayName: 'Tenant Admin' }, { roles: [GLOBAL_ADMINISTRATOR], ...RESET, notify: ['it-desk@contoso.com'] }),
        ...people.map((upn) => declared(upn, { displayName: upn }, { ...RESET, notify: ['it-desk@contoso.com'] })),
      ],
    });
    // The resets' notices; the one Global administrator's reminder (GLOBAL_ADMINS_ONE) is not what this is about.
    const warnings = renderText(plan, { color: false }).split('\n').filter((line) => line.startsWith('! ') && !line.startsWith('! GLOBAL_ADMINS_ONE'));
    expect(warnings).toEqual([
      '! Applying this plan needs approval: privileged (--approve-privileged).',
      '! Resets the password of admin@contoso.com, who holds Global administrator, and sends the temporary password to it-desk@contoso.com.',
      ...people.slice(0, 4).map((upn) => `! Resets the password of ${upn} and sends the temporary password to it-desk@contoso.com.`),
      "! Resets the passwords of 2 more users; where each one's goes is in its details.",
    ]);
  });
});
