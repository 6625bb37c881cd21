import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_DIAGNOSTIC_CODES } from '../../src/config/diagnostic-codes.js';
import { loadConfig } from '../../src/config/load-config.js';
import { contosoCatalog, fromRoot } from './expectations.js';

const readme = fs.readFileSync(fromRoot('README.md'), 'utf8');

/** The message column of the README's row for `code`. */
function readmeMessage(code: string): string {
  const row = readme.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
  expect(row, code).toBeDefined();
  return (row ?? '').split(' | ').at(-1)?.replace(/ \|$/, '') ?? '';
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-readme-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** The message the rules give for one user holding `licenses` on the example catalog. */
function messageFor(code: string, licenses: string): string | undefined {
  const dir = fs.mkdtempSync(path.join(scratch, 'case-'));
  const user = (upn: string, roles: string) =>
    `  - userPrincipalName: ${upn}\n    displayName: X\n    usageLocation: NL\n    roles: [${roles}]\n    licenses: ${licenses}\n`;
  fs.writeFileSync(path.join(dir, 'tenant.yaml'), `users:\n${user('admin@contoso.com', 'Global administrator')}${user('admin2@contoso.com', 'Global administrator')}`);
  return loadConfig([dir], { catalog: contosoCatalog(), env: {}, phase: 'validate' }).diagnostics.find((d) => d.code === code)?.message;
}

describe('README', () => {
  it('lists every diagnostic code', () => {
    const missing = CONFIG_DIAGNOSTIC_CODES.map((info) => info.code).filter((code) => !readme.includes(`| \`${code}\` |`));
    expect(missing).toEqual([]);
  });

  // The lists these messages give are sorted; the README once showed them in the catalog's order.
  it.each([
    ['LICENSE_UNKNOWN_SKU', '[ENTERPRISEPAK]'],
    ['LICENSE_UNKNOWN_PLAN', '[{sku: ENTERPRISEPACK, disabledPlans: [SWAY, YAMMER_ENTERPRIZE]}]'],
    ['LICENSE_PLAN_NOT_IN_SKU', '[{sku: VISIOCLIENT, disabledPlans: [SWAY]}]'],
  ])('shows %s as the example catalog gives it', (code, licenses) => {
    expect(messageFor(code, licenses)).toBe(readmeMessage(code));
  });
});
