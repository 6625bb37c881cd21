// passwordPolicies in a configuration: Graph's DisablePasswordExpiration is
// taken; DisableStrongPassword is refused in its own words; anything else is
// located where it is written.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { contosoCatalog } from './expectations.js';

const catalog = contosoCatalog();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-password-policies-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
let runs = 0;

/** The break-glass account with `policy` as its passwordPolicies line (line 5, value at column 23), and Megan. */
const tenant = (policy: string, defaults = '') => `${defaults}users:
  - userPrincipalName: breakglass@contoso.onmicrosoft.com
    displayName: Break-glass administrator
    roles: [Global administrator]
    ${policy}
  - userPrincipalName: megan.bowen@contoso.com
    displayName: Megan Bowen
    roles: [Global administrator]
`;

function load(text: string) {
  const file = path.join(scratch, `case-${++runs}.yaml`);
  fs.writeFileSync(file, text);
  return loadConfig([file], { catalog, env: {}, phase: 'validate', current: null });
}

const where = (d: Diagnostic) => `${d.code}@${d.location?.line ?? '-'}:${d.location?.column ?? '-'}`;

describe('passwordPolicies', () => {
  it('takes DisablePasswordExpiration, and leaves the attribute out of a user without it', () => {
    const { config, diagnostics } = load(tenant('passwordPolicies: DisablePasswordExpiration'));
    expect(diagnostics).toEqual([]);
    expect(config?.state.users.get('breakglass@contoso.onmicrosoft.com')?.attributes.passwordPolicies).toBe('DisablePasswordExpiration');
    expect(config?.state.users.get('megan.bowen@contoso.com')?.attributes).not.toHaveProperty('passwordPolicies');
  });

  it.each([
    ['alone', 'passwordPolicies: DisableStrongPassword'],
    ['with DisablePasswordExpiration, as Graph writes both', 'passwordPolicies: "DisablePasswordExpiration, DisableStrongPassword"'],
    ['in another case', 'passwordPolicies: disablestrongpassword'],
  ])('refuses DisableStrongPassword %s, saying why and what to write instead', (_, line) => {
    const { config, diagnostics } = load(tenant(line));
    expect(config).toBeNull();
    expect(diagnostics.map(where)).toEqual(['STRONG_PASSWORD_REQUIRED@5:23']);
    expect(diagnostics[0]?.message).toMatch(/^passwordPolicies asks for DisableStrongPassword, which tenantctl refuses: every password must meet the strong-password rules .*; remove DisableStrongPassword \(write passwordPolicies: DisablePasswordExpiration if/);
  });

  it.each([
    ['Graph\'s "None"', 'passwordPolicies: None'],
    ['a misspelling', 'passwordPolicies: DisablePasswordExpiry'],
    ['an empty text', 'passwordPolicies: ""'],
  ])('refuses %s as SCHEMA_FORMAT, naming the one value it takes', (_, line) => {
    const { diagnostics } = load(tenant(line));
    expect(diagnostics.map(where)).toEqual(['SCHEMA_FORMAT@5:23']);
    expect(diagnostics[0]?.message).toBe(
      'passwordPolicies takes one value, DisablePasswordExpiration (the passwords the user chooses never expire); leave it out for the default, passwords that expire after 90 days',
    );
  });

  it.each([
    ['true', 'passwordPolicies: true'],
    ['a list', 'passwordPolicies: [DisablePasswordExpiration]'],
    ['a number', 'passwordPolicies: 90'],
    ['nothing', 'passwordPolicies:'],
  ])('refuses %s as SCHEMA_TYPE, once', (_, line) => {
    const { config, diagnostics } = load(tenant(line));
    expect(config).toBeNull();
    expect(diagnostics.map(where)).toEqual([`SCHEMA_TYPE@5:${line.endsWith(':') ? 5 : 23}`]);
    expect(diagnostics[0]?.message).toMatch(/^"passwordPolicies" must be text/);
  });

  it('misspelt, is an unknown field with a suggestion, not a password in the configuration', () => {
    const { diagnostics } = load(tenant('passwordPolicy: DisablePasswordExpiration'));
    expect(diagnostics.map(where)).toEqual(['SCHEMA_UNKNOWN_FIELD@5:5']);
    expect(diagnostics[0]?.message).toBe('unknown field "passwordPolicy" (did you mean passwordPolicies?)');
  });

  it('is not a default: refused under defaults, at its key', () => {
    const { diagnostics } = load(tenant('jobTitle: Emergency access', 'defaults:\n  passwordPolicies: DisablePasswordExpiration\n'));
    expect(diagnostics.map(where)).toEqual(['SCHEMA_UNKNOWN_FIELD@2:3']);
    expect(diagnostics[0]?.message).toMatch(/^passwordPolicies is not a default: .*write it on that user instead$/);
  });
});
