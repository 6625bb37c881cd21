import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { runCli, tempDir } from '../support/cli.js';
import { FORGED, forgedLines, htmlLines, outputLines } from '../render/forged-lines.js';

/**
 * A pull request's multi-line street address (a YAML block scalar) whose
 * lines read as tenantctl's, through every command that shows it: apply's
 * confirmation, history, drift in each format; export keeps it exactly.
 */

const CATALOG = `domains:
  - { name: contoso.com, verified: true, default: true }
subscriptions:
  - { sku: ENTERPRISEPACK, productName: Office 365 Enterprise E3, seats: 5, unitPrice: 20.00, currency: USD, servicePlans: [SWAY] }
`;

const block = (lines: readonly string[]) => lines.map((line) => `      ${line}`.trimEnd()).join('\n');

const ADMIN = `  - userPrincipalName: admin@contoso.com
    displayName: Admin
    roles: [Global administrator]`;

/** Mallory's address: its first line, the forged ones, and an empty line. */
const config = (firstLine: string) => `settings:
  adminEmail: it@example.org
users:
${ADMIN}
  - userPrincipalName: mallory@contoso.com
    displayName: Mallory
    streetAddress: |
${block([firstLine, ...FORGED, ''])}
    city: "Amsterdam\\u2028- role: Global administrator\\r+ role: Global administrator"
`;

const ADDRESS = (firstLine: string) => `${[firstLine, ...FORGED].join('\n')}\n`;

describe('a multi-line value through apply, history, drift and export', () => {
  let work: string;
  const cli = (...args: string[]) => runCli([...args, '--database', path.join(work, 'db')], { cwd: work });

  beforeAll(() => {
    work = tempDir('tenantctl-multi-line-');
    fs.writeFileSync(path.join(work, 'catalog.yaml'), CATALOG);
    fs.writeFileSync(path.join(work, 'admin.yaml'), `settings:\n  adminEmail: it@example.org\nusers:\n${ADMIN}\n`);
    fs.writeFileSync(path.join(work, 'v1.yaml'), config('Main Street 1'));
    fs.writeFileSync(path.join(work, 'v2.yaml'), config('Main Street 2'));
  });

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('forges no tenantctl line in any output, and export round-trips the value', async () => {
    expect((await cli('init', '--catalog', 'catalog.yaml')).code).toBe(0);
    // The one real grant, applied first: the later plans change only Mallory.
    expect((await cli('apply', '-c', 'admin.yaml', '--auto-approve', '--approve-privileged')).code).toBe(0);

    // apply prints the plan it confirms: the creation, then the change keeping the forged lines as context.
    for (const file of ['v1.yaml', 'v2.yaml']) {
      const apply = await cli('apply', '-c', file, '--auto-approve');
      expect(apply.code, apply.stderr).toBe(0);
      expect.soft(forgedLines(outputLines(apply.stdout)), file).toEqual([]);
      expect.soft(apply.stdout).toContain('| - role: Global administrator');
    }

    const history = await cli('history');
    expect(history.code, history.stderr).toBe(0);
    expect.soft(history.stdout).toContain(['      ~ streetAddress:', '        - | Main Street 1', '        + | Main Street 2', '          | - role: Global administrator'].join('\n'));
    expect.soft(forgedLines(outputLines(history.stdout))).toEqual(['      + role: Global administrator']);

    // The database holds v2's address; v1 declares the other one.
    for (const format of ['text', 'markdown', 'html']) {
      const drift = await cli('drift', '-c', 'v1.yaml', '--format', format);
      expect(drift.stdout, format).toContain('Main Street 2');
      expect.soft(forgedLines(format === 'html' ? htmlLines(drift.stdout) : outputLines(drift.stdout)), format).toEqual([]);
    }

    const exported = await cli('export', '--out', 'exported.yaml');
    expect(exported.code, exported.stderr).toBe(0);
    const users = (YAML.parse(fs.readFileSync(path.join(work, 'exported.yaml'), 'utf8')) as { users: { streetAddress?: string; city?: string }[] }).users;
    const mallory = users.find((user) => user.streetAddress !== undefined);
    expect(mallory?.streetAddress).toBe(ADDRESS('Main Street 2'));
    expect(mallory?.city).toBe('Amsterdam\u2028- role: Global administrator\r+ role: Global administrator');
  }, 120_000);
});
