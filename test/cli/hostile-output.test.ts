import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import { runCli, tempDir, type CliResult } from '../support/cli.js';
import { postgresTestUrl } from '../support/postgres.js';
import { HOSTILE, liveMarkdown, rawDangers, workflowCommandLines, yamlString } from '../support/hostile-strings.js';
import { HOSTILE_CATALOG as CATALOG, HOSTILE_UNMANAGED as UNMANAGED, HOSTILE_USERS as USERS } from '../support/hostile-tenant.js';
import { inject } from 'vitest';

/**
 * Issue 9 finding 8, end to end: a catalog, a configuration, file names and
 * database rows carrying the hostile corpus, and every command run as a
 * process. Nothing printed may hold a raw control, bidi or zero-width
 * character, or a line the GitHub runner would obey; markdown may hold no
 * live mention, HTML or link.
 */

const q = yamlString;

/**
 * ESC c resets the terminal (clearing the screen). A key with digits, letters and symbols, like
 * HOSTILE.eraseLine's ESC [ 1 A, could be a password and is not quoted at all, so this one has none.
 */
const RESET_KEY = 'x\u001bcforged';

/** A configuration error in a file whose name is a workflow command, quoting hostile keys, roles and licences. */
const BAD = `users:
  - userPrincipalName: bad@contoso.com
    displayName: Bad
    ${q(`${RESET_KEY}${HOSTILE.addMaskHash}`)}: 1
    roles: [${q(`${HOSTILE.mention} ${HOSTILE.html} ${HOSTILE.rlo}`)}]
    licenses: [${q(`${HOSTILE.osc52}BAD`)}]
  - userPrincipalName: ${q(`${HOSTILE.errorColon}\u001b[2K@contoso.com`)}
    displayName: ${q(HOSTILE.osc8)}
`;

interface Problems {
  readonly raw: string[];
  readonly commands: string[];
}

function problems(result: CliResult, allowAnnotations = false): Problems {
  const both = `${result.stdout}\n${result.stderr}`;
  const commands = workflowCommandLines(both).filter(
    // validate --format github prints tenantctl's own annotations; their values are escaped.
    (line) => !(allowAnnotations && /^::(error|warning|notice)( [a-z]+=[^:,]*(,[a-z]+=[^:,]*)*)?::/.test(line) && !line.includes('##[')),
  );
  return { raw: rawDangers(both), commands };
}

const clean: Problems = { raw: [], commands: [] };

/**
 * What is printed does not depend on the engine the values were stored in, so
 * this runs on PostgreSQL when the test server runs, else on the embedded
 * database: there each of the scenario's 18 processes would start PGlite (1.2
 * against 0.4 s of CPU). The hostile values' way into the embedded database
 * and back out (init, apply, rows inserted, drift) stays proven on both
 * engines by html-report.test.ts.
 */
const postgresAvailable = inject('postgresUrl') !== null;

describe('hostile text through every printing path', () => {
  let work: string;
  let database: string;
  let config: string;
  let badConfig: string;
  const cli = (args: readonly string[], cwd = work) =>
    runCli([...args, '--database', database], { cwd, env: { TENANTCTL_OUTBOX_KEY: path.join(work, 'outbox.key') } });

  beforeAll(async () => {
    work = tempDir('tenantctl-hostile-');
    database = postgresAvailable ? ((await postgresTestUrl(`hostile_${Date.now()}`)) ?? '') : path.join(work, 'db');
    fs.writeFileSync(path.join(work, 'catalog.yaml'), CATALOG);
    config = path.join(work, 'config');
    fs.mkdirSync(config);
    fs.writeFileSync(path.join(config, 'users.yaml'), USERS);
    badConfig = path.join(work, 'bad');
    fs.mkdirSync(badConfig);
    fs.writeFileSync(path.join(badConfig, '::add-mask::x.yaml'), BAD);
    fs.writeFileSync(path.join(badConfig, `##[warning]${HOSTILE.rlo}.yaml`), 'users: [{ userPrincipalName: 1 }]\n');
  }, 60_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('init, validate, plan, apply, drift, history, export and deliver print nothing a terminal or a runner obeys', async () => {
    const init = await cli(['init', '--catalog', 'catalog.yaml']);
    expect(init.code, init.stderr).toBe(0);
    expect(problems(init)).toEqual(clean);

    // validate: file names (relative, so one starts the line), unknown keys, UPNs, roles and licences.
    const validateText = await cli(['validate', '-c', '.'], badConfig);
    expect(validateText.code).toBe(1);
    expect(validateText.stdout).toMatch(/^\\u003a:add-mask::x\.yaml:\d+:\d+: /m);
    expect(validateText.stdout).toContain('##\\u005bwarning]invoice\\u202etxt.exe.yaml');
    expect(validateText.stdout).toContain('unknown field "x\\u001bcforged##\\u005badd-mask]x"');
    expect(validateText.stdout).toMatch(/LICENSE_UNKNOWN_SKU: unknown subscription \\u001b\]52;c;/i);
    expect(problems(validateText)).toEqual(clean);

    const validateGithub = await cli(['validate', '-c', '.', '--format', 'github'], badConfig);
    expect(validateGithub.code).toBe(1);
    // The annotation names the real file, escaped as GitHub documents.
    expect(validateGithub.stdout).toMatch(/^::error file=%3A%3Aadd-mask%3A%3Ax\.yaml,line=\d+,col=\d+::/m);
    expect(problems(validateGithub, true)).toEqual(clean);

    const validateJson = await cli(['validate', '-c', '.', '--format', 'json'], badConfig);
    expect(problems(validateJson)).toEqual(clean);
    expect(JSON.stringify(JSON.parse(validateJson.stdout))).toContain('::add-mask::x.yaml');

    // plan in every format; the values come from the configuration and the catalog.
    for (const format of ['text', 'markdown', 'json', 'html']) {
      const plan = await cli(['plan', '-c', config, '--format', format]);
      expect(plan.code, plan.stderr).toBe(0);
      expect(problems(plan), format).toEqual(clean);
      if (format === 'markdown') expect(liveMarkdown(plan.stdout)).toEqual([]);
      if (format === 'text') expect(plan.stdout).toContain('jobTitle: "ok ##\\u005bwarning]forged warning"');
    }

    // apply without approval: the purchase message quotes the catalog's product name.
    const refused = await cli(['apply', '-c', config, '--auto-approve']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('\\u001b]52;c;');
    expect(problems(refused)).toEqual(clean);

    const apply = await cli(['apply', '-c', config, '--auto-approve', '--approve-purchases', '--approve-privileged']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(problems(apply)).toEqual(clean);

    const db = await openDatabase({ url: database, actor: 'test', lockTimeoutMs: 5000 });
    try {
      for (const [upn, displayName, jobTitle] of UNMANAGED) {
        await db.query('INSERT INTO users (user_principal_name, display_name, mail_nickname, job_title) VALUES ($1, $2, $3, $4)', [upn, displayName, upn.split('@')[0], jobTitle]);
      }
    } finally {
      await db.close();
    }

    for (const format of ['text', 'markdown', 'json', 'html']) {
      const drift = await cli(['drift', '-c', config, '--format', format]);
      expect(drift.code, drift.stderr).toBe(2);
      expect(problems(drift), format).toEqual(clean);
      if (format === 'markdown') {
        expect(liveMarkdown(drift.stdout)).toEqual([]);
        expect(drift.stdout).toContain('`<img src=x onerror=alert(1)> see https://evil.example and www.evil.example`');
      }
    }

    const history = await cli(['history']);
    expect(history.code, history.stderr).toBe(0);
    expect(problems(history)).toEqual(clean);

    const exported = await cli(['export', '--out', path.join(work, 'export.yaml')]);
    expect(problems(exported)).toEqual(clean);

    const deliver = await cli(['deliver', '--pickup', path.join(work, 'outbox')]);
    expect(problems(deliver)).toEqual(clean);

    // An error naming a path that is itself a workflow command.
    const missing = await cli(['plan', '-c', path.join(work, `::error::${HOSTILE.rlo}missing.yaml`)]);
    expect(missing.code).toBe(1);
    expect(problems(missing)).toEqual(clean);
  }, 240_000);
});
