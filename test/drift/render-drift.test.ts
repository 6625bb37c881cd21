import fs from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { toDriftDocument, type DriftDocument } from '../../src/drift/drift-document.js';
import { computeDrift, DRIFT_KINDS } from '../../src/drift/drift.js';
import { withCreatedOutside } from '../../src/drift/read-created-outside.js';
import { renderDriftHtml } from '../../src/render/drift-html.js';
import { renderDriftJson } from '../../src/render/drift-json.js';
import { renderDriftMarkdown } from '../../src/render/drift-markdown.js';
import { HOSTILE, liveMarkdown, markdownOutsideCode, rawDangers, workflowCommandLines } from '../support/hostile-strings.js';
import { renderDriftText } from '../../src/render/drift-text.js';
import { catalog, currentUser, desiredUser, EXCHANGE_ADMIN, GA, state, subscription } from '../support/fixtures.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const schema = JSON.parse(fs.readFileSync(new URL('../../schemas/drift.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const NOW = new Date('2026-06-01T12:00:00.000Z');
const APPLIED = { updatedBy: 'apply #3 (ci-bot)', updatedAt: '2026-05-01T10:00:00.000Z' };
const DELETED = '2026-05-20T08:00:00.000Z';
const PAST_THE_BIN = '2026-04-01T08:00:00.000Z';
const license = (sku: string, disabledPlans: string[] = []) => ({ sku, disabledPlans });

let id = 0;
/** Fixed directory ids, so the golden files do not depend on the order tests run in. */
const fixedIds = <T extends { directory?: { id: string } }>(user: T): T =>
  user.directory ? { ...user, directory: { ...user.directory, id: `00000000-0000-4000-8000-${String(++id).padStart(12, '0')}` } } : user;

/** One finding of every kind, with values that try to break out of their markup. */
function everyKind(): DriftDocument {
  id = 0;
  const desired = [
    desiredUser('changed@contoso.com', {
      attributes: { jobTitle: 'Sales `Lead` | <b>boss</b>', streetAddress: 'Herengracht 1\nSecond floor' },
      roles: [EXCHANGE_ADMIN],
      licenses: [license('ENTERPRISEPACK', ['SWAY'])],
    }),
    desiredUser('deleted@contoso.com'),
    desiredUser('missing@contoso.com'),
    desiredUser('blocked@contoso.com'),
    desiredUser('unblocked@contoso.com', { accountEnabled: false }),
    desiredUser('adoptme@contoso.com', { attributes: { department: 'IT' } }),
    desiredUser('expired@contoso.com'),
    desiredUser('renamed.old@contoso.com', { roles: [GA] }),
    desiredUser('reset.outside@contoso.com', { roles: [GA] }),
  ];
  const current = [
    currentUser('changed@contoso.com', {
      attributes: { jobTitle: 'Sales Director', streetAddress: 'Herengracht 1\nThird floor' },
      roles: [EXCHANGE_ADMIN, GA].sort(),
      licenses: [license('ENTERPRISEPACK')],
    }, APPLIED),
    currentUser('deleted@contoso.com', {}, { ...APPLIED, deletedAt: DELETED }),
    currentUser('blocked@contoso.com', { accountEnabled: false }, APPLIED),
    currentUser('unblocked@contoso.com', {}, APPLIED),
    currentUser('adoptme@contoso.com', {}, { managed: false }),
    currentUser('restored@contoso.com', {}, { updatedBy: 'psql', updatedAt: '2026-05-02T00:00:00.000Z' }),
    currentUser('expired@contoso.com', {}, { ...APPLIED, passwordTemporary: true, passwordSetAt: '2026-01-01T09:00:00.000Z', passwordExpiresAt: '2026-04-01T09:00:00.000Z' }),
    currentUser('mallory@contoso.com', { attributes: { displayName: '<img src=x onerror=alert(1)> | **Mallory**' }, roles: [GA] }, { managed: false }),
    currentUser('legacy@contoso.com', { licenses: [license('STANDARDPACK', ['SWAY'])] }, { managed: false }),
    // Deleted by tenantctl, then given a licence by SQL: it holds a seat in the recycle bin.
    currentUser('binned@contoso.com', { licenses: [license('STANDARDPACK', ['SWAY'])] }, { ...APPLIED, deletedAt: DELETED }),
    currentUser('renamed.new@contoso.com', { roles: [GA] }, { updatedBy: 'ops', updatedAt: '2026-05-03T00:00:00.000Z' }),
    currentUser('reset.outside@contoso.com', { roles: [GA] }, { ...APPLIED, passwordTemporary: true }),
  ].map(fixedIds);
  const tenantCatalog = catalog([subscription('ENTERPRISEPACK', 0, 20), subscription('STANDARDPACK', 4, 8)]);
  const renamedId = current.at(-2)!.directory!.id;
  const resetId = current.at(-1)!.directory!.id;
  const rename = { from: 'renamed.old@contoso.com', to: 'renamed.new@contoso.com', at: '2026-05-03T00:00:00.000Z', databaseRole: 'ops` | <b>@admins</b>' };
  const tenant = { ...state(...current), outsideRenames: new Map([[renamedId, [rename]]]) };
  const passwordsWrittenOutside = new Map([[resetId, { changes: ['reset' as const], write: { databaseRole: 'helpdesk', at: '2026-05-04T00:00:00.000Z' } }]]);
  const report = computeDrift({ desired: state(...desired), current: tenant, catalog: tenantCatalog, now: NOW, passwordsWrittenOutside });
  return toDriftDocument(report, { tenantctlVersion: '0.0.0-test', configHash: null });
}

const noDrift = (): DriftDocument =>
  toDriftDocument(computeDrift({ desired: state(desiredUser('a@contoso.com')), current: state(fixedIds(currentUser('a@contoso.com'))), catalog: catalog([]), now: NOW }), {
    tenantctlVersion: '0.0.0-test',
    configHash: null,
  });

/** A user deleted, one released and one replaced outside tenantctl, by database roles named to break out of their markup. */
function removedOutside(): DriftDocument {
  id = 0;
  const released = fixedIds(currentUser('released@contoso.com', {}, { managed: false }));
  const replacement = fixedIds(currentUser('replaced@contoso.com', {}, { managed: false }));
  const report = computeDrift({
    desired: state(desiredUser('deleted.by.sql@contoso.com'), desiredUser('released@contoso.com'), desiredUser('replaced@contoso.com')),
    current: state(released, replacement),
    catalog: catalog([]),
    now: NOW,
    outsideRemovals: {
      deleted: new Map([['deleted.by.sql@contoso.com', { databaseRole: `dba${HOSTILE.html}${HOSTILE.table}${HOSTILE.newlineCommand}`, at: '2026-05-30T09:00:00.000Z' }]]),
      released: new Map([[released.directory!.id, { databaseRole: `ops${HOSTILE.eraseLine}${HOSTILE.backticks}${HOSTILE.rlo}`, at: '2026-05-31T10:00:00.000Z' }]]),
      replaced: new Map([
        [replacement.directory!.id, { databaseRole: `dev${HOSTILE.html}${HOSTILE.backticks}`, at: '2026-05-31T11:00:00.000Z', replacedUserId: '00000000-0000-4000-8000-999999999999' }],
      ]),
    },
  });
  return toDriftDocument(report, { tenantctlVersion: '0.0.0-test', configHash: null });
}

/** Two unmanaged users, a Global administrator inserted by SQL (by a database role named to break out of its markup) and one from before the record. */
function createdOutside(): DriftDocument {
  id = 0;
  const admin = fixedIds(currentUser('intruder@contoso.com', { roles: [GA] }, { managed: false }));
  const legacy = fixedIds(currentUser('legacy@contoso.com', {}, { managed: false }));
  const report = computeDrift({ desired: state(), current: state(admin, legacy), catalog: catalog([]), now: NOW });
  const role = `dba${HOSTILE.html}${HOSTILE.table}${HOSTILE.backticks}${HOSTILE.eraseLine}${HOSTILE.newlineCommand}`;
  const findings = withCreatedOutside(report.findings, new Map([[admin.directory!.id, { databaseRole: role, at: '2026-05-30T09:00:00.000Z' }]]));
  return toDriftDocument({ ...report, findings }, { tenantctlVersion: '0.0.0-test', configHash: null });
}

/** Deleted users holding licences, named (and their skus and disabled plans, as the database may hold them) to break out of their markup. */
function licensedInBin(): DriftDocument {
  id = 0;
  const hostileSku = `E3${HOSTILE.eraseLine}${HOSTILE.table}${HOSTILE.newlineCommand}`;
  const current = [
    currentUser(`bin${HOSTILE.html}${HOSTILE.backticks}${HOSTILE.mention}@contoso.com`, { licenses: [license(hostileSku, [`${HOSTILE.osc8}${HOSTILE.link}`])] }, { ...APPLIED, deletedAt: DELETED }),
    // Declared and past the recycle bin: in the bin it would be user.deleted alone (one finding per user).
    currentUser(`declared${HOSTILE.rlo}${HOSTILE.addMaskHash}@contoso.com`, { licenses: [license('ENTERPRISEPACK'), license(`${HOSTILE.errorColon}${HOSTILE.zalgo}`)] }, { ...APPLIED, deletedAt: PAST_THE_BIN }),
  ].map(fixedIds);
  const report = computeDrift({
    desired: state(desiredUser(`declared${HOSTILE.rlo}${HOSTILE.addMaskHash}@contoso.com`, { licenses: [license('ENTERPRISEPACK')] })),
    current: state(...current),
    catalog: catalog([]),
    now: NOW,
  });
  return toDriftDocument(report, { tenantctlVersion: '0.0.0-test', configHash: null });
}

/**
 * Passwords written outside tenantctl by database roles named to break out
 * of their markup: a Global administrator's reset (and its forced change
 * switched off), a user's forced change switched off, and one whose user has
 * chosen their own password since (no finding).
 */
function passwordsOutside(): DriftDocument {
  id = 0;
  const admin = fixedIds(currentUser(`admin${HOSTILE.html}${HOSTILE.backticks}@contoso.com`, { roles: [GA] }, { ...APPLIED, passwordTemporary: true }));
  const user = fixedIds(currentUser('joep@contoso.com', {}, { ...APPLIED, passwordTemporary: true }));
  const own = fixedIds(currentUser('own@contoso.com', {}, { ...APPLIED, passwordTemporary: false }));
  const role = `dba${HOSTILE.html}${HOSTILE.table}${HOSTILE.backticks}${HOSTILE.eraseLine}${HOSTILE.newlineCommand}`;
  const at = '2026-05-30T09:00:00.000Z';
  const report = computeDrift({
    desired: state(desiredUser(admin.userPrincipalName, { roles: [GA] }), desiredUser('joep@contoso.com'), desiredUser('own@contoso.com')),
    current: state(admin, user, own),
    catalog: catalog([]),
    now: NOW,
    passwordsWrittenOutside: new Map([
      [admin.directory!.id, { changes: ['reset', 'forcedChangeOff'] as const, write: { databaseRole: role, at } }],
      [user.directory!.id, { changes: ['forcedChangeOff'] as const, write: { databaseRole: role, at } }],
      [own.directory!.id, { changes: ['reset'] as const, write: { databaseRole: role, at } }],
    ]),
  });
  return toDriftDocument(report, { tenantctlVersion: '0.0.0-test', configHash: null });
}

const HOSTILE_NAME = `${HOSTILE.html}${HOSTILE.table}${HOSTILE.backticks}${HOSTILE.eraseLine}${HOSTILE.mention}${HOSTILE.osc8}`;
const HOSTILE_ROLE = 'hostile-role-template';

/**
 * Unmanaged look-alikes of managed users, one a Global administrator, and a
 * deleted user whose roles a restore gives back, named (by the configuration,
 * the database and the catalog) to break out of their markup.
 */
function lookalikes(): DriftDocument {
  id = 0;
  const desired = [
    desiredUser('megan.bowen@contoso.com', { attributes: { displayName: `Megan Bowen ${HOSTILE_NAME}` } }),
    desiredUser('alex.wilber@contoso.com', { attributes: { displayName: 'Alex Wilber' } }),
  ];
  const current = [
    currentUser('megan.bowen@contoso.com', { attributes: { displayName: `Megan Bowen ${HOSTILE_NAME}` } }, APPLIED),
    currentUser('alex.wilber@contoso.com', { attributes: { displayName: 'Alex Wilber' } }, APPLIED),
    // The UPN at the tenant's other domain, with a right-to-left override and a zero-width space; the display name in Cyrillic е, with another.
    currentUser('megan.bowen\u202e\u200b@contoso.onmicrosoft.com', { attributes: { displayName: `M\u0435gan Bo\u200bwen ${HOSTILE_NAME}` }, roles: [GA] }, { managed: false }),
    currentUser('rnegan.bowen@contoso.com', { attributes: { displayName: `${HOSTILE.newlineCommand}` } }, { managed: false }),
    currentUser('a1ex.wilber@contoso.com', { attributes: { displayName: 'Alex Wilber' } }, { managed: false }),
    currentUser('legacy@contoso.com', {}, { managed: false }),
    currentUser('binned@contoso.com', { roles: [EXCHANGE_ADMIN, GA, HOSTILE_ROLE] }, { ...APPLIED, deletedAt: DELETED }),
  ].map(fixedIds);
  const base = catalog([]);
  const roles = [...base.roles, { templateId: HOSTILE_ROLE, displayName: `Role ${HOSTILE.html}${HOSTILE.eraseLine}${HOSTILE.backticks}${HOSTILE.newlineCommand}`, directoryName: 'x', privileged: false }];
  const report = computeDrift({ desired: state(...desired), current: state(...current), catalog: { ...base, roles }, now: NOW });
  return toDriftDocument(report, { tenantctlVersion: '0.0.0-test', configHash: null });
}

/** The markdown and HTML of a report whose values hold hostile text: nothing live, tables whole, no image. */
function expectHostileTextInert(markdown: string, html: string): void {
  expect(liveMarkdown(markdown)).toEqual([]);
  expect(markdownOutsideCode(markdown)).not.toMatch(/<img|@team|\]\(/);
  for (const table of markdown.split('\n\n').filter((block) => block.startsWith('|'))) {
    const cells = (row: string) => row.replace(/\\\|/g, '').split('|').length;
    expect(new Set(table.split('\n').map(cells)).size).toBe(1);
  }
  expect(html).not.toContain('<img');
}

describe('drift renderers', () => {
  it('has a finding of every kind in the scenario', () => {
    expect(new Set(everyKind().findings.map((f) => f.kind))).toEqual(new Set(DRIFT_KINDS));
  });

  it('writes JSON that the schema accepts, for every kind', () => {
    const document = JSON.parse(renderDriftJson(everyKind())) as unknown;
    expect(validate(document), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(validate(JSON.parse(renderDriftJson(noDrift())))).toBe(true);
  });

  it('the schema refuses an unknown kind and a finding missing its fields', () => {
    const document = JSON.parse(renderDriftJson(everyKind())) as { findings: Record<string, unknown>[] };
    const [first, ...rest] = document.findings;
    expect(validate({ ...document, findings: [{ ...first, kind: 'user.renamed' }, ...rest] })).toBe(false);
    const changed = document.findings.find((f) => f.kind === 'user.changed') ?? {};
    const { fields: _fields, ...withoutFields } = changed;
    expect(validate({ ...document, findings: [withoutFields] })).toBe(false);
  });

  it('matches the golden files', async () => {
    await expect(renderDriftText(everyKind(), { color: false })).toMatchFileSnapshot('./__snapshots__/every-kind.txt');
    await expect(renderDriftMarkdown(everyKind())).toMatchFileSnapshot('./__snapshots__/every-kind.md');
    await expect(renderDriftJson(everyKind())).toMatchFileSnapshot('./__snapshots__/every-kind.json');
    await expect(renderDriftMarkdown(noDrift())).toMatchFileSnapshot('./__snapshots__/no-drift.md');
  });

  it('uses no escape codes without colour, and colours with it', () => {
    expect(renderDriftText(everyKind(), { color: false })).not.toContain('\u001b');
    expect(renderDriftText(everyKind(), { color: true })).toContain('\u001b[31m!\u001b[0m');
  });

  it('lets no value inject markup into the markdown', () => {
    const markdown = renderDriftMarkdown(everyKind());
    // Values are code spans: outside them, nothing of theirs is left to interpret.
    expect(liveMarkdown(markdown)).toEqual([]);
    expect(markdownOutsideCode(markdown)).not.toMatch(/<img|\*\*Mallory|<b>/);
    expect(markdown).toContain('`<img src=x onerror=alert(1)> \\| **Mallory**`');
    // Every table row keeps its column count: no value adds a cell.
    for (const table of markdown.split('\n\n').filter((block) => block.startsWith('|'))) {
      const rows = table.split('\n');
      const cells = (row: string) => row.replace(/\\\|/g, '').split('|').length;
      expect(new Set(rows.map(cells)).size).toBe(1);
    }
  });

  it('names who deleted or released a user outside tenantctl, in every format, escaped as a value', async () => {
    const drift = removedOutside();
    expect(validate(JSON.parse(renderDriftJson(drift)))).toBe(true);
    const text = renderDriftText(drift, { color: false });
    const markdown = renderDriftMarkdown(drift);
    const html = renderDriftHtml(drift);
    await expect(text).toMatchFileSnapshot('./__snapshots__/removed-outside.txt');
    await expect(markdown).toMatchFileSnapshot('./__snapshots__/removed-outside.md');
    for (const output of [text, markdown, html]) {
      expect(rawDangers(output)).toEqual([]);
      expect(workflowCommandLines(output)).toEqual([]);
      expect(output).toContain('deleted outside tenantctl by database role');
      expect(output).toContain('released from tenantctl outside it (managed set to false) by database role');
      expect(output).toContain('managed account deleted outside tenantctl by database role');
      expect(output).toContain('replaced outside tenantctl');
    }
    expect(liveMarkdown(markdown)).toEqual([]);
    expect(markdownOutsideCode(markdown)).not.toMatch(/<img/);
    for (const table of markdown.split('\n\n').filter((block) => block.startsWith('|'))) {
      const cells = (row: string) => row.replace(/\\\|/g, '').split('|').length;
      expect(new Set(table.split('\n').map(cells)).size).toBe(1);
    }
    expect(html).not.toContain('<img');
  });

  it('names who created an unmanaged user outside tenantctl, in every format, escaped as a value; nothing for one not recorded', async () => {
    const drift = createdOutside();
    const document = JSON.parse(renderDriftJson(drift)) as { findings: { userPrincipalName: string; createdOutside: unknown }[] };
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(document.findings.map((f) => [f.userPrincipalName, f.createdOutside])).toEqual([
      ['intruder@contoso.com', { databaseRole: expect.stringMatching(/^dba/) as unknown, at: '2026-05-30T09:00:00.000Z' }],
      ['legacy@contoso.com', null],
    ]);
    const text = renderDriftText(drift, { color: false });
    const markdown = renderDriftMarkdown(drift);
    const html = renderDriftHtml(drift);
    await expect(text).toMatchFileSnapshot('./__snapshots__/created-outside.txt');
    await expect(markdown).toMatchFileSnapshot('./__snapshots__/created-outside.md');
    expect(text).toMatch(/intruder@contoso\.com \[critical, created outside tenantctl by database role dba.* at 2026-05-30T09:00:00\.000Z\]/);
    expect(text).toContain('legacy@contoso.com [medium]\n');
    for (const output of [text, markdown, html]) {
      expect(rawDangers(output)).toEqual([]);
      expect(workflowCommandLines(output)).toEqual([]);
      expect(output.match(/created outside tenantctl by database role/g)).toHaveLength(1);
    }
    expect(markdown).toMatch(/created outside tenantctl by database role `+ ?dba.*` at `2026-05-30T09:00:00\.000Z` \|\n/);
    expect(html).toMatch(/created outside tenantctl by database role <code>dba.*<\/code> at <code>2026-05-30T09:00:00\.000Z<\/code>/);
    expect(liveMarkdown(markdown)).toEqual([]);
    expect(markdownOutsideCode(markdown)).not.toMatch(/<img/);
    for (const table of markdown.split('\n\n').filter((block) => block.startsWith('|'))) {
      const cells = (row: string) => row.replace(/\\\|/g, '').split('|').length;
      expect(new Set(table.split('\n').map(cells)).size).toBe(1);
    }
    expect(html).not.toContain('<img');
  });

  it('names deleted users holding licences and their skus, in every format, escaped as values', async () => {
    const drift = licensedInBin();
    expect(drift.findings.filter((f) => f.kind === 'user.licensed-in-recycle-bin')).toHaveLength(2);
    expect(drift.drift).toBe(true);
    const text = renderDriftText(drift, { color: false });
    const markdown = renderDriftMarkdown(drift);
    const html = renderDriftHtml(drift);
    await expect(text).toMatchFileSnapshot('./__snapshots__/licensed-in-recycle-bin.txt');
    await expect(markdown).toMatchFileSnapshot('./__snapshots__/licensed-in-recycle-bin.md');
    expect(text).toContain('Drift: 2 findings (2 deleted users holding licences).');
    for (const output of [text, markdown, html]) {
      expect(rawDangers(output)).toEqual([]);
      expect(workflowCommandLines(output)).toEqual([]);
      expect(output).toContain('but still holds 1 licence, which takes a seat that is billed until the licence is removed or the user is purged');
      expect(output).toContain('but still holds 2 licences, each taking a seat that is billed until the licence is removed or the user is purged');
      expect(output).toContain('no configuration declares it, so apply leaves it as it is: remove its licences in the database');
      expect(output).toContain('the configuration declares it, so apply restores it');
    }
    expectHostileTextInert(markdown, html);
  });

  it('names the managed user each unmanaged look-alike resembles, and the roles a restore gives back, in every format, escaped as values', async () => {
    const drift = lookalikes();
    const json = renderDriftJson(drift);
    expect(validate(JSON.parse(json)), JSON.stringify(validate.errors)).toBe(true);
    const text = renderDriftText(drift, { color: false });
    const markdown = renderDriftMarkdown(drift);
    const html = renderDriftHtml(drift);
    await expect(text).toMatchFileSnapshot('./__snapshots__/lookalikes.txt');
    await expect(markdown).toMatchFileSnapshot('./__snapshots__/lookalikes.md');
    await expect(json).toMatchFileSnapshot('./__snapshots__/lookalikes.json');
    await expect(html).toMatchFileSnapshot('./__snapshots__/lookalikes.html');
    expect(text).toContain('Drift: 4 findings (1 privileged unmanaged user, 2 unmanaged look-alikes of managed users, 1 unmanaged user).');
    expect(text).toContain('Unmanaged look-alikes of managed users (2):');
    expect(text).toContain('+ its userPrincipalName looks like managed user megan.bowen@contoso.com: at another domain, written with U+202E, U+200B');
    expect(text).toContain('+ its userPrincipalName looks like managed user megan.bowen@contoso.com: with other letters drawn alike');
    expect(text).toContain('+ its displayName looks like that of managed user alex.wilber@contoso.com, "Alex Wilber": the same');
    expect(text).toMatch(/\+ its displayName looks like that of managed user megan\.bowen@contoso\.com, "Megan Bowen .*": written with U\+0435, U\+200B\n/);
    expect(text).toContain('+ roles a restore gives back: [Exchange administrator, Global administrator, Role ');
    // The hidden characters of the look-alike's own UPN are shown, not drawn as nothing.
    expect(text).toContain('megan.bowen\\u202e\\u200b@contoso.onmicrosoft.com [critical]');
    for (const output of [text, markdown, html]) {
      expect(rawDangers(output)).toEqual([]);
      expect(workflowCommandLines(output)).toEqual([]);
      expect(output).toContain('written with U+0435, U+200B');
      expect(output).toContain('roles a restore gives back');
    }
    expect(markdown).toContain('### Unmanaged look-alikes of managed users (2)');
    expectHostileTextInert(markdown, html);
    expect(html).toContain('<dt>Look-alikes of managed users</dt><dd>2</dd>'); // as the headline counts them: the privileged one is counted there
  });

  it('names passwords reset outside tenantctl, and what was done, never a value, in every format, escaped as values', async () => {
    const drift = passwordsOutside();
    const json = renderDriftJson(drift);
    expect(validate(JSON.parse(json)), JSON.stringify(validate.errors)).toBe(true);
    expect(drift.findings.filter((f) => f.kind === 'password.changed-outside').map((f) => [f.userPrincipalName, f.severity, 'changes' in f ? f.changes : null])).toEqual([
      [`admin${HOSTILE.html}${HOSTILE.backticks}@contoso.com`, 'critical', ['reset', 'forcedChangeOff']],
      ['joep@contoso.com', 'high', ['forcedChangeOff']],
    ]);
    const text = renderDriftText(drift, { color: false });
    const markdown = renderDriftMarkdown(drift);
    const html = renderDriftHtml(drift);
    await expect(text).toMatchFileSnapshot('./__snapshots__/passwords-outside.txt');
    await expect(markdown).toMatchFileSnapshot('./__snapshots__/passwords-outside.md');
    await expect(json).toMatchFileSnapshot('./__snapshots__/passwords-outside.json');
    for (const output of [text, markdown, html]) {
      expect(rawDangers(output)).toEqual([]);
      expect(workflowCommandLines(output)).toEqual([]);
      expect(output).toContain('password reset outside tenantctl, with its change at next sign-in switched off');
      expect(output).toContain('password change at next sign-in switched off outside tenantctl');
      expect(output).toContain('password written outside tenantctl by database role');
      expect(output).not.toContain('own@contoso.com');
    }
    expect(text).toContain('Drift: 2 findings (2 passwords reset outside tenantctl');
    expectHostileTextInert(markdown, html);
  });

  it('says "no drift" when only notices are left', () => {
    expect(renderDriftText(noDrift(), { color: false })).toBe('No drift: the tenant matches the configuration.\n');
  });
});
