import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Catalog } from '../../src/catalog/catalog.js';
import { loadConfig } from '../../src/config/load-config.js';
import { exportConfig, type ExportOptions, type ExportResult } from '../../src/export/export-config.js';
import { slug } from '../../src/export/split-users.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/state/settings.js';
import type { TenantState, User } from '../../src/state/tenant-state.js';
import { currentUser, EXCHANGE_ADMIN, GA, state } from '../support/fixtures.js';

const OPTIONS: ExportOptions = {
  split: null,
  schemaRef: '../schemas/tenant.schema.json',
  toolVersion: '0.0.0-test',
  exportedAt: '2026-03-01T09:30:00.000Z',
};

const BILLING_ADMIN = 'b0f54661-2d74-4c50-afa3-1ec803f12efe';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-export-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
let runs = 0;

function only(result: ExportResult): string {
  expect(result.files.map((f) => f.path)).toEqual(['tenant.yaml']);
  return result.files[0]?.text ?? '';
}

/** The parsed document of a single-file export. */
function parsed(current: TenantState, options: Partial<ExportOptions> = {}): { defaults?: Record<string, unknown>; settings?: Record<string, unknown>; users: Record<string, unknown>[] } {
  return parse(only(exportConfig(current, null, { ...OPTIONS, ...options })));
}

/** Writes the files to a fresh directory and loads them as tenantctl does (without a catalog). */
function reload(result: ExportResult) {
  const dir = path.join(scratch, `run-${++runs}`);
  fs.mkdirSync(dir);
  for (const file of result.files) fs.writeFileSync(path.join(dir, file.path), file.text);
  return loadConfig([dir], { catalog: null, phase: 'validate', env: {} });
}

/**
 * What a configuration states about a user; directory bookkeeping and password
 * policy left out. An empty value reads as unset (null): a configuration cannot
 * say "empty", which the export warns about.
 */
const declared = (user: User) => ({
  userPrincipalName: user.userPrincipalName,
  accountEnabled: user.accountEnabled,
  attributes: Object.fromEntries(
    Object.entries(user.attributes).map(([name, value]) => [name, value === '' ? null : Array.isArray(value) ? value.filter((v) => v !== '') : value]),
  ),
  roles: user.roles,
  licenses: user.licenses,
});

/** Reloads without an error (a user with neither license nor role is only warned about) to the same users. */
function expectSameUsers(current: TenantState, result: ExportResult): void {
  const { config, diagnostics } = reload(result);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const active = [...current.users.entries()].filter(([, u]) => !u.directory?.deletedAt);
  expect([...(config?.state.users.keys() ?? [])].sort()).toEqual(active.map(([key]) => key).sort());
  for (const [key, user] of active) expect(declared(config!.state.users.get(key)!)).toEqual(declared(user));
}

const admin = currentUser('admin@contoso.com', { roles: [GA], attributes: { displayName: 'Tenant Admin' } });

/** Every kind of attribute, role and license, for the golden file. */
function sampleTenant(): TenantState {
  return state(
    currentUser('Megan.Bowen@contoso.com', {
      roles: [EXCHANGE_ADMIN, GA],
      licenses: [
        { sku: 'ENTERPRISEPACK', disabledPlans: [] },
        { sku: 'VISIOCLIENT', disabledPlans: ['VISIOONLINE'] },
      ],
      attributes: {
        displayName: 'Megan Bowen',
        givenName: 'Megan',
        surname: 'Bowen',
        mailNickname: 'megan',
        jobTitle: 'IT Director',
        department: 'IT',
        mobilePhone: '+31 6 1234 0001',
        businessPhones: ['+31 20 555 0101'],
        streetAddress: 'Herengracht 1',
        city: 'Amsterdam',
        state: 'Noord-Holland',
        postalCode: '1015 BA',
        country: 'Netherlands',
      },
    }),
    currentUser('zoe@contoso.onmicrosoft.com', {
      accountEnabled: false,
      roles: [BILLING_ADMIN],
      licenses: [{ sku: 'STANDARDPACK', disabledPlans: ['SWAY', 'YAMMER_ENTERPRISE'] }],
      attributes: {
        displayName: 'Zoë Ångström-Ñúñez',
        givenName: 'Zoë',
        surname: 'Ångström-Ñúñez',
        jobTitle: 'Head of "Quotes" & \'Apostrophes\'',
        department: 'R&D: #1',
        streetAddress: 'Rue de la Loi 16\nBâtiment B, 3e étage',
        city: 'Brussel',
        postalCode: '1000',
        country: 'Netherlands',
      },
    }),
    currentUser('gone@contoso.com', { roles: [GA] }, { deletedAt: '2026-02-01T00:00:00.000Z' }),
  );
}

describe('exportConfig: one file', () => {
  it('writes every attribute, role and license in the documented shape (golden file)', async () => {
    const result = exportConfig(sampleTenant(), null, OPTIONS);
    await expect(only(result)).toMatchFileSnapshot('./__snapshots__/sample.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.userCount).toBe(2);
  });

  it('starts with the schema modeline, then says who exported it, when and from where', () => {
    const lines = only(exportConfig(sampleTenant(), null, OPTIONS)).split('\n');
    expect(lines[0]).toBe('# yaml-language-server: $schema=../schemas/tenant.schema.json');
    expect(lines[1]).toBe('# Exported by tenantctl 0.0.0-test at 2026-03-01T09:30:00.000Z.');
  });

  it('reloads to exactly the users it was made from', () => {
    const tenant = sampleTenant();
    expectSameUsers(tenant, exportConfig(tenant, null, OPTIONS));
  });

  it('lists users by lower-cased UPN and keys in the order of the documented example', () => {
    const doc = parsed(sampleTenant());
    expect(Object.keys(doc)).toEqual(['defaults', 'settings', 'users']);
    expect(doc.users.map((u) => u.userPrincipalName)).toEqual(['Megan.Bowen@contoso.com', 'zoe@contoso.onmicrosoft.com']);
    expect(Object.keys(doc.users[0]!)).toEqual([
      'userPrincipalName', 'displayName', 'givenName', 'surname', 'mailNickname', 'jobTitle', 'department', 'mobilePhone',
      'businessPhones', 'streetAddress', 'city', 'state', 'postalCode', 'roles', 'licenses',
    ]);
    expect(Object.keys(doc.users[1]!)).toEqual([
      'userPrincipalName', 'displayName', 'givenName', 'surname', 'jobTitle', 'department', 'streetAddress', 'city',
      'postalCode', 'accountEnabled', 'roles', 'licenses',
    ]);
  });

  it('names roles as the admin center does, Global administrator first; licenses bare unless a plan is off', () => {
    const [megan, zoe] = parsed(sampleTenant()).users;
    expect(megan?.roles).toEqual(['Global administrator', 'Exchange administrator']);
    expect(megan?.licenses).toEqual(['ENTERPRISEPACK', { sku: 'VISIOCLIENT', disabledPlans: ['VISIOONLINE'] }]);
    expect(zoe?.licenses).toEqual([{ sku: 'STANDARDPACK', disabledPlans: ['SWAY', 'YAMMER_ENTERPRISE'] }]);
  });

  it('leaves out what normalises to the same value: the default mailNickname, accountEnabled true, unset and empty attributes', () => {
    const tenant = state(
      admin,
      currentUser('same@contoso.com', { attributes: { mailNickname: 'same', jobTitle: '', city: null } }),
      currentUser('Cased@contoso.com', { attributes: { mailNickname: 'cased' } }),
    );
    const [, cased, same] = parsed(tenant).users;
    expect(same).toEqual({ userPrincipalName: 'same@contoso.com', displayName: 'same' });
    expect(cased).toEqual({ userPrincipalName: 'Cased@contoso.com', displayName: 'Cased', mailNickname: 'cased' });
  });

  it('never writes a password or notify, even for a desired state that has them', () => {
    const user: User = {
      ...admin,
      password: { source: { kind: 'env', variable: 'SECRET' }, forceChangePasswordNextSignIn: false, resetToken: 'x' },
      notify: ['it@contoso.com'],
    };
    const text = only(exportConfig(state(user), null, OPTIONS));
    expect(text).not.toMatch(/^\s*(password|notify|fromEnv|reset):|SECRET|it@contoso/m);
  });

  it('leaves soft-deleted users out', () => {
    const text = only(exportConfig(sampleTenant(), null, OPTIONS));
    expect(text).not.toContain('gone@contoso.com');
  });

  it('sets minGlobalAdmins to 1 and leaves a commented adminEmail hint for users added later', () => {
    const text = only(exportConfig(sampleTenant(), null, OPTIONS));
    expect(parsed(sampleTenant()).settings).toEqual({ minGlobalAdmins: 1 });
    expect(text).toContain('settings:\n  minGlobalAdmins: 1\n  # Users added later need someone to receive their temporary password:\n');
    expect(text).toContain('  # adminEmail: it-desk@example.com\n');
  });
});

describe('exportConfig: defaults', () => {
  const located = (upn: string, attrs: Partial<User['attributes']>, rest: Partial<User> = {}) => currentUser(upn, { ...rest, attributes: attrs });

  it('moves a value every user shares to defaults and leaves it off each user', () => {
    const tenant = state(
      located('a@contoso.com', { country: 'Nederland', city: 'Amsterdam', businessPhones: ['+31 20 555 0100'] }, { roles: [GA] }),
      located('b@contoso.com', { country: 'Nederland', city: 'Utrecht', businessPhones: ['+31 20 555 0100'] }),
    );
    const doc = parsed(tenant);
    expect(doc.defaults).toEqual({ businessPhones: ['+31 20 555 0100'], country: 'Nederland', usageLocation: 'NL' });
    expect(doc.users.map((u) => [u.country, u.usageLocation, u.businessPhones, u.city])).toEqual([
      [undefined, undefined, undefined, 'Amsterdam'],
      [undefined, undefined, undefined, 'Utrecht'],
    ]);
    expectSameUsers(tenant, exportConfig(tenant, null, OPTIONS));
  });

  it('keeps a value on the users when one user lacks it (that user would inherit it) or has it empty', () => {
    const tenant = state(
      located('a@contoso.com', { country: 'Nederland', department: 'IT' }, { roles: [GA] }),
      located('b@contoso.com', { country: 'Nederland', department: '' }),
      located('c@contoso.com', { country: null, department: 'IT', usageLocation: null }),
    );
    const doc = parsed(tenant);
    expect(doc.defaults).toBeUndefined();
    expect(doc.users.map((u) => [u.country, u.department, u.usageLocation])).toEqual([
      ['Nederland', 'IT', 'NL'],
      ['Nederland', undefined, 'NL'],
      [undefined, 'IT', undefined],
    ]);
  });

  it('needs at least two users', () => {
    expect(parsed(state(admin)).defaults).toBeUndefined();
    expect(parsed(state(admin)).users[0]?.usageLocation).toBe('NL');
  });

  it('never moves licenses, roles or a blocked sign-in to defaults', () => {
    const licenses = [{ sku: 'STANDARDPACK', disabledPlans: [] }];
    const tenant = state(
      currentUser('a@contoso.com', { roles: [GA], licenses }),
      currentUser('b@contoso.com', { roles: [GA], licenses, accountEnabled: false }),
      currentUser('c@contoso.com', { roles: [GA], licenses, accountEnabled: false }),
    );
    expect(parsed(tenant).defaults).toEqual({ usageLocation: 'NL' });
  });
});

/** Strings YAML would read as something else, or that break its syntax, unless written with care. */
const TRICKY = [
  '"quotes"', "'single'", "it's", 'say "hi" and \'bye\'', 'key: value', 'key:value', '# not a comment', 'a # b', 'a#b',
  ' leading', 'trailing ', '  both  ', 'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'NO', 'True', 'true', 'false', 'null', 'Null',
  '~', '0123', '0', '-1', '1e3', '0x1F', '0o17', '.inf', '-.5', '.NaN', '1_000', '12:30', '2024-01-01', '+31 6 1234 5678',
  '- dash', '-', '? question', '[bracket', '{brace}', 'x]', '*star', '&anchor', '!bang', '!!str', '%percent', '@at', '`tick',
  '|', '>', ',comma', 'Zoë Ångström-Ñúñez', '日本語 テスト', 'emoji 🎉', 'tab\there', 'back\\slash', '\\n not a newline',
  'line one\nline two', 'trailing space  \nnext line', 'ends with a newline\n', '\nstarts with a newline', 'crlf\r\nline',
  'multi\n\n\nblank lines', ' indented\n  first line', 'ending\n\n', 'nbsp\u00a0here', 'zero\u200bwidth',
  'line\u2028separator', 'next\u0085line', 'bell\u0007', 'tab at end\t', `long ${'word '.repeat(23)}end`,
];

describe('exportConfig: values come back as exactly the same strings', () => {
  const tenant = state(
    admin,
    ...TRICKY.map((value, i) =>
      currentUser(`user${String(i).padStart(3, '0')}@contoso.com`, {
        attributes: {
          displayName: value.trim() === '' ? 'x' : value,
          jobTitle: value,
          department: value.slice(0, 64),
          streetAddress: value,
          mobilePhone: value.slice(0, 64),
          businessPhones: [value.slice(0, 64)],
          postalCode: value.slice(0, 40),
        },
      }),
    ),
  );
  const result = exportConfig(tenant, null, OPTIONS);
  const users = parse(only(result)).users as Record<string, unknown>[];

  it.each(TRICKY.map((value, i) => [JSON.stringify(value), value, i] as const))('%s', (_, value, i) => {
    const user = users[i + 1];
    expect(user?.jobTitle).toBe(value);
    expect(user?.streetAddress).toBe(value);
    expect(user?.businessPhones).toEqual([value.slice(0, 64)]);
  });

  it('and normalise to the same users through loadConfig', () => {
    expectSameUsers(tenant, result);
  });

  it('writes multi-line text as a literal block, unless a line ends in spaces', () => {
    const text = only(result);
    expect(text).toContain('    jobTitle: |-\n      line one\n      line two\n');
    expect(text).toContain('    jobTitle: "trailing space  \\nnext line"\n');
    expect(text).toMatch(/^ {4}jobTitle: long (word ){23}end$/m);
  });

  it('quotes what YAML 1.1 tools would read as booleans or numbers, too', () => {
    const text = only(result);
    for (const word of ['yes', 'no', 'on', 'off', 'y', 'n', '12:30', '0123']) expect(text).toContain(`    jobTitle: "${word}"\n`);
  });
});

describe('exportConfig: --split', () => {
  const departments = ['Sales', 'sales', 'R&D', 'R-D', 'Zoë’s Team', null, '', 'No department', '研究開発', '!!!'];
  const tenant = state(
    currentUser('admin@contoso.com', { roles: [GA], attributes: { country: 'NL', city: 'Delft' } }),
    ...departments.map((department, i) =>
      currentUser(`u${i}@${i % 2 === 0 ? 'contoso.com' : 'Contoso.onmicrosoft.com'}`, { attributes: { department, country: 'NL', city: 'Delft' } }),
    ),
  );

  it('slugs department names for file names', () => {
    expect(['Sales', 'Human Resources', 'R&D: #1', ' Zoë Ångström ', '研究開発', '!!!', 'a'.repeat(80)].map(slug)).toEqual([
      'sales', 'human-resources', 'r-d-1', 'zoe-angstrom', '研究開発', 'department', 'a'.repeat(60),
    ]);
  });

  it('leaves letters drawn as nothing out of a file name, and keeps it short in bytes (helper-77)', () => {
    expect(['IT\u3164', 'IT\u115fX', 'I\u200bT'].map(slug)).toEqual(['it', 'it-x', 'i-t']);
    const wide = slug(`${'\u{20000}'.repeat(60)}0001`);
    expect(Buffer.byteLength(wide)).toBeLessThanOrEqual(120);
    expect(wide).toBe('\u{20000}'.repeat(30));
    // 1,000 departments of one long prefix: every file name numbered, each within a file system's 255 bytes.
    const users = Array.from({ length: 1000 }, (_, i) =>
      currentUser(`u${i}@contoso.com`, { attributes: { displayName: `U ${i}`, department: `${'\u{20000}'.repeat(60)}${String(i).padStart(4, '0')}` } }),
    );
    const files = exportConfig(state(admin, ...users), null, { ...OPTIONS, split: 'department' }).files;
    expect(files).toHaveLength(1002); // tenant.yaml, the admin without a department, and 1,000
    for (const file of files) expect(Buffer.byteLength(file.path)).toBeLessThan(255);
  });

  it("a line separator in a department name starts no new line of the file's header comment", () => {
    const separators = ['Sales\u2028Ops', 'Sales\u2029Ops', 'Sales\u0085Ops'];
    const users = separators.map((department, i) => currentUser(`u${i}@contoso.com`, { attributes: { displayName: `U ${i}`, department } }));
    const files = exportConfig(state(admin, ...users), null, { ...OPTIONS, split: 'department' }).files.filter((f) => f.text.includes('Ops'));
    expect(files.map((f) => f.text.split('\n').find((line) => line.includes('department'))).sort()).toEqual([
      '# Users of the department "Sales\\u0085Ops".',
      '# Users of the department "Sales\\u2028Ops".',
      '# Users of the department "Sales\\u2029Ops".',
    ]);
    for (const file of files) {
      // Every line of the header is a comment, and none is an empty one left by a split.
      const header = file.text.slice(0, file.text.indexOf('\nusers:'));
      expect(header.split(/\r?\n|[\u0085\u2028\u2029]/u).filter((line) => line !== '' && !line.startsWith('# '))).toEqual([]);
      expect((parse(file.text) as { users: { department: string }[] }).users[0]?.department).toMatch(/^Sales[\u0085\u2028\u2029]Ops$/u);
    }
  });

  it('by department: tenant.yaml with defaults and settings, one users file per department, none shared', () => {
    const result = exportConfig(tenant, null, { ...OPTIONS, split: 'department' });
    expect(result.files.map((f) => f.path)).toEqual([
      'tenant.yaml',
      'users-department.yaml',
      'users-no-department-2.yaml',
      'users-no-department.yaml',
      'users-r-d-2.yaml',
      'users-r-d.yaml',
      'users-sales-2.yaml',
      'users-sales.yaml',
      'users-zoe-s-team.yaml',
      'users-研究開発.yaml',
    ]);
    const [head, ...rest] = result.files.map((f) => ({ path: f.path, doc: parse(f.text) as Record<string, unknown> }));
    expect(head?.doc).toEqual({ defaults: { city: 'Delft', country: 'NL', usageLocation: 'NL' }, settings: { minGlobalAdmins: 1 } });
    for (const file of rest) expect(Object.keys(file.doc)).toEqual(['users']);
    const noDepartment = rest.find((f) => f.path === 'users-no-department.yaml')?.doc.users as { userPrincipalName: string }[];
    expect(noDepartment.map((u) => u.userPrincipalName)).toEqual(['admin@contoso.com', 'u5@Contoso.onmicrosoft.com', 'u6@contoso.com']);
    expectSameUsers(tenant, result);
  });

  // helper-154: on macOS and Windows `users-σας.yaml` and `users-σασ.yaml` are one file; the second written replaced the first.
  it('by department: never two file names that a case-insensitive file system takes for one', () => {
    const lookalikes = state(
      admin,
      ...['ΣΑΣ', 'σασ', 'IT', 'ıt', 'Straße', 'STRASSE'].map((department, i) =>
        currentUser(`d${i}@contoso.com`, { attributes: { displayName: `D ${i}`, department } }),
      ),
    );
    const result = exportConfig(lookalikes, null, { ...OPTIONS, split: 'department' });
    const paths = result.files.map((f) => f.path);
    expect(new Set(paths.map((p) => p.toUpperCase())).size).toBe(paths.length);
    expect(paths).toEqual([
      'tenant.yaml',
      'users-it.yaml',
      'users-no-department.yaml',
      'users-strasse.yaml',
      'users-straße-2.yaml',
      'users-ıt-2.yaml',
      'users-σας.yaml',
      'users-σασ-2.yaml',
    ]);
    expectSameUsers(lookalikes, result);
  });

  it('by domain: one users file per UPN domain, lower-cased', () => {
    const result = exportConfig(tenant, null, { ...OPTIONS, split: 'domain' });
    expect(result.files.map((f) => f.path)).toEqual(['tenant.yaml', 'users-contoso.com.yaml', 'users-contoso.onmicrosoft.com.yaml']);
    expect(result.files[2]?.text.split('\n').slice(0, 3)).toEqual([
      '# yaml-language-server: $schema=../schemas/tenant.schema.json',
      '# Exported by tenantctl 0.0.0-test at 2026-03-01T09:30:00.000Z.',
      '# Users who sign in with @contoso.onmicrosoft.com.',
    ]);
    expectSameUsers(tenant, result);
  });
});

describe('exportConfig: warnings', () => {
  const codes = (result: ExportResult) => result.diagnostics.map((d) => `${d.severity} ${d.code}`);
  const catalog: Catalog = {
    domains: [
      { name: 'contoso.com', verified: true, isDefault: true },
      { name: 'fabrikam.com', verified: false, isDefault: false },
    ],
    subscriptions: [],
    roles: [],
  };

  it('warns, and still exports, when no enabled Global administrator is exported', () => {
    const result = exportConfig(state(currentUser('a@contoso.com'), currentUser('b@contoso.com', { roles: [GA], accountEnabled: false })), null, OPTIONS);
    expect(codes(result)).toEqual(['warning EXPORT_NO_GLOBAL_ADMIN']);
    expect(parse(only(result)).settings).toEqual({ minGlobalAdmins: 1 });
  });

  it('names a licensed user without usageLocation, and exports the user anyway', () => {
    const user = currentUser('lic@contoso.com', { licenses: [{ sku: 'STANDARDPACK', disabledPlans: [] }], attributes: { usageLocation: null } });
    const result = exportConfig(state(admin, user), null, OPTIONS);
    expect(codes(result)).toEqual(['warning EXPORT_USAGE_LOCATION_MISSING']);
    expect(result.diagnostics[0]?.message).toMatch(/^lic@contoso\.com has licenses but no usageLocation/);
    expect(only(result)).toContain('lic@contoso.com');
  });

  it('names a usageLocation that is not an ISO 3166 code', () => {
    const result = exportConfig(state(admin, currentUser('x@contoso.com', { attributes: { usageLocation: 'UK' } })), null, OPTIONS);
    expect(codes(result)).toEqual(['warning EXPORT_USAGE_LOCATION_INVALID']);
    expect(result.diagnostics[0]?.message).toMatch(/^x@contoso\.com: usageLocation "UK" is not an ISO 3166-1 alpha-2 country code/);
  });

  it('names users on unverified domains and empty values the configuration cannot state', () => {
    const result = exportConfig(
      state(admin, currentUser('x@fabrikam.com'), currentUser('y@contoso.com', { attributes: { city: '', businessPhones: [''] } })),
      catalog,
      OPTIONS,
    );
    expect(codes(result)).toEqual(['warning EXPORT_DOMAIN_NOT_VERIFIED', 'warning EXPORT_EMPTY_VALUE']);
    expect(result.diagnostics[1]?.message).toContain('y@contoso.com has an empty businessPhones, city');
    expect(parse(only(result)).users[2]).toEqual({ userPrincipalName: 'y@contoso.com', displayName: 'y' });
  });

  it('names an empty or blank display name, which validate then refuses', () => {
    const blank = ['', '   ', '\u200b', '\u3164'];
    const users = blank.map((displayName, i) => currentUser(`blank${i}@contoso.com`, { attributes: { displayName } }));
    const result = exportConfig(state(admin, ...users), null, OPTIONS);
    expect(codes(result)).toEqual(blank.map(() => 'warning EXPORT_DISPLAY_NAME_BLANK'));
    expect(result.diagnostics[0]?.message).toMatch(/^blank0@contoso\.com has an empty displayName in the database; validate will reject the user until/);
    expect(result.diagnostics[1]?.message).toMatch(/^blank1@contoso\.com has a blank \(only spaces or invisible characters\) displayName/);
    const refused = reload(result).diagnostics.filter((d) => d.severity === 'error');
    expect(refused.map((d) => d.code)).toEqual(['SCHEMA_LENGTH', 'SCHEMA_FORMAT', 'SCHEMA_FORMAT', 'SCHEMA_FORMAT']);
  });

  it('names a mailNickname and a business phone the database holds and validate refuses (helper-119)', () => {
    const users = [
      currentUser('nick@contoso.com', { attributes: { mailNickname: 'a\nb' } }),
      currentUser('dots@contoso.com', { attributes: { mailNickname: 'a..b' } }),
      currentUser('phone@contoso.com', { attributes: { businessPhones: ['9'.repeat(65)] } }),
      currentUser('fine@contoso.com', { attributes: { mailNickname: "o'neil.{x}", businessPhones: ['9'.repeat(64)] } }),
    ];
    const result = exportConfig(state(admin, ...users), null, OPTIONS);
    expect(codes(result)).toEqual(['warning EXPORT_MAIL_NICKNAME_INVALID', 'warning EXPORT_MAIL_NICKNAME_INVALID', 'warning EXPORT_PHONE_TOO_LONG']);
    expect(result.diagnostics[1]?.message).toMatch(/^nick@contoso\.com has mailNickname "a\\nb" in the database, which is not a mail alias Exchange accepts \(letters.*; no configuration can keep it: validate will reject/);
    const refused = reload(result).diagnostics.filter((d) => d.severity === 'error');
    expect(refused.map((d) => d.code)).toEqual(['SCHEMA_FORMAT', 'SCHEMA_FORMAT', 'SCHEMA_LENGTH']);
  });

  it('leaves out an empty passwordPolicies as it says, and names another value the database holds with its CHECK dropped (helper-125)', () => {
    const policy = (upn: string, passwordPolicies: string) => currentUser(upn, { attributes: { passwordPolicies } as never });
    const users = [policy('empty@contoso.com', ''), policy('weak@contoso.com', 'DisablePasswordExpiration, DisableStrongPassword'), policy('never@contoso.com', 'DisablePasswordExpiration')];
    const result = exportConfig(state(admin, ...users), null, OPTIONS);
    expect(codes(result)).toEqual(['warning EXPORT_EMPTY_VALUE', 'warning EXPORT_PASSWORD_POLICIES_INVALID']);
    expect(result.diagnostics[0]?.message).toMatch(/^empty@contoso\.com has an empty passwordPolicies in the database; .* it was left out/);
    expect(result.diagnostics[1]?.message).toMatch(
      /^weak@contoso\.com has passwordPolicies "DisablePasswordExpiration, DisableStrongPassword" in the database, which no configuration can keep .*validate will reject the user until/,
    );
    const exported = parse(only(result)).users as Record<string, unknown>[];
    expect(exported.map((u) => u['passwordPolicies'])).toEqual([undefined, undefined, 'DisablePasswordExpiration', 'DisablePasswordExpiration, DisableStrongPassword']);
    expect(reload(result).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['STRONG_PASSWORD_REQUIRED']);
  });

  it('names recorded settings validate will refuse, as an apply row written by hand may hold them (helper-119)', () => {
    const forged = { ...DEFAULT_SETTINGS, adminEmail: 'a@b.c\nusers: []', maxDeletions: 'lots', maxSeats: { STANDARDPACK: -5 } } as unknown as Settings;
    const result = exportConfig(state(admin), null, { ...OPTIONS, settings: forged });
    expect(codes(result)).toEqual(['warning EXPORT_SETTINGS_INVALID']);
    expect(result.diagnostics[0]?.message).toMatch(/^the settings the latest apply recorded hold values validate will refuse \(settings\.adminEmail, settings\.maxDeletions and settings\.maxSeats\), written as recorded/);
    expect(reload(result).diagnostics.filter((d) => d.severity === 'error')).toHaveLength(3);
    expect(codes(exportConfig(state(admin), null, { ...OPTIONS, settings: { ...DEFAULT_SETTINGS, adminEmail: 'it-desk@contoso.com' } }))).toEqual([]);
  });

  // helper-120: a user created as joep..devries@ before validate judged the default nickname exported to a file validate refused, unwarned.
  it('names a stored mailNickname that is no mail alias, which no configuration can keep', () => {
    const users = [
      currentUser('joep..devries@contoso.com'),
      currentUser('ann@contoso.com', { attributes: { mailNickname: '.ann..b.' } }),
      currentUser('ok.name@contoso.com'),
    ];
    const result = exportConfig(state(admin, ...users), null, OPTIONS);
    expect(codes(result)).toEqual(['warning EXPORT_MAIL_NICKNAME_INVALID', 'warning EXPORT_MAIL_NICKNAME_INVALID']);
    // By UPN, as the users are exported.
    expect(result.diagnostics[1]?.message).toMatch(
      /^joep\.\.devries@contoso\.com has mailNickname "joep\.\.devries" in the database, .*declare another mailNickname \(e\.g\. mailNickname: joep\.devries\)/,
    );
    expect(result.diagnostics[0]?.message).toContain('(e.g. mailNickname: ann.b)');
    const refused = reload(result).diagnostics.filter((d) => d.severity === 'error');
    expect(refused.map((d) => d.code)).toEqual(['SCHEMA_FORMAT', 'SCHEMA_FORMAT']);
  });

  it('lists at most 1,000 warnings, the tenant-wide one first, and counts the rest', () => {
    const users = Array.from({ length: 1_200 }, (_, i) => currentUser(`u${i}@contoso.com`, { licenses: [{ sku: 'STANDARDPACK', disabledPlans: [] }], attributes: { usageLocation: null } }));
    const result = exportConfig(state(...users), null, OPTIONS);
    expect(result.diagnostics).toHaveLength(1_001);
    expect(result.diagnostics[0]?.code).toBe('EXPORT_NO_GLOBAL_ADMIN');
    expect(result.diagnostics.at(-1)).toMatchObject({ code: 'DIAGNOSTICS_LIMIT', severity: 'warning', omitted: { errors: 0, warnings: 201 } });
  });

  it('names licences validate will refuse by the catalog\'s plan facts, and validate refuses exactly those', () => {
    const e3 = {
      sku: 'ENTERPRISEPACK',
      productName: 'Office 365 E3',
      seats: 10,
      consumed: 3,
      unitPrice: 20,
      currency: 'EUR',
      purchasable: true,
      servicePlans: ['EXCHANGE_S_ENTERPRISE', 'TEAMS1', 'YAMMER_ENTERPRISE', 'SWAY'],
      planDependencies: { TEAMS1: ['EXCHANGE_S_ENTERPRISE'] },
      unavailableIn: { YAMMER_ENTERPRISE: ['CN'] },
    };
    const withFacts: Catalog = { ...catalog, subscriptions: [e3] };
    const licence = (disabledPlans: string[]) => ({ licenses: [{ sku: 'ENTERPRISEPACK', disabledPlans }] });
    const result = exportConfig(
      state(
        admin,
        currentUser('dep@contoso.com', { ...licence(['EXCHANGE_S_ENTERPRISE']), attributes: { usageLocation: 'NL' } }),
        currentUser('cn@contoso.com', { ...licence([]), attributes: { usageLocation: 'CN' } }),
        currentUser('fine@contoso.com', { ...licence(['EXCHANGE_S_ENTERPRISE', 'TEAMS1', 'YAMMER_ENTERPRISE']), attributes: { usageLocation: 'CN' } }),
      ),
      withFacts,
      OPTIONS,
    );
    // In the order of the exported users (by UPN).
    expect(codes(result)).toEqual(['warning EXPORT_LICENSE_LOCATION', 'warning EXPORT_LICENSE_DEPENDENCY']);
    expect(result.diagnostics[1]?.message).toMatch(/^ENTERPRISEPACK of dep@contoso\.com: service plan TEAMS1 is on but needs EXCHANGE_S_ENTERPRISE, .*; validate will reject the exported licence until it is corrected$/);
    expect(result.diagnostics[0]?.message).toBe(
      'cn@contoso.com has usageLocation CN, where YAMMER_ENTERPRISE of ENTERPRISEPACK is not offered; validate will reject the exported licence until it is added to its disabledPlans',
    );
    const dir = path.join(scratch, `run-${++runs}`);
    fs.mkdirSync(dir);
    for (const file of result.files) fs.writeFileSync(path.join(dir, file.path), file.text);
    const loaded = loadConfig([dir], { catalog: withFacts, phase: 'validate', env: {} });
    const refused = loaded.diagnostics.filter((d) => d.code.startsWith('LICENSE_')).map((d) => `${d.code} ${d.message.slice(0, 40)}`);
    expect(refused.sort()).toEqual([expect.stringMatching(/^LICENSE_DEPENDENCY ENTERPRISEPACK of dep@contoso\.com/), expect.stringMatching(/^LICENSE_LOCATION cn@contoso\.com/)]);
  });
});
