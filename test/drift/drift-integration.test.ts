import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { escapeIdentifier } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeApplyLock } from '../../src/apply/apply-lock.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import type { DriftDocument } from '../../src/drift/drift-document.js';
import { readDrift } from '../../src/drift/read-drift.js';
import { renderDriftJson } from '../../src/render/drift-json.js';
import { renderDriftMarkdown } from '../../src/render/drift-markdown.js';
import { renderDriftText } from '../../src/render/drift-text.js';
import { ENGINES } from '../support/engines.js';
import { applyContext, applyContoso, CONTOSO_CONFIG, loadContosoCatalog, tamper } from './contoso-tenant.js';
import { runCli } from './run-cli.js';
import { installTestOutboxKey } from '../support/outbox-key.js';
import { rawDangers, workflowCommandLines } from '../support/hostile-strings.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const schema = JSON.parse(fs.readFileSync(new URL('../../schemas/drift.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(schema);

/**
 * A fixed clock, before the applies: the passwords tenantctl sets expire 90
 * days after the test runs, so only the ones the tampering back-dated are
 * expired, and every date in the report is fixed.
 */
const NOW = new Date('2016-06-30T00:00:00.000Z');

async function drift(db: Database, now = NOW): Promise<DriftDocument> {
  const result = await readDrift(db, { configPaths: CONTOSO_CONFIG, now, tenantctlVersion: '0.0.0-test' });
  if (!result.drift) throw new Error(`no drift report: ${JSON.stringify(result.diagnostics)}`);
  return result.drift;
}

const findings = (report: DriftDocument) => report.findings.map((f) => `${f.kind} ${'sku' in f ? f.sku : f.userPrincipalName}`);

/**
 * What differs between runs and engines: directory ids, apply times, the
 * example's file hash, and the database role (and time) the database stamps
 * on a change made outside tenantctl.
 */
function masked(json: string): string {
  return outsideMasked(json)
    .replace(/"userId": "[0-9a-f-]{36}"/g, '"userId": "<user id>"')
    .replace(/"at": "[^"]+"/g, '"at": "<apply time>"')
    .replace(/"outsideRole": "[^"]+"/g, '"outsideRole": "<role>"')
    .replace(/"databaseRole": "[^"]+"/g, '"databaseRole": "<role>"')
    .replace(/sha256:[0-9a-f]{64}/g, 'sha256:<config hash>');
}

function outsideMasked(text: string): string {
  return text
    .replace(/database role (`?)[^\s`]+?\1 at (`?)\d{4}-\d\d-\d\dT[\d:.]+Z\2/g, 'database role <role> at <time>')
    .replace(/database role [a-z_]+/g, 'database role <role>');
}

const UNUSED_SEATS = ['seats.unused O365_BUSINESS_ESSENTIALS', 'seats.unused O365_BUSINESS_PREMIUM', 'seats.unused STANDARDPACK'];
const UNUSED_SEATS_AND_E5 = ['seats.unused ENTERPRISEPREMIUM', ...UNUSED_SEATS];

describe.each(ENGINES)('drift on the contoso example ($name database)', (engine) => {
  let db: Database;
  let url: string | null;

  beforeAll(async () => {
    if (engine.skip) return;
    ({ db, url } = await engine.open('drift'));
    await loadContosoCatalog(db);
    await applyContoso(db, applyContext('tester', 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'));
  });
  afterAll(async () => {
    await db?.close();
  });

  it.skipIf(engine.skip)('finds no drift right after an apply; unused seats are a notice', async () => {
    const report = await drift(db);
    expect(report.drift).toBe(false);
    expect(findings(report)).toEqual(UNUSED_SEATS_AND_E5);
    expect(renderDriftText(report, { color: false })).toMatch(/^No drift: the tenant matches the configuration\.\n7 unused seats cost \$83\.00\/month\.\n/);
  });

  it.skipIf(engine.skip)('finds exactly what was changed behind its back, in every format', async () => {
    const [temporary] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE password_temporary');
    expect(temporary?.n).toBe(13);
    await tamper(db);
    const report = await drift(db);
    expect(findings(report)).toEqual([
      'user.unmanaged mallory@contoso.com',
      'user.changed alex.wilber@contoso.com',
      'user.changed joep.devries@contoso.com',
      'user.changed lucas.vandam@contoso.com',
      'user.changed pieter.bakker@contoso.com',
      'user.deleted emma.dekker@contoso.com',
      'user.blocked lotte.smit@contoso.com',
      'user.in-recycle-bin emma.dekker@contoso.com',
      ...UNUSED_SEATS,
      'password.expired isabella.janssen@contoso.com',
    ]);
    // Deleted by SQL, not by tenantctl, with her licences: one finding, user.deleted (apply restores her), not another for the licences.
    expect(report.summary).toMatchObject({ drift: true, findings: 8, notices: 4, privilegedUnmanaged: 1 });
    expect(report.findings.find((f) => f.kind === 'user.deleted')).toMatchObject({ severity: 'high', deletedAt: '2016-06-20T10:00:00.000Z' });
    expect(report.findings.find((f) => f.kind === 'user.in-recycle-bin')).toMatchObject({
      deletedAt: '2016-06-20T10:00:00.000Z',
      restorableUntil: '2016-07-20T10:00:00.000Z',
      daysRemaining: 20,
    });
    const changed = report.findings.find((f) => f.kind === 'user.changed' && f.userPrincipalName === 'joep.devries@contoso.com');
    // Changed behind tenantctl's back: the database itself names the role that wrote it (migration 0004).
    const role = engine.name === 'embedded' ? 'postgres' : 'tenantctl_test';
    expect(changed).toMatchObject({ lastChange: { by: `outside tenantctl by database role ${role}`, applyId: null, actor: null, outsideRole: role } });

    // emma.dekker is still declared: drift says apply restores her, and must not also tell to declare her "again".
    const text = renderDriftText(report, { color: false });
    expect(text).toContain('emma.dekker@contoso.com: in the recycle bin since 2016-06-20: 20 days left to restore it (until 2016-07-20), which apply does while the configuration declares it; then it is deleted for good');
    expect(text).not.toContain('declaring it again');

    const json = renderDriftJson(report);
    expect(validate(JSON.parse(json)), JSON.stringify(validate.errors)).toBe(true);
    await expect(masked(json)).toMatchFileSnapshot('./__snapshots__/contoso-drift.json');
    await expect(outsideMasked(renderDriftText(report, { color: false }))).toMatchFileSnapshot('./__snapshots__/contoso-drift.txt');
    await expect(outsideMasked(renderDriftMarkdown(report))).toMatchFileSnapshot('./__snapshots__/contoso-drift.md');
  });

  // Roles and grants are PostgreSQL's; the embedded database has one user.
  if (engine.name === 'postgres') it.skipIf(engine.skip)('works through a role that may only SELECT, while an apply holds the lock', async () => {
    const role = `drift_reader_${randomBytes(4).toString('hex')}`;
    await db.exec(`CREATE ROLE ${escapeIdentifier(role)} LOGIN; GRANT USAGE ON SCHEMA tenantctl TO ${escapeIdentifier(role)}; GRANT SELECT ON ALL TABLES IN SCHEMA tenantctl TO ${escapeIdentifier(role)};`);
    const readerUrl = new URL(url ?? '');
    readerUrl.username = role;
    const reader = await openDatabase({ url: readerUrl.toString(), actor: 'auditor', lockTimeoutMs: 1000 });
    const applier = await openDatabase({ url: url ?? '', actor: 'applier', lockTimeoutMs: 1000 });
    try {
      await expect(reader.query(`UPDATE users SET city = 'Haarlem'`)).rejects.toThrow(/permission denied/);
      // An apply in progress (another session) holds the tenant lock; drift does not wait for it.
      const [asOwner, asReader] = await applier.transaction(async (tx) => {
        await takeApplyLock(applier, tx, 1000);
        return Promise.all([drift(db), drift(reader)]);
      });
      expect(asReader).toEqual(asOwner);
      const cli = await runCli(['drift', '-c', ...CONTOSO_CONFIG, '--database', readerUrl.toString(), '--format', 'json']);
      expect(cli.exitCode).toBe(2);
      // The command judges the recycle bin by the clock: compare with a report made now.
      expect(asOwner.findings.some((f) => f.kind === 'user.deleted')).toBe(true);
      expect(findings(JSON.parse(cli.stdout) as DriftDocument)).toEqual(findings(await drift(reader, new Date())));
    } finally {
      await reader.close();
      await applier.close();
    }
  });

  it.skipIf(engine.skip)('after applying the configuration again, only what apply never touches is left', async () => {
    await applyContoso(db, applyContext('second-tester', 'f00dfeed00000000000000000000000000000000'));
    const after = await drift(db);
    expect(findings(after)).toEqual([
      'user.unmanaged mallory@contoso.com',
      ...UNUSED_SEATS_AND_E5,
      'password.expired isabella.janssen@contoso.com',
    ]);
    // The expired password was back-dated outside tenantctl, and apply never touches passwords.
    expect(after.findings.find((f) => f.kind === 'password.expired')).toMatchObject({ lastChange: { applyId: null, outsideRole: engine.name === 'embedded' ? 'postgres' : 'tenantctl_test' } });

    // Isabella chooses her own password; the unmanaged administrator is removed.
    await db.query(`UPDATE users SET password_temporary = false WHERE user_principal_name = 'isabella.janssen@contoso.com'`);
    await db.query(`DELETE FROM users WHERE user_principal_name = 'mallory@contoso.com'`);
    const clean = await drift(db);
    expect(clean.drift).toBe(false);
    expect(clean.summary.findings).toBe(0);
    await expect(renderDriftText(clean, { color: false })).toMatchFileSnapshot('./__snapshots__/contoso-no-drift.txt');
  });
});

describe('the drift command', () => {
  let directory: string;

  beforeAll(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-drift-'));
    const db = await openDatabase({ url: path.join(directory, 'db'), actor: 'test', lockTimeoutMs: 1000, create: true });
    try {
      await migrate(db);
      await installTestOutboxKey(db);
      await loadContosoCatalog(db);
      await applyContoso(db, applyContext('tester', null));
    } finally {
      await db.close();
    }
  });
  afterAll(() => {
    fs.rmSync(directory, { recursive: true, force: true });
  });

  const database = () => ['--database', path.join(directory, 'db')];

  it('exits 0 without drift, 2 with drift', async () => {
    const clean = await runCli(['drift', '-c', ...CONTOSO_CONFIG, ...database()]);
    expect(clean.exitCode).toBe(0);
    expect(clean.stdout).toMatch(/^No drift: the tenant matches the configuration\./);

    const db = await openDatabase({ url: path.join(directory, 'db'), actor: 'test', lockTimeoutMs: 1000 });
    await db.query(`UPDATE users SET account_enabled = false WHERE user_principal_name = 'lotte.smit@contoso.com'`).finally(() => db.close());

    const text = await runCli(['drift', '-c', ...CONTOSO_CONFIG, ...database(), '--no-color']);
    expect(text.exitCode).toBe(2);
    expect(text.stdout).toContain('Drift: 1 finding (1 blocked user).');
    expect(text.stdout).toContain('~ sign-in: allowed → blocked');
    const markdown = await runCli(['drift', '-c', ...CONTOSO_CONFIG, ...database(), '--format', 'markdown']);
    expect(markdown.stdout).toMatch(/^## tenantctl drift\n\n\*\*Drift: 1 finding \(1 blocked user\)\.\*\*/);
  });

  it('names unmanaged look-alikes of managed users and the roles a deleted user gets back, in every format; exit 2 as for any unmanaged user', async () => {
    const db = await openDatabase({ url: path.join(directory, 'db'), actor: 'test', lockTimeoutMs: 1000 });
    try {
      const insert = 'INSERT INTO users (user_principal_name, display_name, mail_nickname) VALUES ($1, $2, $3)';
      // Megan Bowen's name at the tenant's other domain, under a display name that tries to break out of its markup and the terminal.
      await db.query(insert, ['megan.bowen@contoso.onmicrosoft.com', '<img src=x onerror=alert(1)> | **Megan** \u001b[1A\u001b[2K', 'megan.bowen']);
      // Her display name with a Cyrillic е.
      await db.query(insert, ['helpdesk@contoso.com', 'M\u0435gan Bowen', 'helpdesk']);
      // A Password administrator deleted by SQL keeps the role in the recycle bin.
      await db.query(`UPDATE users SET deleted_at = now() - interval '2 days' WHERE user_principal_name = 'daan.mulder@contoso.com'`);
    } finally {
      await db.close();
    }

    const json = await runCli(['drift', '-c', ...CONTOSO_CONFIG, ...database(), '--format', 'json']);
    expect(json.exitCode).toBe(2);
    const document = JSON.parse(json.stdout) as DriftDocument;
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(document.formatVersion).toBe('1.8');
    expect(document.summary.lookalikes).toBe(2);
    const lookalikes = document.findings.flatMap((f) => (f.kind === 'user.unmanaged' ? [[f.userPrincipalName, f.severity, f.lookalikeOf.map((l) => `${l.name} ${l.userPrincipalName} ${l.differences.join('+')} ${l.characters.join('+')}`)]] : []));
    expect(lookalikes).toEqual([
      ['helpdesk@contoso.com', 'high', ['displayName megan.bowen@contoso.com characters U+0435']],
      ['megan.bowen@contoso.onmicrosoft.com', 'high', ['userPrincipalName megan.bowen@contoso.com domain ']],
    ]);
    const binned = document.findings.find((f) => f.kind === 'user.in-recycle-bin' && f.userPrincipalName === 'daan.mulder@contoso.com');
    expect(binned).toMatchObject({ roles: [{ displayName: 'Password administrator' }] });

    const text = await runCli(['drift', '-c', ...CONTOSO_CONFIG, ...database(), '--no-color']);
    expect(text.exitCode).toBe(2);
    expect(text.stdout).toContain('2 unmanaged look-alikes of managed users');
    expect(text.stdout).toContain('Unmanaged look-alikes of managed users (2):');
    expect(text.stdout).toContain('+ its userPrincipalName looks like managed user megan.bowen@contoso.com: at another domain');
    expect(text.stdout).toContain('+ its displayName looks like that of managed user megan.bowen@contoso.com, "Megan Bowen": written with U+0435');
    expect(text.stdout).toContain('+ displayName: "<img src=x onerror=alert(1)> | **Megan** \\u001b[1A\\u001b[2K"');
    expect(text.stdout).toContain('+ roles a restore gives back: [Password administrator]');
    const markdown = await runCli(['drift', '-c', ...CONTOSO_CONFIG, ...database(), '--format', 'markdown']);
    expect(markdown.stdout).toContain('### Unmanaged look-alikes of managed users (2)');
    expect(markdown.stdout).toContain('`<img src=x onerror=alert(1)> \\| **Megan** \\u001b[1A\\u001b[2K`');
    const html = await runCli(['drift', '-c', ...CONTOSO_CONFIG, ...database(), '--format', 'html']);
    expect(html.stdout).toContain('<h2>Unmanaged look-alikes of managed users (2)</h2>');
    expect(html.stdout).not.toContain('<img');
    for (const output of [text.stdout, markdown.stdout, html.stdout]) {
      expect(rawDangers(output)).toEqual([]);
      expect(workflowCommandLines(output)).toEqual([]);
      expect(output).toContain('written with U+0435');
      expect(output).toContain('roles a restore gives back');
    }
  });

  it('refuses an invalid configuration with its diagnostics (exit 1), and an unknown format', async () => {
    const bad = path.join(directory, 'bad.yaml');
    fs.writeFileSync(bad, 'users:\n  - userPrincipalName: someone@unknown-domain.example\n    displayName: Someone\n');
    const invalid = await runCli(['drift', '-c', bad, ...database()]);
    expect(invalid.exitCode).toBe(1);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toMatch(/bad\.yaml:2:\d+: .*unknown-domain\.example/);
    expect(invalid.stderr).toContain('Error: no drift report was made: fix the configuration problems above');
    const xml = await runCli(['drift', '-c', ...CONTOSO_CONFIG, ...database(), '--format', 'xml']);
    expect(xml).toMatchObject({ exitCode: 1, stdout: '' });
    expect(xml.stderr).toContain("option '--format <format>' argument 'xml' is invalid. Did you mean html? Use text, json, markdown or html.");
  });
});
