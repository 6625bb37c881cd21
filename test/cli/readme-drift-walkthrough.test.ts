import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../support/cli.js';

// "Auditing drift" has the reader run its SQL behind tenantctl's back and then apply again; an
// administrator comparing the refusal with the README must find every privileged change it names.
describe("the README's drift walk-through and catalog reload, on the embedded database", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const dir = tempDir();
  const env = { TENANTCTL_DATABASE_URL: path.join(dir, 'db'), CI: undefined };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The README's text from `start` (exclusive) to the next `end`. */
  const between = (start: string, end: string, from = 0): string => {
    const at = readme.indexOf(start, from);
    expect(at).toBeGreaterThanOrEqual(0);
    return readme.slice(at + start.length, readme.indexOf(end, at + start.length));
  };

  it("refuses the apply that undoes the outside changes with exactly the privileged changes the README lists", async () => {
    const key = path.join(dir, 'outbox.key');
    expect((await runCli(['init', '--catalog', 'examples/contoso/catalog.yaml', '--outbox-key', key], { env })).code).toBe(0);
    const first = await runCli(['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged', '--actor', 'alice'], { env });
    expect(first.code).toBe(0);

    const section = readme.indexOf('## Auditing drift');
    const db = new PGlite(env.TENANTCTL_DATABASE_URL);
    await db.exec(between('await db.exec(`', '`);', section));
    await db.close();

    const refusal = await runCli(['apply', '-c', 'examples/contoso', '--auto-approve', '--actor', 'bob'], { env });
    expect(refusal.code).toBe(3);
    const command = '$ npx tenantctl apply -c examples/contoso --auto-approve --actor bob < /dev/null\n…the plan…\n';
    expect(refusal.stderr).toBe(between(command, '$ echo $?', section));
  });

  it('a reloaded catalog keeps the seats apply bought on top of its own, as the README says after step 1', async () => {
    const catalog = path.join(dir, 'catalog.yaml');
    const text = fs.readFileSync(path.join(ROOT, 'examples', 'contoso', 'catalog.yaml'), 'utf8');
    const edited = text.replace(/(sku: ENTERPRISEPACK[\s\S]*?seats: )3\b/, '$130');
    expect(edited).not.toBe(text);
    fs.writeFileSync(catalog, edited);
    expect((await runCli(['init', '--catalog', catalog, '--outbox-key', path.join(dir, 'outbox.key')], { env })).code).toBe(0);
    const history = await runCli(['history', '--limit', '1'], { env });
    expect(history.stdout).toContain('~ subscription ENTERPRISEPACK (updated)\n      ~ seats: 4 → 31\n');
    expect(readme).toContain('a catalog\nsaying `seats: 30` for `ENTERPRISEPACK` gives 31, and `history` shows `~ seats: 4 → 31`');
  });
});
