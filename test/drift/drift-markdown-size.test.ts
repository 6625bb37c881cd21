import { describe, expect, it } from 'vitest';
import { toDriftDocument } from '../../src/drift/drift-document.js';
import { computeDrift } from '../../src/drift/drift.js';
import { renderDriftMarkdown } from '../../src/render/drift-markdown.js';
import { HOSTILE_VALUES, liveMarkdown } from '../support/hostile-strings.js';
import { catalog, currentUser, desiredUser, GA, state, subscription } from '../support/fixtures.js';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const APPLIED = { updatedBy: 'apply #3 (ci-bot)', updatedAt: '2026-05-01T10:00:00.000Z' };

/**
 * Issue 13's report: 1,000 unmanaged users gave 75,868 characters. Here
 * 1,500 of them, with hostile display names, 150 changed users, and three
 * privileged unmanaged accounts that sort last by name.
 */
function bigDrift(unmanaged = 1500, { privileged = 3, seats = catalog([]) } = {}) {
  const desired = [];
  const current = [];
  for (let i = 0; i < 150; i++) {
    const upn = `changed${String(i).padStart(3, '0')}@contoso.com`;
    desired.push(desiredUser(upn, { attributes: { jobTitle: 'Clerk' } }));
    current.push(currentUser(upn, { attributes: { jobTitle: 'Boss' } }, APPLIED));
  }
  for (let i = 0; i < unmanaged; i++) {
    const upn = `legacy${String(i).padStart(5, '0')}@contoso.com`;
    current.push(currentUser(upn, { attributes: { displayName: `Legacy ${i} ${HOSTILE_VALUES[i % HOSTILE_VALUES.length]}` } }, { managed: false }));
  }
  for (let i = 1; i <= privileged; i++) current.push(currentUser(`zz-root${i}@contoso.com`, { roles: [GA] }, { managed: false }));
  const report = computeDrift({ desired: state(...desired), current: state(...current), catalog: seats, now: NOW });
  return toDriftDocument(report, { tenantctlVersion: '0.0.0-test', configHash: null });
}

describe('drift markdown of a large tenant', () => {
  const drift = bigDrift();
  const output = renderDriftMarkdown(drift);

  it('stays under 60,000 characters (GitHub allows 65,536)', () => {
    expect(drift.findings.length).toBe(1653);
    expect(output.length).toBeLessThanOrEqual(60_000);
  });

  it('keeps the headline, the privileged alert and every privileged account, first', () => {
    expect(output).toContain('**Drift: 1653 findings (3 privileged unmanaged users, 150 changed users, 1500 unmanaged users).**');
    for (const name of ['zz-root1', 'zz-root2', 'zz-root3']) {
      expect(output).toContain(`> \`${name}@contoso.com\` holds \`Global administrator\` and is not managed by tenantctl.`);
      expect(output).toContain(`| \`${name}@contoso.com\` |`);
    }
    const privileged = output.indexOf('### Privileged users nobody manages (3)');
    const unmanaged = output.indexOf('### Users nobody manages (');
    expect(privileged).toBeGreaterThan(0);
    expect(unmanaged).toBeGreaterThan(privileged);
  });

  it('cuts the rest from the end and says how much and how to see it all', () => {
    const shownUnmanaged = Number(/### Users nobody manages \((\d+) of 1500 shown\)/.exec(output)?.[1]);
    expect(shownUnmanaged).toBeGreaterThan(100);
    expect(output.match(/^\| `legacy\d+@contoso\.com` \|/gm)).toHaveLength(shownUnmanaged);
    // Unmanaged come before changed users, so the changed ones are the first cut.
    expect(output).not.toContain('### Changed outside tenantctl');
    expect(output).toContain(`> ${1653 - 3 - shownUnmanaged} of 1653 findings were left out to keep this report under 60000 characters;`);
    expect(output).toContain('`tenantctl drift -c PATH --format json`');
  });

  it('leaves no value live, even cut', () => {
    expect(liveMarkdown(output)).toEqual([]);
  });

  it('never exceeds a smaller limit and keeps the privileged accounts', () => {
    for (const maxLength of [20_000, 5_000, 2_000]) {
      const small = renderDriftMarkdown(drift, { maxLength });
      expect(small.length).toBeLessThanOrEqual(maxLength);
      expect(small).toContain('| `zz-root3@contoso.com` |');
    }
  });

  it('keeps everything when it fits', () => {
    const small = bigDrift(20);
    const full = renderDriftMarkdown(small);
    expect(full).not.toContain('left out');
    expect(full.match(/^\| `legacy\d+@contoso\.com` \|/gm)).toHaveLength(20);
  });
});

describe('drift markdown cut, with notices beside the findings', () => {
  it('counts what it left out as the headline counts, the notices apart from the findings', () => {
    const drift = bigDrift(1500, { seats: catalog([subscription('ENTERPRISEPACK', 10, 20), subscription('STANDARDPACK', 5, 8)]) });
    expect(drift.findings.length - drift.summary.findings).toBe(2);
    const output = renderDriftMarkdown(drift);
    expect(output).toContain('**Drift: 1653 findings (');
    expect(output).toMatch(/^> \d+ of the 1653 findings and 2 notices were left out to keep this report under 60000 characters;/m);
  });

  it('says the privileged users\' table lists every one when it does, though the report is cut after it', () => {
    const output = renderDriftMarkdown(bigDrift(1500, { privileged: 25 }));
    expect(output).toContain('### Privileged users nobody manages (25)');
    expect(output).toContain('> … and 15 more privileged users nobody manages: the table below lists them.');
    expect(output).toMatch(/^> \d+ of 1675 findings were left out/m);
  });
});

/** helper-74: 250 privileged accounts nobody manages, each with a long display name of mentions and images. */
function privilegedFlood() {
  const hostile = '@org/secteam <img src=https://e.vil/p.png> '.repeat(6).slice(0, 256);
  const current = Array.from({ length: 250 }, (_, i) =>
    currentUser(`u${String(i).padStart(3, '0')}@contoso.com`, { roles: [GA], attributes: { displayName: hostile } }, { managed: false }),
  );
  const report = computeDrift({ desired: state(), current: state(...current), catalog: catalog([]), now: NOW });
  return toDriftDocument(report, { tenantctlVersion: '0.0.0-test', configHash: null });
}

describe('drift markdown with more privileged unmanaged accounts than fit', () => {
  const drift = privilegedFlood();

  it('names ten in the alert, counts the rest, and cuts the table by rows with a note, nothing live', () => {
    for (const maxLength of [60_000, 20_000, 5_000]) {
      const output = renderDriftMarkdown(drift, { maxLength });
      expect(output.length).toBeLessThanOrEqual(maxLength);
      expect(liveMarkdown(output), String(maxLength)).toEqual([]);
      expect(output.match(/^> `u\d+@contoso\.com` holds `Global administrator`/gm)).toHaveLength(10);
      expect(output).toContain('> … and 240 more privileged users nobody manages: the table below lists those that fit, and drift --format json every one.');
      const shown = Number(/### Privileged users nobody manages \((\d+) of 250 shown\)/.exec(output)?.[1]);
      expect(shown).toBeGreaterThan(0);
      expect(output.match(/^\| `u\d+@contoso\.com` \|/gm)).toHaveLength(shown);
      expect(output).toContain(`> ${250 - shown} of 250 findings were left out to keep this report under ${maxLength} characters;`);
      expect(output).not.toContain('(truncated)');
    }
  });

  it('cut as a last resort (a limit near the alert\'s length), whole lines only, wherever the limit falls', () => {
    for (let maxLength = 400; maxLength <= 1_600; maxLength += 23) {
      const output = renderDriftMarkdown(drift, { maxLength });
      expect(output.length).toBeLessThanOrEqual(maxLength);
      expect(liveMarkdown(output)).toEqual([]);
      for (const line of output.split('\n')) expect((line.match(/`/g) ?? []).length % 2, `${maxLength}: ${line}`).toBe(0);
    }
  });
});

// helper-77: one value written by SQL, tens of thousands of characters long, filled the never-cut alert.
describe('drift markdown with privileged accounts of very long names', () => {
  it('shows each alert value cut, so the alert and the table still fit, nothing live', () => {
    const current = Array.from({ length: 12 }, (_, i) =>
      currentUser(`${String(i).padStart(2, '0')}${'@org/team '.repeat(2_000)}@contoso.com`, { roles: [GA] }, { managed: false }),
    );
    const drift = toDriftDocument(computeDrift({ desired: state(), current: state(...current), catalog: catalog([]), now: NOW }), {
      tenantctlVersion: '0.0.0-test',
      configHash: null,
    });
    const output = renderDriftMarkdown(drift);
    expect(output.length).toBeLessThanOrEqual(60_000);
    expect(liveMarkdown(output)).toEqual([]);
    expect(output.match(/^> `\d\d@org\/team [^`]*`… \(19,758 more characters not shown\) holds `Global administrator`/gm)).toHaveLength(10);
    expect(output).toContain('### Privileged users nobody manages (12)\n');
    expect(output.match(/^\| `\d\d@org\/team [^`]*`… \(15,918 more characters not shown\) \| `\d\d` \| `Global administrator` \|/gm)).toHaveLength(12);
  });
});

// helper-95: a licence given by SQL to each of 100,000 users in the recycle bin is a finding each, found in one pass.
describe('drift of 100,000 deleted users holding licences', () => {
  it('names each one, and the markdown stays under its limit', () => {
    const e3 = { sku: 'ENTERPRISEPACK', disabledPlans: [] };
    const current = Array.from({ length: 100_000 }, (_, i) =>
      currentUser(`binned${String(i).padStart(6, '0')}@contoso.com`, { licenses: [e3] }, { deletedAt: '2026-05-20T08:00:00.000Z' }),
    );
    const drift = toDriftDocument(computeDrift({ desired: state(), current: state(...current), catalog: catalog([]), now: NOW }), {
      tenantctlVersion: '0.0.0-test',
      configHash: null,
    });
    expect(drift.summary.byKind).toEqual({ 'user.licensed-in-recycle-bin': 100_000, 'user.in-recycle-bin': 100_000 });
    expect(drift.summary).toMatchObject({ drift: true, findings: 100_000, notices: 100_000 });
    const output = renderDriftMarkdown(drift);
    expect(output.length).toBeLessThanOrEqual(60_000);
    expect(output).toContain('**Drift: 100000 findings (100000 deleted users holding licences).**');
    expect(output).toMatch(/### Deleted, restored, blocked or missing users \(\d+ of 200000 shown\)/);
  });
});
