// Columns the database does not bound (a business phone, a product name, an
// apply's actor and database role, the changes it recorded) can hold megabytes
// written by the owner or the writer role. plan, drift and history showed such
// a value whole: one line of megabytes to a terminal, a CI log or an HTML
// report (helper-119). The human formats now cut it in its middle and say how
// much they left out; the JSON formats keep it exact.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_SHOWN_TEXT } from '../../src/render/escape-terminal.js';
import { QUIET, ROOT, runCli, tempDir } from '../support/cli.js';
import { contosoFolderWritten } from '../support/contoso-database.js';

const LONG = 1_000_000;
const PHONE = `+31 ${'9'.repeat(LONG)}`;
/** Longer than any value shown whole, escaped, with its line's own words; far below the values' megabyte. */
const LONGEST_LINE = 2 * MAX_SHOWN_TEXT;

const longestLine = (text: string) => Math.max(...text.split('\n').map((line) => line.length));

describe('values of a megabyte in the database', { timeout: 180_000 }, () => {
  it('are shown cut in plan, drift and history, and exact in their JSON', async () => {
    const database = await contosoFolderWritten('applied', path.join(tempDir('tenantctl-long-values-'), 'db'), `
        UPDATE users SET business_phones = ARRAY['${PHONE}'] WHERE user_principal_name = 'joep.devries@contoso.com';
        UPDATE subscriptions SET product_name = repeat('P', ${LONG}) WHERE sku = 'STANDARDPACK';
        INSERT INTO applies (actor, host, plan_hash, tool_version, summary, changes, database_role)
          VALUES (repeat('A', ${LONG}), 'x', 'sha256:x', 'x', '{}',
                  json_build_array(json_build_object('kind', 'user.update', 'userPrincipalName', repeat('z', ${LONG}) || '@contoso.com', 'patch', '[]'::json)),
                  repeat('R', ${LONG}));`);
    const env = { ...QUIET, TENANTCTL_DATABASE_URL: database };
    const config = path.join(ROOT, 'examples', 'contoso');
    for (const [command, code] of [['plan', 0], ['drift', 2]] as const) {
      for (const format of ['text', 'markdown', 'html']) {
        const run = await runCli([command, '-c', config, '--format', format], { env });
        expect(run.code, `${command} ${format}: ${run.stderr}`).toBe(code);
        expect(longestLine(run.stdout), `${command} ${format}`).toBeLessThan(LONGEST_LINE);
      }
    }
    const text = await runCli(['plan', '-c', config], { env });
    expect(text.stdout).toMatch(/businessPhones: \["\+31 9{100,} … \(\d{3},\d{3} characters left out\) … 9{100,}"\] → \["\+31 20 555 0100"\]/);
    const history = await runCli(['history'], { env });
    expect(history.code, history.stderr).toBe(0);
    expect(longestLine(history.stdout)).toBeLessThan(LONGEST_LINE);
    expect(history.stdout).toMatch(/ by A{100,} … \(\d{3},\d{3} characters left out\) … A{100,} on x /);

    const json = await runCli(['plan', '-c', config, '--format', 'json'], { env });
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toContain(JSON.stringify(PHONE));
    const historyJson = await runCli(['history', '--format', 'json'], { env });
    expect(historyJson.code, historyJson.stderr).toBe(0);
    expect((JSON.parse(historyJson.stdout) as { applies: { actor: string }[] }).applies.map((a) => a.actor)).toContain('A'.repeat(LONG));
  });
});
