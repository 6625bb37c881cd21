import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import { CHROMIUM_ARGS, setUpChromium } from '../support/chromium.js';
import { ROOT, runCli, tempDir } from '../support/cli.js';
import { HOSTILE_CATALOG, HOSTILE_UNMANAGED, HOSTILE_USERS } from '../support/hostile-tenant.js';
import { contosoFolder } from '../support/contoso-database.js';

/**
 * The HTML reports in a real headless Chromium (Debian's package, installed
 * by setUpChromium when missing), one browser for the whole file: the
 * contoso plan renders its summary and approvals, the kind filter and the
 * search hide and show rows, no request leaves the page, the CSP reports no
 * violation, and a screenshot is kept in test-artifacts/. A tampered copy of
 * the page proves the policy is enforced and that these checks see it.
 */

const setup = setUpChromium();
if (setup.skipReason) console.warn(`Skipping the browser tests: ${setup.skipReason}`);

const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const CONTOSO = path.join(ROOT, 'examples', 'contoso');
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';

interface Visit {
  readonly page: Page;
  /** Every request but the page's own. */
  readonly requests: string[];
  /** securitypolicyviolation events and console errors. */
  readonly violations: string[];
  /** Requests that failed, with the browser's reason (`csp` when the policy blocked it). */
  readonly failed: string[];
}

describe.skipIf(setup.path === null)('HTML reports in headless Chromium', () => {
  let work: string;
  let context: BrowserContext;
  const pages: Record<'plan' | 'drift', string> = { plan: '', drift: '' };

  const cli = (args: readonly string[], database: string) =>
    runCli([...args, '--database', database], { cwd: work, env: { TENANTCTL_OUTBOX_KEY: path.join(work, 'outbox.key') } });

  async function visit(file: string): Promise<Visit> {
    const page = await context.newPage();
    const url = pathToFileURL(file).href;
    const requests: string[] = [];
    const violations: string[] = [];
    const failed: string[] = [];
    page.on('request', (request) => {
      if (request.url() !== url) requests.push(request.url());
    });
    page.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText ?? ''}`));
    page.on('console', (message) => {
      if (message.type() === 'error') violations.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => violations.push(`page error: ${error.message}`));
    // Injected by the browser itself (not subject to the page's policy): reports each violation.
    await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        (window as unknown as { reportViolation(text: string): void }).reportViolation(`csp: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    await page.goto(url, { waitUntil: 'load' });
    return { page, requests, violations, failed };
  }

  const visibleRows = (page: Page) =>
    page.$$eval('table[data-filterable] tbody tr', (rows) =>
      rows.filter((row) => !(row as HTMLElement).hidden).map((row) => ({ kind: row.getAttribute('data-kind'), text: row.textContent ?? '' })),
    );

  beforeAll(async () => {
    work = tempDir('tenantctl-browser-');
    // The contoso example's plan, as a reviewer gets it.
    const contoso = contosoFolder('initialised', path.join(work, 'db-contoso'));
    const plan = await cli(['plan', '-c', CONTOSO, '--format', 'html'], contoso);
    expect(plan.code, plan.stderr).toBe(0);
    pages.plan = path.join(work, 'plan.html');
    fs.writeFileSync(pages.plan, plan.stdout);

    // The hostile tenant's drift, with an unmanaged Global administrator.
    const hostile = path.join(work, 'db-hostile');
    fs.writeFileSync(path.join(work, 'catalog.yaml'), HOSTILE_CATALOG);
    fs.mkdirSync(path.join(work, 'hostile'));
    fs.writeFileSync(path.join(work, 'hostile', 'users.yaml'), HOSTILE_USERS);
    expect((await cli(['init', '--catalog', 'catalog.yaml'], hostile)).code).toBe(0);
    const apply = await cli(['apply', '-c', 'hostile', '--auto-approve', '--approve-purchases', '--approve-privileged'], hostile);
    expect(apply.code, apply.stderr).toBe(0);
    const db = await openDatabase({ url: hostile, actor: 'test', lockTimeoutMs: 5000 });
    try {
      for (const [upn, displayName, jobTitle] of HOSTILE_UNMANAGED) {
        await db.query('INSERT INTO users (user_principal_name, display_name, mail_nickname, job_title) VALUES ($1, $2, $3, $4)', [upn, displayName, upn.split('@')[0], jobTitle]);
      }
      await db.query('INSERT INTO user_roles (user_id, role_template_id) SELECT id, $2 FROM users WHERE user_principal_name = $1', [HOSTILE_UNMANAGED[1][0], GLOBAL_ADMINISTRATOR]);
      // And a change made outside tenantctl, for the table of the other findings.
      await db.query("UPDATE users SET job_title = 'Changed by hand' WHERE user_principal_name = 'second@contoso.com'");
    } finally {
      await db.close();
    }
    pages.drift = path.join(work, 'drift.html');
    expect((await cli(['drift', '-c', 'hostile', '--format', 'html', '--out', pages.drift], hostile)).code).toBe(2);

    // One browser for the file, with a profile of its own.
    context = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
      executablePath: setup.path ?? undefined,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1280, height: 1500 },
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('renders the contoso plan: summary and approvals first, filter and search that hide and show rows, nothing fetched, no violation', async () => {
    const { page, requests, violations } = await visit(pages.plan);

    expect(await page.textContent('h1')).toBe('tenantctl plan');
    expect(await page.textContent('p.lead')).toBe('Plan: 13 to create, 0 to update, 0 to delete; 2 seats to purchase (+$35.00/month).');
    expect(await page.isVisible('dl.cards')).toBe(true);
    expect(await page.textContent('#approvals')).toContain('--approve-purchases');
    expect(await page.textContent('#approvals')).toContain('--approve-privileged');
    expect(await page.$$eval('#purchases tbody tr', (rows) => rows.map((row) => row.textContent ?? ''))).toEqual([
      expect.stringMatching(/^ENTERPRISEPACK.*\$20\.00\$20\.00/),
      expect.stringMatching(/^VISIOCLIENT.*\$15\.00\$15\.00/),
    ]);
    expect(await page.isVisible('#privileged')).toBe(true);

    // The script ran (it shows the form) and counts every row.
    expect(await page.isVisible('#filter')).toBe(true);
    const all = await visibleRows(page);
    expect(all.length).toBe(34);
    expect(await page.textContent('#filter-shown')).toBe('34 of 34 shown');

    await page.selectOption('#filter-kind', 'role.grant');
    const grants = await visibleRows(page);
    expect(grants.length).toBe(all.filter((row) => row.kind === 'role.grant').length);
    expect(grants.length).toBeGreaterThan(0);
    expect(grants.every((row) => row.kind === 'role.grant')).toBe(true);
    expect(await page.textContent('#filter-shown')).toBe(`${grants.length} of 34 shown`);

    await page.selectOption('#filter-kind', '');
    await page.fill('#filter-text', 'MEGAN');
    const megan = await visibleRows(page);
    expect(megan.length).toBe(all.filter((row) => row.text.toLowerCase().includes('megan')).length);
    expect(megan.length).toBeGreaterThan(1);
    expect(megan.every((row) => row.text.toLowerCase().includes('megan'))).toBe(true);

    await page.selectOption('#filter-kind', 'license.assign');
    expect((await visibleRows(page)).map((row) => row.kind)).toEqual(['license.assign']);

    expect(await page.isVisible('#changes + p.empty')).toBe(false);
    await page.fill('#filter-text', 'no such user anywhere');
    expect(await visibleRows(page)).toEqual([]);
    expect(await page.isVisible('#changes + p.empty')).toBe(true);
    expect(await page.textContent('#filter-shown')).toBe('0 of 34 shown');

    await page.selectOption('#filter-kind', '');
    await page.fill('#filter-text', '');
    expect((await visibleRows(page)).length).toBe(34);
    expect(await page.isVisible('#changes + p.empty')).toBe(false);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const screenshot = path.join(ARTIFACTS, 'html-report-plan.png');
    await page.screenshot({ path: screenshot });
    expect(fs.readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');

    expect(requests).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('renders the hostile drift page: privileged accounts first, values as text only, nothing fetched, no violation', async () => {
    const { page, requests, violations } = await visit(pages.drift);
    expect(await page.textContent('h1')).toBe('tenantctl drift');
    // Sections in order: privileged, unmanaged, the rest.
    const order = await page.$$eval('table[data-filterable]', (tables) => tables.map((table) => table.id));
    expect(order).toEqual(['privileged', 'unmanaged', 'findings']);
    expect(await page.textContent('#privileged tbody')).toContain('<img src=x onerror=alert(1)> see https://evil.example');
    // The values stayed text: no element a value could have made.
    expect(await page.$$eval('img, a, iframe, object, embed, link', (elements) => elements.length)).toBe(0);
    expect(await page.$$eval('script', (scripts) => scripts.length)).toBe(1);
    expect(await page.textContent('body')).toContain('invoice\\u202etxt.exe');

    await page.selectOption('#filter-kind', 'user.unmanaged');
    const rows = await visibleRows(page);
    expect(rows.length).toBe(HOSTILE_UNMANAGED.length);
    expect(rows.every((row) => row.kind === 'user.unmanaged')).toBe(true);
    // The other findings' table is left without rows: its note says so.
    expect(await page.isVisible('#findings + p.empty')).toBe(true);
    expect(await page.isVisible('#privileged + p.empty')).toBe(false);

    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'html-report-drift.png') });
    expect(requests).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('enforces the policy: a tampered script does not run and an injected image is blocked before it leaves, and both are reported', async () => {
    const tampered = fs
      .readFileSync(pages.plan, 'utf8')
      .replace("'use strict';", "'use strict'; window.tampered = true;")
      .replace('<main>', '<main><img src="http://127.0.0.1:9/pixel.png" alt="">');
    const file = path.join(work, 'tampered.html');
    fs.writeFileSync(file, tampered);
    const { page, requests, violations, failed } = await visit(file);
    expect(await page.evaluate(() => (window as unknown as { tampered?: boolean }).tampered)).toBeUndefined();
    expect(await page.isVisible('#filter')).toBe(false);
    // The request listener sees the attempt (so an empty list above means none was made); the policy stops it.
    expect(requests).toEqual(['http://127.0.0.1:9/pixel.png']);
    // Blocked by the policy (Chromium's reason "csp"), not merely refused by the closed port.
    expect(failed).toEqual(['http://127.0.0.1:9/pixel.png csp']);
    expect(violations.some((v) => v.startsWith('csp: script-src'))).toBe(true);
    expect(violations.some((v) => v.startsWith('csp: img-src') && v.includes('127.0.0.1'))).toBe(true);
    await page.close();
  });
});
