import { describe, expect, it } from 'vitest';
import type { PlanDocument } from '../../src/plan/plan-document.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderPlanHtml } from '../../src/render/plan-html.js';
import { renderText } from '../../src/render/text.js';
import { noChanges } from './scenarios.js';

/**
 * A pull request that only changes settings changes no user: its plan is
 * empty but for the warnings that say what the settings change. The text
 * showed them; the pull-request comment and the HTML page said "No changes".
 */
function settingsOnly(): PlanDocument {
  const plan = noChanges();
  return {
    ...plan,
    warnings: [
      ...plan.warnings,
      {
        code: 'ADMIN_EMAIL_CHANGED',
        message: 'settings.adminEmail changes from it-desk@contoso.com (as last applied) to it-desk@c0ntoso-support.com: every temporary password a creation or password reset sends from now on, an administrator\'s too, is copied to it-desk@c0ntoso-support.com',
      },
    ],
  };
}

describe('an empty plan with warnings', () => {
  it('keeps them in the pull-request comment, above "No changes"', () => {
    const markdown = renderMarkdown(settingsOnly());
    const alert = markdown.indexOf('> [!WARNING]');
    expect(alert).toBeGreaterThan(0);
    expect(markdown.indexOf('ADMIN\\_EMAIL\\_CHANGED: `settings.adminEmail changes from it-desk@contoso.com')).toBeGreaterThan(alert);
    expect(markdown.indexOf('No changes. The tenant matches the configuration.')).toBeGreaterThan(alert);
  });

  it('keeps them in the HTML page', () => {
    const html = renderPlanHtml(settingsOnly());
    expect(html).toContain('<ul class="warnings">');
    expect(html).toContain('ADMIN_EMAIL_CHANGED: ');
    expect(html).toContain('it-desk@c0ntoso-support.com');
  });

  it('as the text does', () => {
    expect(renderText(settingsOnly(), { color: false })).toContain('! ADMIN_EMAIL_CHANGED: settings.adminEmail changes from');
  });

  it('stays within the comment size limit', () => {
    expect(renderMarkdown(settingsOnly(), { maxLength: 300 }).length).toBeLessThanOrEqual(300);
  });
});
