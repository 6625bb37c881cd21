import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { liveMarkdown } from '../support/hostile-strings.js';
import { DEFAULT_SETTINGS } from '../../src/state/settings.js';
import { admin, adminDeclared, createOnly, declared, existing, hostileNames, large, license, mixed, noChanges, planDocument, unmanagedAdmins } from './scenarios.js';

/** The lines markdown interprets: everything outside fenced code blocks. */
function outsideFences(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const run = /^(`{3,})/.exec(line)?.[1];
    if (fence === null && run) fence = run;
    else if (fence !== null && run && run.length >= fence.length && line.trim() === run) fence = null;
    else if (fence === null) lines.push(line);
  }
  expect(fence, 'every code fence is closed').toBeNull();
  return lines;
}

const unescapedPipes = (row: string) => row.replace(/\\\|/g, '').split('|').length - 1;

describe('renderMarkdown', () => {
  it('says which users left alone hold admin roles, the privileged ones first and flagged', () => {
    expect(renderMarkdown(unmanagedAdmins())).toContain(
      '4 users not managed by tenantctl are left alone: `helpdesk@contoso.com`, `printer@contoso.com`, `root@contoso.com` and `scanner@contoso.com`. ' +
        'Holding admin roles: `root@contoso.com` (`Global administrator`, privileged) and `helpdesk@contoso.com` (`Billing administrator`, `Password administrator`).',
    );
  });

  it.each([
    ['create-only', createOnly],
    ['mixed', mixed],
    ['no-changes', noChanges],
    ['hostile-names', hostileNames],
  ])('matches the golden file (%s)', async (name, scenario) => {
    await expect(renderMarkdown(scenario())).toMatchFileSnapshot(`./__snapshots__/${name}.md`);
  });

  it('lists a deletion under "Needs approval" only when the plan needs --approve-deletions', () => {
    const plan = mixed();
    expect(plan.approvals).toContain('deletions');
    const deletion = '| `dave@contoso.com` | `- user: moved to deleted users;';
    expect(renderMarkdown(plan)).toContain(deletion);
    const withinThreshold = renderMarkdown({ ...plan, approvals: plan.approvals.filter((approval) => approval !== 'deletions') });
    // The creation of joep@, whom the plan grants Billing administrator, is privileged: its temporary password is where the grant goes.
    expect(withinThreshold).toContain('### Needs approval (3 changes)');
    expect(withinThreshold).not.toContain(deletion);
    expect(withinThreshold).toContain('<details><summary><code>- dave@contoso.com</code>');
  });

  // The table listed the deletions and blocks the threshold counts, not the licence removals
  // that leave a user with none (which it counts too): the plan did not say which they were.
  it('lists the removal of a user\'s last licence under "Needs approval" when the threshold counts it, a move to another licence not', () => {
    const licensed = (upn: string, name: string, sku = 'STANDARDPACK') => existing(upn, { displayName: name, usageLocation: 'NL' }, { licenses: [license(sku)] });
    const plan = planDocument({
      settings: { ...DEFAULT_SETTINGS, maxDeletions: 0 },
      current: [admin(), licensed('pim@contoso.com', 'Pim Vos'), licensed('moved@contoso.com', 'Moved Kok')],
      desired: [
        adminDeclared(),
        declared('pim@contoso.com', { displayName: 'Pim Vos', usageLocation: 'NL' }),
        declared('moved@contoso.com', { displayName: 'Moved Kok', usageLocation: 'NL' }, { licenses: [license('ENTERPRISEPACK')] }),
      ],
    });
    expect(plan.approvals).toEqual(['deletions']);
    const removal = '| `pim@contoso.com` | `- license: STANDARDPACK` | deletion |';
    const output = renderMarkdown(plan);
    expect(output).toContain(`### Needs approval (1 change)\n\n| User | Change | Needs |\n| --- | --- | --- |\n${removal}\n`);
    expect(renderMarkdown({ ...plan, approvals: [] })).not.toContain('### Needs approval');
  });

  it('puts warnings and the summary table before any detail', () => {
    const output = renderMarkdown(mixed());
    const warning = output.indexOf('> [!WARNING]');
    const table = output.indexOf('| To create | To restore | To rename | To update | To delete | Seats to purchase | Monthly cost |');
    const purchases = output.indexOf('### Purchases');
    const details = output.indexOf('<details>');
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(table);
    expect(table).toBeLessThan(purchases);
    expect(purchases).toBeLessThan(details);
  });

  it('keeps markup in user values from breaking the layout', () => {
    const output = renderMarkdown(hostileNames());
    const markup = outsideFences(output);
    // The values only appear inside the diff block.
    expect(markup.join('\n')).not.toMatch(/Mallory|<script>|oops|\*\*bold\*\*|octocat/);
    expect(output).toContain('+   | Mallory </details> | `oops` <script>alert(1)</script>');
    // One <details> and one </details>, both outside the code.
    expect(markup.filter((line) => line.startsWith('<details>'))).toHaveLength(1);
    expect(markup.filter((line) => line === '</details>')).toHaveLength(1);
    // The fence is longer than the ``` inside the job title.
    expect(output).toContain('\n````diff\n');
    // Table rows keep their columns: every row has as many as its table's header.
    const tables: string[][] = [];
    markup.forEach((line, index) => {
      if (!line.startsWith('|')) return;
      if (!markup[index - 1]?.startsWith('|')) tables.push([]);
      tables.at(-1)?.push(line);
    });
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables) expect(new Set(table.map(unescapedPipes))).toEqual(new Set([unescapedPipes(table[0] ?? '')]));
  });

  it('shows values in prose and table cells as code spans, markup and mentions dead', () => {
    const plan = mixed();
    const hostile = {
      ...plan,
      purchases: plan.purchases.map((p) => ({ ...p, productName: 'E3 | <b>cheap</b> `now` @team' })),
      warnings: [{ code: 'CUSTOM', message: 'see [here](https://example.org) </details>' }],
    };
    const markup = outsideFences(renderMarkdown(hostile));
    const row = markup.find((line) => line.startsWith('| `ENTERPRISEPACK`'));
    expect(row).toBe('| `ENTERPRISEPACK` | ``E3 \\| <b>cheap</b> `now` @team`` | 3 | \\$20.00 | \\$60.00 | `nina@contoso.com` (\\$20.00) |');
    expect(unescapedPipes(row ?? '')).toBe(7);
    expect(markup).toContain('> - CUSTOM: `see [here](https://example.org) </details>`');
  });

  it('cuts per-user details of a large plan to stay under 60,000 characters, and says how many', () => {
    const output = renderMarkdown(large());
    expect(output.length).toBeLessThanOrEqual(60_000);
    const shown = output.match(/^<details>/gm)?.length ?? 0;
    expect(shown).toBeGreaterThan(100);
    expect(shown).toBeLessThan(2000);
    expect(output.match(/^<\/details>$/gm)).toHaveLength(shown);
    expect(output).toContain(`> The details of ${2000 - shown} of 2000 users were left out to keep this comment under 60000 characters;`);
    expect(output).toContain('`tenantctl plan --out plan.json`');
    expect(output).toContain('`tenantctl plan -c PATH --format json`');
    // The head is complete: warnings, table and purchases come first.
    expect(output).toContain('| 2000 | 0 | 0 | 0 | 0 | 1995 | \\+\\$15960.00 |');
    expect(outsideFences(output).at(-2)).toMatch(/^<sub>tenantctl 0.1.0 · plan sha256:[0-9a-f]{12}<\/sub>$/);
  });

  it.each([20_000, 5_000, 1_500, 600, 100, 10])('never exceeds maxLength %i', (maxLength) => {
    for (const scenario of [large, mixed, hostileNames]) {
      expect(renderMarkdown(scenario(), { maxLength }).length).toBeLessThanOrEqual(maxLength);
    }
  });

  it('leaves nothing live outside code: no mention, HTML, link or autolink', () => {
    for (const scenario of [mixed, hostileNames, createOnly, large]) expect(liveMarkdown(renderMarkdown(scenario()))).toEqual([]);
  });

  it('keeps everything when it fits', () => {
    const output = renderMarkdown(mixed());
    expect(output.match(/^<details>/gm)).toHaveLength(13);
    expect(output).not.toContain('left out');
  });
});
