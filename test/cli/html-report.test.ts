import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import { ROOT, runCli, tempDir } from '../support/cli.js';
import { rawDangers, workflowCommandLines } from '../support/hostile-strings.js';
import { HOSTILE_CATALOG, HOSTILE_UNMANAGED, HOSTILE_USERS } from '../support/hostile-tenant.js';
import { checkPolicy, foreignMarkup } from '../support/html-tags.js';
import { postgresTestUrl } from '../support/postgres.js';
import { contosoDatabase } from '../support/contoso-database.js';

/**
 * `plan --format html` and `drift --format html` run as processes: the
 * contoso example (what a reviewer sees), on PostgreSQL when the test server
 * runs, else embedded (the engine is not its subject, and each embedded
 * process starts PGlite: 1.1 against 0.3 s of CPU); and the hostile corpus on
 * both databases (nothing a value holds becomes markup, a raw invisible
 * character or a workflow command, whichever engine stored it and gave it
 * back). The browser test (test/browser/) shows the page works; this one
 * proves what the page is made of.
 */

const CONTOSO = path.join(ROOT, 'examples', 'contoso');
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

function expectSafePage(html: string): void {
  expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(foreignMarkup(html)).toEqual([]);
  expect(rawDangers(html)).toEqual([]);
  expect(workflowCommandLines(html)).toEqual([]);
  expect(checkPolicy(html)).toMatchObject({ scripts: 1, styles: 1, scriptAllowed: true, styleAllowed: true });
  expect(html.match(/<script/gi)).toHaveLength(1);
  // Raw tags or event handlers of a value; as escaped text (`&lt;img … onerror=`) they are inert.
  expect(html).not.toMatch(/<img|<iframe|<a\s|<link|<[^>]*\son\w+=/i);
}

const postgresAvailable = inject('postgresUrl') !== null;

/** The built CLI on `database`, in the folder `work`. */
const cliIn = (work: string, database: string, args: readonly string[]) =>
  runCli([...args, '--database', database], { cwd: work, env: { TENANTCTL_OUTBOX_KEY: path.join(work, 'outbox.key') } });

describe('HTML reports of the contoso example', () => {
  let work: string;
  let db: string;
  const cli = (database: string, args: readonly string[]) => cliIn(work, database, args);

  beforeAll(async () => {
    work = tempDir('tenantctl-html-');
    db = await contosoDatabase('initialised', 'html_contoso', path.join(work, 'db-contoso'));
  }, 60_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('plan of the contoso example: summary, approvals with costs, then every change; --out still saves the JSON plan', async () => {
    const plan = await cli(db, ['plan', '-c', CONTOSO, '--format', 'html', '--out', 'plan.json']);
    expect(plan.code, plan.stderr).toBe(0);
    const html = plan.stdout;
    expectSafePage(html);
    expect(html).toContain('<p class="lead">Plan: 13 to create, 0 to update, 0 to delete; 2 seats to purchase (+$35.00/month).</p>');
    expect(html).toContain('<h2>Needs 2 approvals</h2>');
    expect(html).toContain('purchase: --approve-purchases');
    expect(html).toContain('privileged: --approve-privileged');
    expect(html).toMatch(/<table id="purchases">[\s\S]*<code>ENTERPRISEPACK<\/code>[\s\S]*\$20\.00[\s\S]*<\/table>/);
    // Seven grants, and the creations of the six users they go to: where each one's temporary password goes.
    expect(html).toContain('<h2>Privileged changes (13)</h2>');
    const json = JSON.parse(fs.readFileSync(path.join(work, 'plan.json'), 'utf8')) as { formatVersion: string; changes: unknown[] };
    expect(json.formatVersion).toBe('2.2');
    expect(html.match(/<tr data-kind="/g)).toHaveLength(json.changes.length);
    // Approvals come before the per-user changes.
    expect(html.indexOf('Needs 2 approvals')).toBeLessThan(html.indexOf('Changes per user'));

    // --out is the plan apply reads: a page name there is a mistake, refused before planning.
    const mistaken = await cli(db, ['plan', '-c', CONTOSO, '--format', 'html', '--out', 'plan.html']);
    expect(mistaken.code).toBe(1);
    expect(mistaken.stdout).toBe('');
    expect(mistaken.stderr).toContain('--out saves the JSON plan for `apply --plan`, not a report (got plan.html)');
    expect(fs.existsSync(path.join(work, 'plan.html'))).toBe(false);
  });

  it('drift of the contoso example, to a private file with --out; a symlink is refused; a mistyped format is named', async () => {
    const drift = await cli(db, ['drift', '-c', CONTOSO, '--format', 'html', '--out', 'drift.html']);
    expect(drift.code, drift.stderr).toBe(2);
    expect(drift.stdout).toBe('');
    expect(drift.stderr).toContain('Wrote the drift report (html) to drift.html');
    const file = path.join(work, 'drift.html');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const html = fs.readFileSync(file, 'utf8');
    expectSafePage(html);
    expect(html).toContain('<h1>tenantctl drift</h1>');
    expect(html).toMatch(/<p class="lead">Drift: \d+ findings/);

    fs.writeFileSync(path.join(work, 'victim.txt'), 'keep');
    fs.symlinkSync(path.join(work, 'victim.txt'), path.join(work, 'link.html'));
    const refused = await cli(db, ['drift', '-c', CONTOSO, '--format', 'html', '--out', 'link.html']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('it is a symbolic link');
    expect(fs.readFileSync(path.join(work, 'victim.txt'), 'utf8')).toBe('keep');

    for (const command of ['plan', 'drift']) {
      const typo = await cli(db, [command, '-c', CONTOSO, '--format', 'htm']);
      expect(typo.code).toBe(1);
      expect(typo.stderr).toContain('Did you mean html?');
    }
  });

});

describe.each([
  { name: 'embedded', skip: false },
  { name: 'postgres', skip: !postgresAvailable },
])('HTML reports of hostile values ($name database)', ({ name, skip }) => {
  let work: string;
  let db: string;
  const cli = (database: string, args: readonly string[]) => cliIn(work, database, args);

  beforeAll(async () => {
    if (skip) return;
    work = tempDir('tenantctl-html-');
    db = name === 'postgres' ? ((await postgresTestUrl('html_hostile')) ?? '') : path.join(work, 'db-hostile');
    fs.writeFileSync(path.join(work, 'catalog.yaml'), HOSTILE_CATALOG);
    fs.mkdirSync(path.join(work, 'hostile'));
    fs.writeFileSync(path.join(work, 'hostile', 'users.yaml'), HOSTILE_USERS);
  }, 60_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it.skipIf(skip)('hostile catalog, configuration and database values never become markup', async () => {
    const init = await cli(db, ['init', '--catalog', 'catalog.yaml']);
    expect(init.code, init.stderr).toBe(0);
    const plan = await cli(db, ['plan', '-c', 'hostile', '--format', 'html']);
    expect(plan.code, plan.stderr).toBe(0);
    expectSafePage(plan.stdout);
    // The values are there, visible and inert.
    expect(plan.stdout).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(plan.stdout).toContain('invoice\\u202etxt.exe');
    expect(plan.stdout).toContain('\\u001b]52;c;');
    expect(plan.stdout).toContain('ok ##\\u005bwarning]forged warning');

    const apply = await cli(db, ['apply', '-c', 'hostile', '--auto-approve', '--approve-purchases', '--approve-privileged']);
    expect(apply.code, apply.stderr).toBe(0);
    const database = await openDatabase({ url: db, actor: 'test', lockTimeoutMs: 5000 });
    try {
      for (const [upn, displayName, jobTitle] of HOSTILE_UNMANAGED) {
        await database.query('INSERT INTO users (user_principal_name, display_name, mail_nickname, job_title) VALUES ($1, $2, $3, $4)', [upn, displayName, upn.split('@')[0], jobTitle]);
      }
      // One of them an unmanaged Global administrator: the first thing the drift page shows.
      await database.query('INSERT INTO user_roles (user_id, role_template_id) SELECT id, $2 FROM users WHERE user_principal_name = $1', [HOSTILE_UNMANAGED[1][0], GLOBAL_ADMINISTRATOR]);
    } finally {
      await database.close();
    }

    const drift = await cli(db, ['drift', '-c', 'hostile', '--format', 'html']);
    expect(drift.code, drift.stderr).toBe(2);
    expectSafePage(drift.stdout);
    const privileged = /<table id="privileged" data-filterable>[\s\S]*?<\/table>/.exec(drift.stdout)?.[0] ?? '';
    expect(privileged).toContain('<code>&lt;img src=x onerror=alert(1)&gt; see https://evil.example and www.evil.example</code>');
    expect(drift.stdout.indexOf('id="privileged"')).toBeLessThan(drift.stdout.indexOf('id="unmanaged"'));
    expect(drift.stdout).toContain('x\\u001b[1A\\u001b[2Kforged');
  }, 120_000);
});
