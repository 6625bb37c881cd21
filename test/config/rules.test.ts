import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type LoadConfigResult } from '../../src/config/load-config.js';
import { countDiagnostics, formatDiagnostic, type Diagnostic } from '../../src/diagnostics/diagnostic.js';
import type { TenantState } from '../../src/state/tenant-state.js';
import { currentUser, state } from '../support/fixtures.js';
import { contosoCatalog } from './expectations.js';

const catalog = contosoCatalog();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-rules-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
let runs = 0;

/** A Global administrator with a license, so that a case shows only its own problem. */
const ADMIN = `  - userPrincipalName: admin@contoso.com
    displayName: Admin
    usageLocation: NL
    roles: [Global administrator]
    licenses: [ENTERPRISEPACK]
`;

interface Run {
  /** File name → content; one file is `tenant.yaml`. */
  readonly files: Readonly<Record<string, string>> | string;
  readonly withCatalog?: boolean;
  readonly env?: Record<string, string>;
  readonly phase?: 'validate' | 'plan';
  /** The directory as validate with a database reads it; none by default. */
  readonly current?: TenantState;
}

const NOW = new Date('2026-12-01T12:00:00.000Z');

/** Writes the files to a fresh directory and loads it as `validate -c DIR` does. */
function run({ files, withCatalog = true, env = {}, phase = 'validate', current }: Run): LoadConfigResult & { dir: string } {
  const dir = path.join(scratch, `case-${++runs}`);
  fs.mkdirSync(dir);
  for (const [name, text] of Object.entries(typeof files === 'string' ? { 'tenant.yaml': files } : files)) fs.writeFileSync(path.join(dir, name), text);
  return { ...loadConfig([dir], { catalog: withCatalog ? catalog : null, env, phase, current: current ?? null, now: NOW }), dir };
}

/** `CODE@file:line:column` (warnings marked), file relative to the case's directory. */
function where(d: Diagnostic, dir: string): string {
  const file = d.location ? path.relative(dir, d.location.file) : '-';
  return `${d.code}${d.severity === 'warning' ? '(warning)' : ''}@${file}:${d.location?.line ?? '-'}:${d.location?.column ?? '-'}`;
}

interface Case {
  readonly name: string;
  readonly files: Readonly<Record<string, string>> | string;
  /** `CODE@file:line:column` of every diagnostic, in order. */
  readonly expected: readonly string[];
  /** A part of the first diagnostic's message. */
  readonly message?: RegExp;
  readonly withCatalog?: boolean;
  readonly env?: Record<string, string>;
  readonly phase?: 'validate' | 'plan';
  readonly current?: TenantState;
}

function check(cases: readonly Case[]): void {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const result = run(c);
    expect(result.diagnostics.map((d) => where(d, result.dir))).toEqual(c.expected);
    if (c.message) expect(result.diagnostics[0]?.message).toMatch(c.message);
    expect(result.config === null).toBe(result.diagnostics.some((d) => d.severity === 'error'));
  });
}

const user = (fields: string, upn = 'joep@contoso.com'): string =>
  `users:\n${ADMIN}  - userPrincipalName: ${upn}\n    displayName: Joep\n${fields
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => `    ${line}\n`)
    .join('')}`;

describe('UPN rules', () => {
  check([
    { name: 'a well-formed UPN of a verified domain, in any case', files: user('roles: [Billing administrator]', 'Joep.de-Vries_1@CONTOSO.COM'), expected: [] },
    { name: 'no @', files: user('roles: [Billing administrator]', 'joep.contoso.com'), expected: ['UPN_INVALID@tenant.yaml:7:24'], message: /exactly one "@"/ },
    { name: 'two @', files: user('roles: [Billing administrator]', 'joep@x@contoso.com'), expected: ['UPN_INVALID@tenant.yaml:7:24'], message: /exactly one "@"/ },
    { name: 'a local part over 64', files: user('roles: [Billing administrator]', `${'j'.repeat(65)}@contoso.com`), expected: ['UPN_INVALID@tenant.yaml:7:24'], message: /1 to 64 characters \(it is 65\)/ },
    { name: 'a domain over 48', files: user('roles: [Billing administrator]', `joep@${'d'.repeat(45)}.com`), expected: ['UPN_INVALID@tenant.yaml:7:24'], message: /domain must be 1 to 48 characters \(it is 49\)/ },
    { name: 'a character outside the allowed set', files: user('roles: [Billing administrator]', 'jöep@contoso.com'), expected: ['UPN_INVALID@tenant.yaml:7:24'], message: /may only contain A-Z a-z 0-9/ },
    {
      name: 'a Cyrillic look-alike letter, named by code point (the quoted UPN looks valid)',
      files: user('roles: [Billing administrator]', 'megаn.bowen@contoso.com'),
      expected: ['UPN_INVALID@tenant.yaml:7:24'],
      message: /may only contain A-Z a-z 0-9 ' \. - _ ! # \^ ~; it holds "а" \(U\+0430\)$/,
    },
    { name: 'a zero-width space in the domain', files: user('roles: [Billing administrator]', 'joep@conto\u200bso.com'), expected: ['UPN_INVALID@tenant.yaml:7:24'], message: /single dots \(e\.g\. contoso\.com\); it holds "\u200b" \(U\+200B\)$/ },
    { name: 'a "." right before the "@"', files: user('roles: [Billing administrator]', 'joep.@contoso.com'), expected: ['UPN_INVALID@tenant.yaml:7:24'], message: /"\." right before the "@"/ },
    { name: 'a "." first', files: user('roles: [Billing administrator]', '.joep@contoso.com'), expected: ['UPN_INVALID@tenant.yaml:7:24'], message: /must not start with "\."/ },
    { name: 'a domain with an empty name', files: user('roles: [Billing administrator]', 'joep@contoso..com'), expected: ['UPN_INVALID@tenant.yaml:7:24'], message: /single dots/ },
    // helper-117: the default mailNickname is the local part, which must then be an alias the schema accepts.
    {
      name: 'two dots in a row before the "@", with mailNickname left to its default',
      files: user('roles: [Billing administrator]', 'joep..devries@contoso.com'),
      expected: ['SCHEMA_FORMAT@tenant.yaml:7:24'],
      message: /^the mailNickname of joep\.\.devries@contoso\.com defaults to "joep\.\.devries", .*declare mailNickname \(e\.g\. joep\.devries\)/,
    },
    { name: 'two dots in a row before the "@", with a mailNickname declared', files: user('mailNickname: joep.devries\nroles: [Billing administrator]', 'joep..devries@contoso.com'), expected: [] },
    {
      name: 'a domain that is not the tenant’s, with the closest suggested',
      files: user('roles: [Billing administrator]', 'joep@contoso.co'),
      expected: ['UPN_UNKNOWN_DOMAIN@tenant.yaml:7:24'],
      message: /domain "contoso\.co" of joep@contoso\.co is not a verified domain of the tenant \(did you mean contoso\.com\?\)/,
    },
    { name: 'a domain of the tenant that is not verified yet', files: user('roles: [Billing administrator]', 'joep@fabrikam.com'), expected: ['UPN_UNKNOWN_DOMAIN@tenant.yaml:7:24'], message: /is not verified yet/ },
    { name: 'without the catalog the domain is not checked', files: user('roles: [Billing administrator]', 'joep@contoso.co'), withCatalog: false, expected: [] },
    {
      name: 'a UPN declared twice in one file, ignoring case',
      files: user('roles: [Billing administrator]', 'ADMIN@contoso.com'),
      expected: ['UPN_DUPLICATE@tenant.yaml:7:24'],
      message: /ADMIN@contoso\.com is declared twice \(it was declared before as admin@contoso\.com; UPNs ignore case\)/,
    },
    {
      name: 'a UPN declared in two files',
      files: { 'a.yaml': `users:\n${ADMIN}`, 'b.yaml': `users:\n${ADMIN}` },
      expected: ['UPN_DUPLICATE@b.yaml:2:24'],
    },
    {
      name: 'a user repeated through an alias: named at the alias, not at the anchored UPN both share',
      files: `users:\n${ADMIN}  - &joep\n    userPrincipalName: joep@contoso.com\n    displayName: Joep\n    roles: [Billing administrator]\n  - *joep\n`,
      expected: ['UPN_DUPLICATE@tenant.yaml:11:5'],
      message: /^joep@contoso\.com is declared twice: this entry is an alias of the user declared before, so it declares that user again; remove the alias$/,
    },
  ]);

  it('names both places of a duplicate, each with line and column', () => {
    const result = run({ files: { 'a.yaml': `users:\n${ADMIN}`, 'b.yaml': `# b\nusers:\n${ADMIN}` } });
    const [duplicate] = result.diagnostics;
    expect(duplicate?.related).toMatchObject({ file: path.join(result.dir, 'a.yaml'), line: 2, column: 24 });
    expect(formatDiagnostic(duplicate!)).toBe(
      `${result.dir}/b.yaml:3:24: UPN_DUPLICATE: admin@contoso.com is declared twice (it was declared before; UPNs ignore case); keep one of the two declarations (see also ${result.dir}/a.yaml:2:24)`,
    );
  });
});

describe('usageLocation', () => {
  check([
    { name: 'a license without usageLocation', files: user('licenses: [STANDARDPACK]'), expected: ['USAGE_LOCATION_REQUIRED@tenant.yaml:9:15'], message: /joep@contoso\.com has licenses but no usageLocation/ },
    { name: 'usageLocation from defaults counts', files: `defaults:\n  usageLocation: NL\n${user('licenses: [STANDARDPACK]')}`, expected: [] },
    {
      name: 'licenses from defaults without usageLocation point at the user',
      files: `defaults:\n  licenses: [STANDARDPACK]\nusers:\n${ADMIN.replace('    licenses: [ENTERPRISEPACK]\n', '')}  - userPrincipalName: joep@contoso.com\n    displayName: Joep\n`,
      expected: ['USAGE_LOCATION_REQUIRED@tenant.yaml:8:5'],
      message: /^joep@contoso\.com has licenses \(from defaults\) but no usageLocation/,
    },
    { name: 'lower case is accepted', files: user('usageLocation: be\nlicenses: [STANDARDPACK]'), expected: [] },
    { name: 'UK is GB', files: user('usageLocation: UK\nlicenses: [STANDARDPACK]'), expected: ['USAGE_LOCATION_INVALID@tenant.yaml:9:20'], message: /did you mean GB \(United Kingdom\)\?/ },
    { name: 'a country name is not a code', files: user('usageLocation: Belgium\nlicenses: [STANDARDPACK]'), expected: ['USAGE_LOCATION_INVALID@tenant.yaml:9:20'], message: /did you mean BE \(Belgium\)\?/ },
    { name: 'a code ISO 3166-1 does not assign', files: user('usageLocation: XK\nlicenses: [STANDARDPACK]'), expected: ['USAGE_LOCATION_INVALID@tenant.yaml:9:20'], message: /"XK" is not an ISO 3166-1 alpha-2 country code; use/ },
    {
      name: 'an invalid default is reported once, at defaults',
      files: `defaults:\n  usageLocation: EU\n${user('licenses: [STANDARDPACK]')}${user('licenses: [STANDARDPACK]', 'anna@contoso.com').replace(/^users:\n[\s\S]*?(?=  - userPrincipalName: anna)/, '')}`,
      expected: ['USAGE_LOCATION_INVALID@tenant.yaml:2:18'],
    },
  ]);
});

describe('licenses', () => {
  check([
    { name: 'part numbers in any case', files: user('usageLocation: NL\nlicenses: [enterprisepack, {sku: visioclient, disabledPlans: [visioonline]}]'), expected: [] },
    { name: 'an unknown part number, the closest suggested', files: user('usageLocation: NL\nlicenses: [STANDARDPAK]'), expected: ['LICENSE_UNKNOWN_SKU@tenant.yaml:10:16'], message: /unknown subscription STANDARDPAK \(did you mean STANDARDPACK, Office 365 Enterprise E1\?\)/ },
    { name: 'a product name instead of a part number', files: user('usageLocation: NL\nlicenses: [Office 365 Enterprise E3]'), expected: ['LICENSE_UNKNOWN_SKU@tenant.yaml:10:16'], message: /did you mean ENTERPRISEPACK, Office 365 Enterprise E3\?/ },
    { name: 'a short product name', files: user('usageLocation: NL\nlicenses: [E5]'), expected: ['LICENSE_UNKNOWN_SKU@tenant.yaml:10:16'], message: /did you mean ENTERPRISEPREMIUM/ },
    { name: 'without the catalog part numbers are not checked', files: user('usageLocation: NL\nlicenses: [STANDARDPAK]'), withCatalog: false, expected: [] },
    // A cap on a mistyped part number caps nothing: the plan would buy what it was meant to stop.
    {
      name: 'an unknown part number in settings.maxSeats or spareSeats',
      files: `settings:\n  maxSeats:\n    VISIOCLENT: 1\n  spareSeats:\n    ENTERPRISEPACK: 1\n    STANDARDPAK: 2\n${user('roles: [Billing administrator]')}`,
      expected: ['LICENSE_UNKNOWN_SKU@tenant.yaml:3:17', 'LICENSE_UNKNOWN_SKU@tenant.yaml:6:18'],
      message: /^settings\.maxSeats names unknown subscription VISIOCLENT \(did you mean VISIOCLIENT, [^)]*\?\), so it would hold nothing back; the tenant has: /,
    },
    { name: 'settings part numbers without the catalog are not checked', files: `settings:\n  maxSeats:\n    VISIOCLENT: 1\n${user('roles: [Billing administrator]')}`, withCatalog: false, expected: [] },
    {
      name: 'an unknown plan, the closest of the subscription suggested',
      files: user('usageLocation: NL\nlicenses: [{sku: ENTERPRISEPACK, disabledPlans: [SWAY, SHAREPOINTWA]}]'),
      expected: ['LICENSE_UNKNOWN_PLAN@tenant.yaml:10:60'],
      message: /unknown service plan SHAREPOINTWA \(did you mean SHAREPOINTWAC\?\)/,
    },
    {
      name: 'an unknown plan in licences three users share through an alias: said once, where it is written, with how many use it',
      files: `users:\n${ADMIN}${['a', 'b', 'c']
        .map((u, i) => `  - userPrincipalName: ${u}@contoso.com\n    displayName: ${u}\n    usageLocation: NL\n    licenses: ${i === 0 ? '&team [{sku: ENTERPRISEPACK, disabledPlans: [SHAREPOINTWA]}]' : '*team'}\n`)
        .join('')}`,
      expected: ['LICENSE_UNKNOWN_PLAN@tenant.yaml:10:60'],
      message: /^unknown service plan SHAREPOINTWA \(did you mean SHAREPOINTWAC\?\).* \(found 3 times here: the value is reached through aliases\)$/,
    },
    {
      name: 'a plan of another subscription',
      files: user('usageLocation: NL\nlicenses: [{sku: STANDARDPACK, disabledPlans: [OFFICESUBSCRIPTION]}]'),
      expected: ['LICENSE_PLAN_NOT_IN_SKU@tenant.yaml:10:52'],
      message: /OFFICESUBSCRIPTION is not part of STANDARDPACK \(it belongs to ENTERPRISEPACK\)/,
    },
    { name: 'a subscription listed twice, even without the catalog', files: user('usageLocation: NL\nlicenses: [VISIOCLIENT, visioclient]'), withCatalog: false, expected: ['LICENSE_DUPLICATE@tenant.yaml:10:29'] },
    {
      name: 'E1 and E3 conflict',
      files: user('usageLocation: NL\nlicenses: [ENTERPRISEPACK, STANDARDPACK]'),
      expected: ['LICENSE_CONFLICT@tenant.yaml:10:32'],
      message:
        /^ENTERPRISEPACK and STANDARDPACK conflict: Entra refuses them on one user \(MutuallyExclusiveViolation\), as both would give Exchange Online \(EXCHANGE_S_ENTERPRISE in ENTERPRISEPACK, EXCHANGE_S_STANDARD in STANDARDPACK\) and SharePoint Online \(SHAREPOINTENTERPRISE in ENTERPRISEPACK, SHAREPOINTSTANDARD in STANDARDPACK\); assign only one of them to joep@contoso\.com, or switch EXCHANGE_S_STANDARD and SHAREPOINTSTANDARD off in STANDARDPACK's disabledPlans with SHAREPOINTWAC and SWAY, which need them$/,
    },
    // helper-66: the advice, followed, must not lead to LICENSE_DEPENDENCY.
    {
      name: 'E1 and E3 kept both as the advice says: nothing more to fix',
      files: user('usageLocation: NL\nlicenses: [ENTERPRISEPACK, {sku: STANDARDPACK, disabledPlans: [EXCHANGE_S_STANDARD, SHAREPOINTSTANDARD, SHAREPOINTWAC, SWAY]}]'),
      expected: [],
    },
    {
      name: 'without the catalog the advice cannot name what needs the plans',
      files: user('usageLocation: NL\nlicenses: [ENTERPRISEPACK, STANDARDPACK]'),
      withCatalog: false,
      expected: ['LICENSE_CONFLICT@tenant.yaml:10:32'],
      message: /or switch EXCHANGE_S_ENTERPRISE and SHAREPOINTENTERPRISE off in ENTERPRISEPACK's disabledPlans with any plan that needs them$/,
    },
    { name: 'E1 and E3 conflict without the catalog too', files: user('usageLocation: NL\nlicenses: [ENTERPRISEPACK, STANDARDPACK]'), withCatalog: false, expected: ['LICENSE_CONFLICT@tenant.yaml:10:32'] },
    // The same clash of plans: E5 holds E3's, the Business suites E1's (DOMAIN.md).
    { name: 'E1 and E5 conflict', files: user('usageLocation: NL\nlicenses: [STANDARDPACK, ENTERPRISEPREMIUM]'), expected: ['LICENSE_CONFLICT@tenant.yaml:10:30'], message: /^STANDARDPACK and ENTERPRISEPREMIUM conflict/ },
    { name: 'Business Premium and E3 conflict', files: user('usageLocation: NL\nlicenses: [O365_BUSINESS_PREMIUM, VISIOCLIENT, ENTERPRISEPACK]'), expected: ['LICENSE_CONFLICT@tenant.yaml:10:52'] },
    {
      name: 'Business Essentials and E5 conflict without the catalog too',
      files: user('usageLocation: NL\nlicenses: [O365_BUSINESS_ESSENTIALS, ENTERPRISEPREMIUM]'),
      withCatalog: false,
      expected: ['LICENSE_CONFLICT@tenant.yaml:10:42'],
    },
    {
      name: 'only in the plans that clash',
      files: user('usageLocation: NL\nlicenses: [STANDARDPACK, {sku: ENTERPRISEPACK, disabledPlans: [EXCHANGE_S_ENTERPRISE]}]'),
      expected: ['LICENSE_CONFLICT@tenant.yaml:10:30'],
      message: /as both would give SharePoint Online \(SHAREPOINTSTANDARD in STANDARDPACK, SHAREPOINTENTERPRISE in ENTERPRISEPACK\);/,
    },
    {
      name: 'E1 and E3 with one of each pair switched off do not conflict',
      files: user('usageLocation: NL\nlicenses: [STANDARDPACK, {sku: ENTERPRISEPACK, disabledPlans: [exchange_s_enterprise, SHAREPOINTENTERPRISE, SHAREPOINTWAC, SWAY]}]'),
      expected: [],
    },
    { name: 'E3 and E5 do not', files: user('usageLocation: NL\nlicenses: [ENTERPRISEPACK, ENTERPRISEPREMIUM]'), expected: [] },
    { name: 'E1 and Business Premium do not', files: user('usageLocation: NL\nlicenses: [STANDARDPACK, O365_BUSINESS_PREMIUM]'), expected: [] },
    {
      name: 'a mistake in default licenses is reported once, at defaults',
      files: `defaults:\n  usageLocation: NL\n  licenses: [STANDARDPACK, STANDARDPACK]\n${user('')}${'  - userPrincipalName: anna@contoso.com\n    displayName: Anna\n'}`,
      expected: ['LICENSE_DUPLICATE@tenant.yaml:3:28'],
    },
  ]);
});

describe('roles and the lockout guard', () => {
  check([
    { name: 'names in any case, directory names and template ids', files: user('roles: [global ADMINISTRATOR, User Account Administrator, b0f54661-2d74-4c50-afa3-1ec803f12efe]'), expected: [] },
    {
      name: 'one role twice, by its name and its directory name: at the second',
      files: user('roles: [Global administrator, Company Administrator]'),
      expected: ['ROLE_DUPLICATE@tenant.yaml:9:35'],
      message: /^Global administrator is listed twice for joep@contoso\.com \("Global administrator" and "Company Administrator" are the same role\); list each role once$/,
    },
    { name: 'one role twice, written the same', files: user('roles: [Exchange administrator, Exchange administrator]'), expected: ['ROLE_DUPLICATE@tenant.yaml:9:37'], message: /^Exchange administrator is listed twice for joep@contoso\.com; list each role once$/ },
    { name: 'an abbreviated role', files: user('roles: [User admin]'), expected: ['ROLE_UNKNOWN@tenant.yaml:9:13'], message: /"User admin" \(did you mean User management administrator\?\)/ },
    // helper-78: by its directory name, named as the admin center names it.
    { name: 'a role abbreviated by its directory name', files: user('roles: [Helpdesk admin]'), expected: ['ROLE_UNKNOWN@tenant.yaml:9:13'], message: /"Helpdesk admin" \(did you mean Password administrator\?\)/ },
    { name: 'an unknown role, the closest suggested', files: user('roles: [Billing adminstrator]'), expected: ['ROLE_UNKNOWN@tenant.yaml:9:13'], message: /unknown admin role "Billing adminstrator" \(did you mean Billing administrator\?\)/ },
    {
      name: 'no Global administrator: at the first user',
      files: 'users:\n  - userPrincipalName: joep@contoso.com\n    displayName: Joep\n    roles: [Billing administrator]\n',
      expected: ['GLOBAL_ADMIN_MINIMUM@tenant.yaml:2:5'],
      // minGlobalAdmins cannot go below 1, so lowering it is not offered.
      message: /^this configuration declares 0 enabled Global administrators, fewer than settings\.minGlobalAdmins \(1\).*Only users declared in this configuration are counted: give 1 more enabled user roles: \[Global administrator\]$/,
    },
    {
      name: 'a blocked Global administrator does not count: at settings.minGlobalAdmins',
      files: `settings:\n  minGlobalAdmins: 2\n${user('accountEnabled: false\nroles: [Global administrator]')}`,
      expected: ['GLOBAL_ADMIN_MINIMUM@tenant.yaml:2:20'],
      message: /declares 1 enabled Global administrator \(1 more is declared with accountEnabled: false\), fewer than settings\.minGlobalAdmins \(2\)/,
    },
    {
      name: 'maxGlobalAdmins below minGlobalAdmins: at maxGlobalAdmins',
      files: `settings:\n  minGlobalAdmins: 2\n  maxGlobalAdmins: 1\n${user('roles: [Global administrator]')}`,
      expected: ['GLOBAL_ADMIN_LIMITS@tenant.yaml:3:20'],
      message: /^settings\.maxGlobalAdmins is 1 \(4 when not set\), below settings\.minGlobalAdmins \(2\): .*set maxGlobalAdmins to 2 or more, or lower minGlobalAdmins$/,
    },
    {
      name: 'minGlobalAdmins above the default maximum (4), maxGlobalAdmins not set',
      files: `settings:\n  minGlobalAdmins: 5\n${user('roles: [Global administrator]')}`,
      expected: ['GLOBAL_ADMIN_LIMITS@tenant.yaml:1:1', 'GLOBAL_ADMIN_MINIMUM@tenant.yaml:2:20'],
    },
    { name: 'maxGlobalAdmins equal to minGlobalAdmins is fine', files: `settings:\n  minGlobalAdmins: 1\n  maxGlobalAdmins: 1\n${user('roles: [Global administrator]')}`, expected: [] },
    {
      name: 'not judged when a file could not be read (the admins may be in it)',
      files: { 'a.yaml': 'users:\n  - userPrincipalName: joep@contoso.com\n    displayName: Joep\n    roles: [Billing administrator]\n', 'b.yaml': 'users: [\n' },
      expected: ['YAML_SYNTAX@b.yaml:2:1'],
    },
    {
      name: 'not judged when a user could not be read',
      files: 'users:\n  - userPrincipalName: joep@contoso.com\n    displayName: Joep\n    roles: Global administrator\n',
      expected: ['SCHEMA_TYPE@tenant.yaml:4:12'],
    },
  ]);
});

describe('notify', () => {
  check([
    { name: 'a list, or one string separated by semicolons', files: user('roles: [Billing administrator]\nnotify: "it@contoso.com;  boss@example.org ;"'), expected: [] },
    {
      name: 'six addresses in a list: at the sixth',
      files: user('roles: [Billing administrator]\nnotify: [a@x.org, b@x.org, c@x.org, d@x.org, e@x.org, f@x.org]'),
      expected: ['NOTIFY_TOO_MANY@tenant.yaml:10:59'],
      message: /notify lists 6 addresses, but credentials go to at most 5/,
    },
    { name: 'six addresses in a string', files: user('roles: [Billing administrator]\nnotify: a@x.org;b@x.org;c@x.org;d@x.org;e@x.org;f@x.org'), expected: ['NOTIFY_TOO_MANY@tenant.yaml:10:13'] },
    { name: 'not an email address', files: user('roles: [Billing administrator]\nnotify: [it-desk]'), expected: ['NOTIFY_INVALID_EMAIL@tenant.yaml:10:14'], message: /"it-desk" in notify is not a valid email address/ },
    {
      name: 'commas instead of semicolons',
      files: user('roles: [Billing administrator]\nnotify: "a@x.org, b@x.org"'),
      expected: ['NOTIFY_INVALID_EMAIL@tenant.yaml:10:13'],
      message: /separate several addresses with ";"/,
    },
    { name: 'the user’s own mailbox, ignoring case', files: user('roles: [Billing administrator]\nnotify: [JOEP@contoso.com]'), expected: ['NOTIFY_OWN_MAILBOX@tenant.yaml:10:14'] },
    {
      name: 'the user’s own mailbox at another tenant domain, by mail nickname',
      files: user('mailNickname: jdv\nroles: [Billing administrator]\nnotify: [jdv@contoso.onmicrosoft.com]'),
      expected: ['NOTIFY_OWN_MAILBOX@tenant.yaml:11:14'],
    },
    {
      name: 'a mailbox another declared user gets, in a new tenant',
      files: user('roles: [Billing administrator]\nnotify: [admin@contoso.com]'),
      current: state(),
      expected: ['NOTIFY_CREATED_MAILBOX@tenant.yaml:10:14'],
      message: /admin@contoso\.com is the mailbox of a user this configuration creates/,
    },
    {
      name: 'a created mailbox in defaults is reported once, at defaults',
      files: `defaults:\n  notify: [joep@contoso.com]\n${user('roles: [Billing administrator]\nnotify: [it-desk@example.org]')}  - userPrincipalName: anna@contoso.com\n    displayName: Anna\n    roles: [Billing administrator]\n`,
      current: state(),
      expected: ['NOTIFY_CREATED_MAILBOX@tenant.yaml:2:12'],
    },
    // helper-117: defaults.notify reaches its owner too when the owner writes no notify of its own.
    {
      name: 'defaults.notify holding the mailbox of a user who exists and inherits it: that user’s own mailbox',
      files: `defaults:\n  notify: [it-desk@example.org, Joep@Contoso.com]\n${user('roles: [Billing administrator]\npassword: { reset: 2026-12-05 }')}`,
      current: state(currentUser('admin@contoso.com'), currentUser('joep@contoso.com')),
      expected: ['NOTIFY_OWN_MAILBOX@tenant.yaml:2:33'],
      message: /^Joep@Contoso\.com in defaults\.notify is joep@contoso\.com's own mailbox: it cannot read it .*give joep@contoso\.com its own notify/,
    },
    {
      name: 'defaults.notify holding an inheriting user’s mailbox by nickname, without the directory',
      files: `defaults:\n  notify: [jdv@contoso.onmicrosoft.com]\n${user('mailNickname: jdv\nroles: [Billing administrator]')}`,
      expected: ['NOTIFY_OWN_MAILBOX@tenant.yaml:2:12'],
      // helper-120: without the directory the user may exist already; it was called "the new user".
      message: /^jdv@contoso\.onmicrosoft\.com in defaults\.notify is joep@contoso\.com's own mailbox: it cannot read it before signing in/,
    },
    {
      name: 'defaults.notify holding the mailbox of a blocked user who inherits it (a shared mailbox) is fine',
      files: `defaults:\n  notify: [helpdesk@contoso.com]\n${user('roles: [Billing administrator]')}  - userPrincipalName: helpdesk@contoso.com\n    displayName: Help desk\n    accountEnabled: false\n`,
      current: state(currentUser('admin@contoso.com'), currentUser('joep@contoso.com'), currentUser('helpdesk@contoso.com', { accountEnabled: false })),
      expected: [],
    },
    // helper-120: the shared mailbox's UPN was taken for the mailbox of a user declared before it whose nickname is the same.
    {
      name: 'defaults.notify holding a blocked user’s UPN that an earlier user’s nickname spells is the blocked user’s mailbox',
      files: `defaults:\n  notify: [helpdesk@contoso.com]\n${user('mailNickname: helpdesk\nroles: [Billing administrator]')}  - userPrincipalName: helpdesk@contoso.com\n    displayName: Help desk\n    accountEnabled: false\n`,
      expected: [],
    },
    {
      name: 'defaults.notify holding the mailbox of a user with a notify of its own is fine',
      files: `defaults:\n  notify: [joep@contoso.com]\n${user('roles: [Billing administrator]\nnotify: [it-desk@example.org]')}  - userPrincipalName: anna@contoso.com\n    displayName: Anna\n    roles: [Billing administrator]\n`,
      current: state(currentUser('admin@contoso.com'), currentUser('joep@contoso.com'), currentUser('anna@contoso.com')),
      expected: [],
    },
    // The everyday case once users are managed: a newcomer's credentials go to a colleague declared here.
    {
      name: 'the mailbox of a declared user who exists already is fine',
      files: user('roles: [Billing administrator]\nnotify: [admin@contoso.com, ADMIN@contoso.onmicrosoft.com]'),
      current: state(currentUser('admin@contoso.com')),
      expected: [],
    },
    {
      name: 'without the directory, a mailbox of another declared user is not judged',
      files: user('roles: [Billing administrator]\nnotify: [admin@contoso.com]'),
      expected: [],
    },
    {
      name: 'a user renamed from a UPN that is not in the directory is created: its mailbox cannot be read yet',
      files: `users:\n${ADMIN}  - userPrincipalName: megan@contoso.com\n    displayName: Megan\n    renamedFrom: megan.old@contoso.com\n    roles: [Billing administrator]\n${user('roles: [Billing administrator]\nnotify: [megan@contoso.com]').replace(`users:\n${ADMIN}`, '')}`,
      current: state(currentUser('admin@contoso.com')),
      expected: ['RENAME_SOURCE_MISSING(warning)@tenant.yaml:9:18', 'NOTIFY_CREATED_MAILBOX@tenant.yaml:14:14'],
    },
    {
      name: 'a user renamed from one in the directory has a mailbox already',
      files: `users:\n${ADMIN}  - userPrincipalName: megan@contoso.com\n    displayName: Megan\n    renamedFrom: megan.old@contoso.com\n    roles: [Billing administrator]\n${user('roles: [Billing administrator]\nnotify: [megan@contoso.com, megan.old@contoso.com]').replace(`users:\n${ADMIN}`, '')}`,
      current: state(currentUser('admin@contoso.com'), currentUser('megan.old@contoso.com')),
      expected: [],
    },
    // A rename keeps the mailbox: the old UPN, and the old nickname at every tenant domain, are still the user's own.
    {
      name: 'a reset during a rename, sent to the old UPN: the user’s own mailbox',
      files: `users:\n${ADMIN}  - userPrincipalName: joep.jansen@contoso.com\n    displayName: Joep\n    renamedFrom: joep.devries@contoso.com\n    roles: [Billing administrator]\n    password: { reset: 2026-12-05 }\n    notify: [Joep.DeVries@contoso.com]\n`,
      current: state(currentUser('admin@contoso.com'), currentUser('joep.devries@contoso.com', { attributes: { mailNickname: 'jdv' } })),
      expected: ['NOTIFY_OWN_MAILBOX@tenant.yaml:12:14'],
      message: /^Joep\.DeVries@contoso\.com is joep\.jansen@contoso\.com's own mailbox, which it keeps through the rename from joep\.devries@contoso\.com: it cannot read it before signing in/,
    },
    {
      name: 'a reset during a rename, sent to the old nickname at another tenant domain: the user’s own mailbox',
      files: `users:\n${ADMIN}  - userPrincipalName: joep.jansen@contoso.com\n    displayName: Joep\n    renamedFrom: joep.devries@contoso.com\n    roles: [Billing administrator]\n    password: { reset: 2026-12-05 }\n    notify: [jdv@contoso.onmicrosoft.com]\n`,
      current: state(currentUser('admin@contoso.com'), currentUser('joep.devries@contoso.com', { attributes: { mailNickname: 'jdv' } })),
      expected: ['NOTIFY_OWN_MAILBOX@tenant.yaml:12:14'],
    },
    {
      name: 'without the directory, the old UPN of a rename is the user’s own mailbox all the same',
      files: `users:\n${ADMIN}  - userPrincipalName: joep.jansen@contoso.com\n    displayName: Joep\n    renamedFrom: joep.devries@contoso.com\n    roles: [Billing administrator]\n    notify: [joep.devries@contoso.onmicrosoft.com]\n`,
      expected: ['NOTIFY_OWN_MAILBOX@tenant.yaml:11:14'],
    },
    {
      name: 'a mailbox of a user this plan deletes',
      files: user('roles: [Billing administrator]\nnotify: [it-desk@contoso.com, Daan@contoso.onmicrosoft.com]'),
      current: state(currentUser('admin@contoso.com'), currentUser('daan@contoso.com')),
      expected: ['NOTIFY_DELETED_MAILBOX@tenant.yaml:10:35'],
      message: /^Daan@contoso\.onmicrosoft\.com is a mailbox of daan@contoso\.com, a user this plan deletes \(it is no longer declared\): nobody could read the credentials there; send them to a mailbox that exists$/,
    },
    {
      name: 'a mailbox of a user nobody manages, or a blocked one (a shared mailbox is), is not judged',
      files: user('roles: [Billing administrator]\nnotify: [daan@contoso.com, noah@contoso.com]'),
      current: state(currentUser('admin@contoso.com'), currentUser('daan@contoso.com', {}, { managed: false }), currentUser('noah@contoso.com', { accountEnabled: false }, { managed: false })),
      expected: [],
    },
    // helper-66: a mailbox in deleted users is soft-deleted; its mail goes nowhere.
    {
      name: 'a mailbox of a user in deleted users that the configuration does not restore',
      files: user('roles: [Billing administrator]\nnotify: [noah@contoso.com]'),
      current: state(currentUser('admin@contoso.com'), currentUser('noah@contoso.com', {}, { deletedAt: '2026-11-30T00:00:00.000Z' })),
      expected: ['NOTIFY_DELETED_MAILBOX@tenant.yaml:10:14'],
      message: /^noah@contoso\.com is the mailbox of a user in deleted users since 2026-11-30, whose mail is not delivered: nobody could read the credentials there; send them to a mailbox that exists$/,
    },
    {
      name: 'a mailbox of a user in deleted users that the configuration restores is fine',
      files: `${user('roles: [Billing administrator]\nnotify: [noah@contoso.com]')}  - userPrincipalName: noah@contoso.com\n    displayName: Noah\n    roles: [Billing administrator]\n`,
      current: state(currentUser('admin@contoso.com'), currentUser('noah@contoso.com', {}, { deletedAt: '2026-11-30T00:00:00.000Z' })),
      expected: [],
    },
    // Exchange Online delivers local+tag@domain to local@domain (plus addressing, on by default).
    {
      name: 'plus addressing reaches the same mailboxes',
      files: `${user('roles: [Billing administrator]\nnotify: [Joep+creds@contoso.com, anna+x@contoso.onmicrosoft.com, daan+y@contoso.com]')}  - userPrincipalName: anna@contoso.com\n    displayName: Anna\n    roles: [Billing administrator]\n`,
      current: state(currentUser('admin@contoso.com'), currentUser('daan@contoso.com')),
      expected: ['NOTIFY_OWN_MAILBOX@tenant.yaml:10:14', 'NOTIFY_CREATED_MAILBOX@tenant.yaml:10:38', 'NOTIFY_DELETED_MAILBOX@tenant.yaml:10:70'],
    },
    // helper-68: a mailbox that has the address exactly gets it; plus addressing only when none does, whatever the order.
    ...['carl first', 'anna first'].map((order) => {
      const carl = '  - userPrincipalName: carl@contoso.com\n    displayName: Carl\n    mailNickname: anna+x\n    roles: [Billing administrator]\n';
      const anna = '  - userPrincipalName: anna@contoso.com\n    displayName: Anna\n    roles: [Billing administrator]\n';
      const bob = '  - userPrincipalName: bob@contoso.com\n    displayName: Bob\n    roles: [Billing administrator]\n    notify: [anna+x@contoso.com]\n';
      return {
        name: `an address that is one new user's nickname exactly, and another's plus form (${order})`,
        files: `users:\n${ADMIN}${order === 'carl first' ? carl + anna : anna + carl}${bob}`,
        current: state(currentUser('admin@contoso.com'), currentUser('anna@contoso.com')),
        expected: ['NOTIFY_CREATED_MAILBOX@tenant.yaml:17:14'],
        message: /^anna\+x@contoso\.com is a mailbox of carl@contoso\.com, a user this configuration creates/,
      };
    }),
    {
      name: 'a reset of a user who exists, sent to its own mailbox: not called new',
      files: user('roles: [Billing administrator]\npassword: { reset: 2026-12-05 }\nnotify: [joep@contoso.com]'),
      current: state(currentUser('admin@contoso.com'), currentUser('joep@contoso.com')),
      expected: ['NOTIFY_OWN_MAILBOX@tenant.yaml:11:14'],
      message: /^joep@contoso\.com is joep@contoso\.com's own mailbox: it cannot read it before signing in with these credentials;/,
    },
    { name: 'an address of someone not declared is fine', files: user('roles: [Billing administrator]\nnotify: [it-desk@contoso.com]'), expected: [] },
  ]);
});

describe('passwords', () => {
  check([
    { name: 'a password string', files: user('roles: [Billing administrator]\npassword: "Welkom01!"'), expected: ['PASSWORD_IN_CONFIG@tenant.yaml:10:5'], message: /use password: \{ fromEnv: VARIABLE_NAME \}/ },
    { name: 'a password number', files: user('roles: [Billing administrator]\npassword: 12345678'), expected: ['PASSWORD_IN_CONFIG@tenant.yaml:10:5'] },
    { name: 'password.value', files: user('roles: [Billing administrator]\npassword: {value: "Welkom01!"}'), expected: ['PASSWORD_IN_CONFIG@tenant.yaml:10:16'] },
    { name: 'password.password', files: user('roles: [Billing administrator]\npassword: {password: "Welkom01!"}'), expected: ['PASSWORD_IN_CONFIG@tenant.yaml:10:16'] },
    { name: 'a Graph passwordProfile', files: user('roles: [Billing administrator]\npasswordProfile: {password: "Welkom01!"}'), expected: ['PASSWORD_IN_CONFIG@tenant.yaml:10:5'], message: /"passwordProfile" looks like a password/ },
    { name: 'a password in defaults', files: `defaults:\n  password: "Welkom01!"\n${user('roles: [Billing administrator]')}`, expected: ['PASSWORD_IN_CONFIG@tenant.yaml:2:3'] },
    // A password typed where a key goes is never quoted back: the message would put it in CI logs and PR annotations.
    {
      name: 'a password written as a key of password',
      files: user('roles: [Billing administrator]\npassword: { Welkom2016!Secret }'),
      expected: ['PASSWORD_IN_CONFIG@tenant.yaml:10:17'],
      message: /^(?!.*Welkom2016)this key looks like a password \(not shown here\)/,
    },
    {
      name: 'a password written as a key of password in defaults, beside generate',
      files: `defaults:\n  password: { generate: true, Summer2016! }\n${user('roles: [Billing administrator]')}`,
      expected: ['SCHEMA_UNKNOWN_FIELD@tenant.yaml:2:31'],
      message: /^(?!.*Summer2016)unknown field, not shown here: it may be a password \("password" takes: generate, fromEnv/,
    },
    {
      name: 'a password-like key close to a field name keeps the suggestion, not the key',
      files: user('roles: [Billing administrator]\npassword: { geNerate1!: true }'),
      expected: ['SCHEMA_UNKNOWN_FIELD@tenant.yaml:10:17'],
      message: /^(?!.*geNerate1)unknown field, not shown here: it may be a password \(did you mean generate\?\)/,
    },
    {
      name: 'a password written twice as a key',
      files: user('roles: [Billing administrator]\npassword: { Welkom2016!Secret, Welkom2016!Secret }'),
      expected: ['YAML_DUPLICATE_KEY@tenant.yaml:10:36'],
      message: /^(?!.*Welkom2016)a key \(not shown here: it may be a password\) appears twice/,
    },
    { name: 'a field name misspelt in password is quoted', files: user('roles: [Billing administrator]\npassword: { fromenv: JOEP_PW }'), expected: ['SCHEMA_UNKNOWN_FIELD@tenant.yaml:10:17'], message: /^unknown field "fromenv" \(did you mean fromEnv\?\)/ },
    { name: 'generate: true and fromEnv', files: user('roles: [Billing administrator]\npassword: {generate: true, fromEnv: JOEP_PW}'), expected: ['PASSWORD_SOURCE_CONFLICT@tenant.yaml:10:26'], message: /read from JOEP_PW \(fromEnv\); keep one: remove generate: true to use JOEP_PW/ },
    {
      name: 'generate: true and a fromEnv that is no variable name (never repeated: it may be the password)',
      files: user('roles: [Billing administrator]\npassword: {generate: true, fromEnv: "Welkom2016!"}'),
      expected: ['PASSWORD_SOURCE_CONFLICT@tenant.yaml:10:26', 'SCHEMA_FORMAT@tenant.yaml:10:41'],
      message: /^(?!.*Welkom2016).*read from a variable \(fromEnv\); keep one: remove generate: true to use the variable fromEnv names/,
    },
    { name: 'generate: false without fromEnv', files: user('roles: [Billing administrator]\npassword: {generate: false}'), expected: ['PASSWORD_SOURCE_MISSING@tenant.yaml:10:26'] },
    {
      name: 'a user’s fromEnv replaces a default generate: true',
      files: `defaults:\n  password: {generate: true, forceChangePasswordNextSignIn: false}\n${user('roles: [Billing administrator]\npassword: {fromEnv: JOEP_PW}')}`,
      env: { JOEP_PW: 'Str0ng&Long' },
      expected: [],
    },
    { name: 'an unset variable is a warning at validate', files: user('roles: [Billing administrator]\npassword: {fromEnv: JOEP_PW}'), expected: ['PASSWORD_ENV_UNSET(warning)@tenant.yaml:10:25'] },
    // At plan time the planner decides: only users being created or reset need the variable.
    { name: 'an unset variable is left to the planner at plan', files: user('roles: [Billing administrator]\npassword: {fromEnv: JOEP_PW}'), phase: 'plan', expected: [] },
    { name: 'an empty variable is unset', files: user('roles: [Billing administrator]\npassword: {fromEnv: JOEP_PW}'), env: { JOEP_PW: '' }, expected: ['PASSWORD_ENV_UNSET(warning)@tenant.yaml:10:25'] },
    {
      name: 'a default fromEnv used by several users is reported once, at defaults',
      files: `defaults:\n  password: {fromEnv: SHARED_PW}\n${user('roles: [Billing administrator]')}`,
      expected: ['PASSWORD_ENV_UNSET(warning)@tenant.yaml:2:23'],
      message: /SHARED_PW \(the password of the 2 users without a password source of their own \(defaults\)\)/,
    },
    { name: 'a password that meets the policy', files: user('roles: [Billing administrator]\npassword: {fromEnv: JOEP_PW}'), env: { JOEP_PW: 'Str0ng&Long' }, phase: 'plan', expected: [] },
    // Checked by apply only: run on names a pull request chooses, it would tell what the variable holds.
    { name: 'a password that contains the user name: not judged before apply', files: user('roles: [Billing administrator]\npassword: {fromEnv: JOEP_PW}'), env: { JOEP_PW: 'MyJoep2016!' }, expected: [] },
    {
      name: 'one of tenantctl\'s own variables as the password source, in any phase',
      files: user('roles: [Billing administrator]\npassword: {fromEnv: TENANTCTL_DATABASE_URL}'),
      env: { TENANTCTL_DATABASE_URL: 'postgres://ci:Tr0ub4dor@db.example/tenant' },
      phase: 'plan',
      expected: ['PASSWORD_ENV_RESERVED@tenant.yaml:10:25'],
      message: /^the password of joep@contoso\.com would be read from TENANTCTL_DATABASE_URL, one of tenantctl's own settings .* e\.g\. JOEP_INITIAL_PASSWORD$/,
    },
    ...['CI_JOB_TOKEN', 'CI_REGISTRY_PASSWORD', 'GITHUB_TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'RUNNER_TOKEN', 'gitlab_token', 'SYSTEM_ACCESSTOKEN', 'BITBUCKET_ACCESS_TOKEN', 'CIRCLE_TOKEN'].map((variable) => ({
      name: `${variable}, set by the CI platform for every job, as the password source`,
      files: user(`roles: [Billing administrator]\npassword: {fromEnv: ${variable}}`),
      // Too short and too simple: described, it would tell the pull request what the job's token is like.
      env: { [variable]: 'abc' },
      expected: ['PASSWORD_ENV_RESERVED@tenant.yaml:10:25'],
      message: new RegExp(`^the password of joep@contoso\\.com would be read from ${variable}, one of the variables a CI platform sets for its jobs .* e\\.g\\. JOEP_INITIAL_PASSWORD$`),
    })),
    ...['PGPASSWORD', 'AWS_SECRET_ACCESS_KEY', 'NPM_TOKEN', 'DEPLOY_API_KEY', 'SMTP_SECRET', 'DATABASE_URL', 'VAULTTOKEN'].map((variable) => ({
      name: `${variable}, named as another service's credential, as the password source`,
      files: user(`roles: [Billing administrator]\npassword: {fromEnv: ${variable}}`),
      env: { [variable]: 'abc' },
      expected: ['PASSWORD_ENV_RESERVED@tenant.yaml:10:25'],
      message: new RegExp(`^the password of joep@contoso\\.com would be read from ${variable}, named as another service's credential .* e\\.g\\. JOEP_INITIAL_PASSWORD$`),
    })),
    ...['PGARCIA_INITIAL_PASSWORD', 'TOKENIZED_PW', 'BUILDER_PW'].map((variable) => ({
      name: `${variable}, which only looks like a reserved name, is a source like any other`,
      files: user(`roles: [Billing administrator]\npassword: {fromEnv: ${variable}}`),
      env: { [variable]: 'Str0ng&Long' },
      expected: [],
    })),
    { name: 'a variable that only contains a CI prefix is a source like any other', files: user('roles: [Billing administrator]\npassword: {fromEnv: JOEP_CI_PW}'), env: { JOEP_CI_PW: 'Str0ng&Long' }, expected: [] },
    { name: 'a variable named like an object property is only a name', files: user('roles: [Billing administrator]\npassword: {fromEnv: __proto__}'), env: {}, expected: ['PASSWORD_ENV_UNSET(warning)@tenant.yaml:10:25'] },
    {
      name: 'a password too short and too simple',
      files: user('roles: [Billing administrator]\npassword: {fromEnv: JOEP_PW}'),
      env: { JOEP_PW: 'abc def' },
      expected: ['PASSWORD_POLICY@tenant.yaml:10:25'],
      message: /is shorter than 8 characters; use 8 to 16; it uses 1 of the 4 character classes.*; it contains blank characters \(such as a space\); none are allowed$/,
    },
  ]);

  // The password itself typed where its variable's name belongs is a valid name: flagged, and never printed.
  it.each([
    ['unset, at validate', {}, ['PASSWORD_ENV_NAME_LIKE_PASSWORD(warning)@tenant.yaml:10:25', 'PASSWORD_ENV_UNSET(warning)@tenant.yaml:10:25']],
    ['set, meeting the policy', { Welkom2016x: 'Str0ng&Long' }, ['PASSWORD_ENV_NAME_LIKE_PASSWORD(warning)@tenant.yaml:10:25']],
    ['set, breaking the policy', { Welkom2016x: 'abc' }, ['PASSWORD_ENV_NAME_LIKE_PASSWORD(warning)@tenant.yaml:10:25', 'PASSWORD_POLICY@tenant.yaml:10:25']],
  ] as const)('a fromEnv written like a password, %s, is flagged and never shown', (_, env, expected) => {
    const result = run({ files: user('roles: [Billing administrator]\npassword: {fromEnv: Welkom2016x}'), env });
    expect(result.diagnostics.map((d) => where(d, result.dir))).toEqual(expected);
    expect(JSON.stringify(result.diagnostics)).not.toContain('Welkom');
    expect(result.diagnostics[0]?.message).toBe(
      "password.fromEnv of joep@contoso.com is written like a password (lower case, upper case and digits mixed; not shown here), not like the name of an environment variable: fromEnv names the variable that holds the password, e.g. JOEP_INITIAL_PASSWORD, never the password itself; if this is the password, write the variable's name instead and change the password: it is in the Git history",
    );
  });

  it('names a fromEnv written like a password in no other message either: unset, reserved, with generate: true, in defaults', () => {
    const unset = run({ files: user('roles: [Billing administrator]\npassword: {fromEnv: Welkom2016x}') });
    expect(unset.diagnostics[1]?.message).toMatch(/^the variable password\.fromEnv names for joep@contoso\.com \(not shown here: it is written like a password\) is not set here;/);
    const reserved = run({ files: user('roles: [Billing administrator]\npassword: {fromEnv: CI_Welkom2016x}'), phase: 'plan' });
    expect(reserved.diagnostics.map((d) => where(d, reserved.dir))).toEqual(['PASSWORD_ENV_NAME_LIKE_PASSWORD(warning)@tenant.yaml:10:25', 'PASSWORD_ENV_RESERVED@tenant.yaml:10:25']);
    const conflict = run({ files: user('roles: [Billing administrator]\npassword: {fromEnv: Welkom2016x, generate: true}') });
    expect(conflict.diagnostics.map((d) => d.code)).toEqual(['PASSWORD_ENV_NAME_LIKE_PASSWORD', 'PASSWORD_SOURCE_CONFLICT']);
    const inDefaults = run({ files: `defaults:\n  password: {fromEnv: Welkom2016x}\n${user('roles: [Billing administrator]')}` });
    expect(inDefaults.diagnostics.map((d) => where(d, inDefaults.dir))).toEqual(['PASSWORD_ENV_NAME_LIKE_PASSWORD(warning)@tenant.yaml:2:23', 'PASSWORD_ENV_UNSET(warning)@tenant.yaml:2:23']);
    expect(inDefaults.diagnostics[0]?.message).toMatch(/^password\.fromEnv of defaults is written like a password/);
    for (const result of [unset, reserved, conflict, inDefaults]) expect(JSON.stringify(result.diagnostics)).not.toContain('Welkom');
  });

  it.each(['JOEP_INITIAL_PASSWORD', 'MEGAN_PW_2016', 'megan_pw_2016', 'JoepPassword', 'Pw2016'])('does not flag %s, a name written as names are', (variable) => {
    const result = run({ files: user(`roles: [Billing administrator]\npassword: {fromEnv: ${variable}}`) });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['PASSWORD_ENV_UNSET']);
    expect(result.diagnostics[0]?.message).toContain(`environment variable ${variable} (the password of joep@contoso.com)`);
  });

  it('never prints the value of a fromEnv variable', () => {
    const result = run({ files: user('roles: [Billing administrator]\npassword: {fromEnv: JOEP_PW}'), env: { JOEP_PW: 'zz top' } });
    expect(result.diagnostics).toHaveLength(1);
    // The messages, not the whole diagnostic: its file is under a temporary folder, whose random name may hold "zz".
    expect(result.diagnostics.map((d) => d.message).join('\n')).not.toMatch(/zz|top/);
  });
});

describe('fields admins cannot or need not set', () => {
  check([
    ...['photo', 'thumbnailPhoto', 'picture', 'avatar', 'profilePicture', 'Photo'].map((field) => ({
      name: `${field} is refused with its reason`,
      files: user(`roles: [Billing administrator]\n${field}: me.jpg`),
      expected: ['PHOTO_NOT_ALLOWED@tenant.yaml:10:5'],
      message: new RegExp(`^"${field}" cannot be set: admins cannot set users' photos, users add their own`),
    })),
    { name: 'a photo in defaults', files: `defaults:\n  photo: team.jpg\n${user('roles: [Billing administrator]')}`, expected: ['PHOTO_NOT_ALLOWED@tenant.yaml:2:3'] },
    { name: 'two business phones: at the second', files: user('roles: [Billing administrator]\nbusinessPhones: ["+31 20 555 0100", "+31 20 555 0101"]'), expected: ['BUSINESS_PHONES_TOO_MANY@tenant.yaml:10:41'] },
    { name: 'a user with no license and no role is a warning', files: user(''), expected: ['USER_NO_ACCESS(warning)@tenant.yaml:7:5'] },
    { name: 'a blocked user with no license and no role is the state of a leaver, not an oversight', files: user('accountEnabled: false'), expected: [] },
    { name: 'licenses from defaults give access', files: `defaults:\n  usageLocation: NL\n  licenses: [STANDARDPACK]\n${user('')}`, expected: [] },
  ]);
});

describe('the schema, with specific codes', () => {
  check([
    // What Graph and Exchange refuse for a mail alias and a name (helper-64): not left for the tenant to refuse.
    {
      name: 'a mail nickname with a space and an @',
      files: user('roles: [Billing administrator]\nmailNickname: "joe doe@x"'),
      expected: ['SCHEMA_FORMAT@tenant.yaml:10:19'],
      message: /^mailNickname "joe doe@x" is not a mail alias Exchange accepts: use letters A-Z a-z, digits and .* with dots only between them \(no spaces, no @ \( \) \\ \[ \] " ; : < > ,\), e\.g\. joep\.devries$/,
    },
    { name: 'a mail nickname starting with a dot', files: user('roles: [Billing administrator]\nmailNickname: .joep'), expected: ['SCHEMA_FORMAT@tenant.yaml:10:19'] },
    { name: 'a mail nickname with two dots together', files: user('roles: [Billing administrator]\nmailNickname: joep..dv'), expected: ['SCHEMA_FORMAT@tenant.yaml:10:19'] },
    { name: 'an empty mail nickname: said once', files: user('roles: [Billing administrator]\nmailNickname: ""'), expected: ['SCHEMA_LENGTH@tenant.yaml:10:19'] },
    { name: 'a mail nickname of every character Exchange takes', files: user("roles: [Billing administrator]\nmailNickname: \"o'k.a+b!#$%&*/=?^_`{|}~-9\""), expected: [] },
    {
      name: 'a display name of blank space only',
      files: `users:\n${ADMIN}  - userPrincipalName: joep@contoso.com\n    displayName: "   "\n    roles: [Billing administrator]\n`,
      expected: ['SCHEMA_FORMAT@tenant.yaml:8:18'],
      message: /^displayName is only blank space or invisible characters, which the address book would show as no name; write the name people know the user by, e\.g\. "Joep de Vries"$/,
    },
    {
      name: 'a display name of a zero-width space and a right-to-left mark',
      files: `users:\n${ADMIN}  - userPrincipalName: joep@contoso.com\n    displayName: "\\u200b\\u200f"\n    roles: [Billing administrator]\n`,
      expected: ['SCHEMA_FORMAT@tenant.yaml:8:18'],
    },
    // helper-68: letters that show nothing (Hangul fillers, the blank Braille pattern) and marks with nothing to mark.
    {
      name: 'a display name of a Hangul filler, a blank Braille pattern and a lone combining mark',
      files: `users:\n${ADMIN}  - userPrincipalName: joep@contoso.com\n    displayName: "\\u3164\\u2800\\u0301"\n    roles: [Billing administrator]\n`,
      expected: ['SCHEMA_FORMAT@tenant.yaml:8:18'],
    },
    { name: 'a display name in any script', files: `users:\n${ADMIN}  - userPrincipalName: joep@contoso.com\n    displayName: "Zoë 李 ‏Ω 한국 e\\u0301"\n    roles: [Billing administrator]\n`, expected: [] },
    { name: 'a misspelt field', files: user('roles: [Billing administrator]\ndepartement: Sales'), expected: ['SCHEMA_UNKNOWN_FIELD@tenant.yaml:10:5'], message: /^unknown field "departement" \(did you mean department\?\)$/ },
    { name: 'a name from elsewhere', files: user('roles: [Billing administrator]\nfirstName: Joep'), expected: ['SCHEMA_UNKNOWN_FIELD@tenant.yaml:10:5'], message: /did you mean givenName\?/ },
    { name: 'a misspelt section', files: `user:\n${ADMIN}`, expected: ['SCHEMA_UNKNOWN_FIELD@tenant.yaml:1:1'], message: /did you mean users\?/ },
    { name: 'an unknown field with nothing close: what is allowed', files: user('roles: [Billing administrator]\nshoeSize: 44'), expected: ['SCHEMA_UNKNOWN_FIELD@tenant.yaml:10:5'], message: /a user takes: userPrincipalName, renamedFrom, displayName, givenName/ },
    { name: 'an unknown field of a license', files: user('usageLocation: NL\nlicenses: [{sku: STANDARDPACK, plans: [SWAY]}]'), expected: ['SCHEMA_UNKNOWN_FIELD@tenant.yaml:10:36'], message: /^unknown field "plans"; a license takes: sku, disabledPlans$/ },
    {
      name: 'a YAML merge key: said to merge nothing, not taken for a misspelt field',
      files: user('roles: [Billing administrator]\n<<: {department: Sales}'),
      expected: ['SCHEMA_UNKNOWN_FIELD@tenant.yaml:10:5'],
      message: /^"<<" is a YAML merge key, which tenantctl does not read: it reads YAML 1\.2, where "<<" is a field like any other, so nothing is merged into a user here; write the fields out, or put what every user shares in the defaults section$/,
    },
    {
      name: 'a user merged from an anchor: the fields it was meant to bring in are missing, and say why',
      files: `users:\n${ADMIN}  - &joep\n    userPrincipalName: joep@contoso.com\n    displayName: Joep\n    roles: [Billing administrator]\n  - <<: *joep\n    userPrincipalName: anna@contoso.com\n`,
      expected: ['SCHEMA_REQUIRED@tenant.yaml:11:5', 'SCHEMA_UNKNOWN_FIELD@tenant.yaml:11:5'],
      message: /^missing required field "displayName" \(.*\); add it \(the "<<" merge key brings nothing in\)$/,
    },
    {
      name: 'a merge key in maxSeats, whose keys are part numbers: said to merge nothing, and nothing more of it',
      files: `settings:\n  spareSeats: &spare\n    ENTERPRISEPACK: 2\n  maxSeats:\n    <<: *spare\n${user('roles: [Billing administrator]')}`,
      expected: ['SCHEMA_FORMAT@tenant.yaml:5:5'],
      message: /^"<<" is a YAML merge key, which tenantctl does not read: .* so nothing is merged into "maxSeats" here; write the fields out$/,
    },
    {
      name: 'a merge key in a licence: no word of defaults, which holds no licence fields',
      files: user('usageLocation: NL\nlicenses: [{sku: STANDARDPACK, <<: {disabledPlans: [SWAY]}}]'),
      expected: ['SCHEMA_UNKNOWN_FIELD@tenant.yaml:10:36'],
      message: /so nothing is merged into .* here; write the fields out$/,
    },
    { name: 'a merge key in defaults', files: `defaults:\n  <<: {usageLocation: NL}\n${user('roles: [Billing administrator]')}`, expected: ['SCHEMA_UNKNOWN_FIELD@tenant.yaml:2:3'], message: /so nothing is merged into defaults here; write the fields out$/ },
    { name: 'a user without displayName', files: `users:\n${ADMIN}  - userPrincipalName: joep@contoso.com\n`, expected: ['SCHEMA_REQUIRED@tenant.yaml:7:5'], message: /missing required field "displayName"/ },
    {
      name: 'a user without displayName: its other fields are still checked',
      files: `users:\n${ADMIN}  - userPrincipalName: joep@contoso.com\n    usageLocation: XX\n    roles: [Nope]\n    notify: [joep@contoso.com]\n`,
      expected: ['SCHEMA_REQUIRED@tenant.yaml:7:5', 'USAGE_LOCATION_INVALID@tenant.yaml:8:20', 'ROLE_UNKNOWN@tenant.yaml:9:13', 'NOTIFY_OWN_MAILBOX@tenant.yaml:10:14'],
      message: /missing required field "displayName"/,
    },
    {
      name: 'a displayName that is not text: the user\'s roles are still checked',
      files: `users:\n${ADMIN}  - userPrincipalName: joep@contoso.com\n    displayName: [Joep]\n    roles: [Nope]\n`,
      expected: ['SCHEMA_TYPE@tenant.yaml:8:18', 'ROLE_UNKNOWN@tenant.yaml:9:13'],
    },
    {
      name: 'a user without userPrincipalName is left out: nothing else of it is checked',
      files: `users:\n${ADMIN}  - displayName: Joep\n    roles: [Nope]\n`,
      expected: ['SCHEMA_REQUIRED@tenant.yaml:7:5'],
      message: /missing required field "userPrincipalName"/,
    },
    { name: 'a license without sku', files: user('usageLocation: NL\nlicenses: [{disabledPlans: [SWAY]}]'), expected: ['SCHEMA_REQUIRED@tenant.yaml:10:16'] },
    // The hint never offers the parsed number to copy: "1015" would store a postal code without its 0.
    { name: 'a number for text', files: user('roles: [Billing administrator]\npostalCode: 01015'), expected: ['SCHEMA_TYPE@tenant.yaml:10:17'], message: /^"postalCode" must be text, not the number 1015; put the value in quotes as written \(postalCode: "…"\): unquoted, YAML reads it as a number and drops a leading 0 or \+$/ },
    { name: 'a number in quotes', files: `settings:\n  maxDeletions: "5"\n${user('roles: [Billing administrator]')}`, expected: ['SCHEMA_TYPE@tenant.yaml:2:17'], message: /must be .*; write it without quotes: maxDeletions: 5$/ },
    { name: 'text for a number', files: `settings:\n  maxDeletions: five\n${user('roles: [Billing administrator]')}`, expected: ['SCHEMA_TYPE@tenant.yaml:2:17'], message: /; write a number without quotes$/ },
    { name: 'a number past 15 digits is not quoted back as parsed', files: user('roles: [Billing administrator]\nmobilePhone: 0031612345678901234'), expected: ['SCHEMA_TYPE@tenant.yaml:10:18'], message: /^"mobilePhone" must be text, not a number with more digits than YAML reads exactly; put the value in quotes as written/ },
    { name: 'a number for a list of phones: in quotes, as written', files: user('roles: [Billing administrator]\nbusinessPhones: 31205550100123456789'), expected: ['SCHEMA_TYPE@tenant.yaml:10:21'], message: /^"businessPhones" must be a list, not a number with more digits than YAML reads exactly; write it as a list, each value in quotes as written: businessPhones: \["…"\]$/ },
    // YAML 1.2 reads yes/no/on/off as text, quoted or not: no quotes to remove, but the word to write.
    { name: 'yes, unquoted, for true', files: user('roles: [Billing administrator]\naccountEnabled: yes'), expected: ['SCHEMA_TYPE@tenant.yaml:10:21'], message: /^"accountEnabled" must be true or false, not text; YAML reads yes as text, not as true: write accountEnabled: true$/ },
    { name: 'Off for false', files: user('roles: [Billing administrator]\naccountEnabled: "Off"'), expected: ['SCHEMA_TYPE@tenant.yaml:10:21'], message: /; YAML reads off as text, not as false: write accountEnabled: false$/ },
    { name: 'true in quotes', files: user('roles: [Billing administrator]\naccountEnabled: "true"'), expected: ['SCHEMA_TYPE@tenant.yaml:10:21'], message: /; write it without quotes: accountEnabled: true$/ },
    { name: 'other text for true/false', files: user('roles: [Billing administrator]\naccountEnabled: enabled'), expected: ['SCHEMA_TYPE@tenant.yaml:10:21'], message: /not text; write true or false$/ },
    { name: 'text for a list', files: user('roles: Billing administrator'), expected: ['SCHEMA_TYPE@tenant.yaml:9:12'], message: /write it as a list: roles: \[Billing administrator\]/ },
    { name: 'users left empty', files: 'users:\n', expected: ['SCHEMA_TYPE@tenant.yaml:1:1'], message: /"users" must be a list, not empty; write users: \[\] for none/ },
    { name: 'a string too long', files: user(`roles: [Billing administrator]\njobTitle: ${'x'.repeat(129)}`), expected: ['SCHEMA_LENGTH@tenant.yaml:10:15'], message: /"jobTitle" is 129 characters long; at most 128 are allowed/ },
    { name: 'an empty displayName', files: `users:\n${ADMIN}  - userPrincipalName: joep@contoso.com\n    displayName: ""\n    roles: [Billing administrator]\n`, expected: ['SCHEMA_LENGTH@tenant.yaml:8:18'], message: /"displayName" must not be empty/ },
    {
      name: 'fromEnv that is not a variable name (never repeated: it may be the password)',
      files: user('roles: [Billing administrator]\npassword: {fromEnv: "Welkom 01!"}'),
      expected: ['SCHEMA_FORMAT@tenant.yaml:10:25'],
      message: /^password\.fromEnv must be the name of an environment variable/,
    },
    { name: 'a part number written in lower case in maxSeats', files: `settings:\n  maxSeats: {enterprisepack: 5}\nusers:\n${ADMIN}`, expected: ['SCHEMA_FORMAT@tenant.yaml:2:14'], message: /"enterprisepack" in maxSeats is not a part number/ },
    { name: 'a number past 2^53 is not quoted back as parsed', files: `settings:\n  spareSeats:\n    ENTERPRISEPACK: 9007199254740993\nusers:\n${ADMIN}`, expected: ['SCHEMA_RANGE@tenant.yaml:3:21'], message: /^"ENTERPRISEPACK" is a number beyond ±9,007,199,254,740,991, too large to read exactly; it must be at most \d+$/ },
    { name: 'a number out of range', files: `settings:\n  minGlobalAdmins: 0\nusers:\n${ADMIN}`, expected: ['SCHEMA_RANGE@tenant.yaml:2:20'], message: /"minGlobalAdmins" is 0; it must be at least 1/ },
    { name: 'defaults in two files', files: { 'a.yaml': `defaults:\n  usageLocation: NL\nusers:\n${ADMIN}`, 'b.yaml': 'defaults:\n  usageLocation: BE\n' }, expected: ['CONFIG_SECTION_TWICE@b.yaml:1:1'] },
  ]);
});

describe('one run reports everything it can', () => {
  it('a user the schema cannot read is left out; the other users are still checked', () => {
    const result = run({ files: user('roles: [Billing administrator]\naccountEnabled: "no"') + '  - userPrincipalName: anna@contoso.co\n    displayName: Anna\n    roles: [Billing administrator]\n' });
    expect(result.diagnostics.map((d) => where(d, result.dir))).toEqual(['SCHEMA_TYPE@tenant.yaml:10:21', 'UPN_UNKNOWN_DOMAIN@tenant.yaml:11:24']);
  });

  it('a field the schema cannot read is left out; the rest of that user is still checked', () => {
    const result = run({ files: user('usageLocation: NL\npostalCode: 1015\nlicenses: [ENTERPRISEPAK]', 'joep@contoso.co') });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['UPN_UNKNOWN_DOMAIN', 'SCHEMA_TYPE', 'LICENSE_UNKNOWN_SKU']);
  });

  it('a file that cannot be parsed: the others are checked, but not what users inherit from defaults', () => {
    const result = run({
      files: {
        'a.yaml': 'users: [\n',
        'b.yaml': `users:\n${ADMIN}  - userPrincipalName: joep@contoso.co\n    displayName: Joep\n    licenses: [STANDARDPACK]\n`,
      },
    });
    // USAGE_LOCATION_REQUIRED waits: a.yaml might have held defaults.usageLocation.
    expect(result.diagnostics.map((d) => where(d, result.dir))).toEqual(['YAML_SYNTAX@a.yaml:2:1', 'UPN_UNKNOWN_DOMAIN@b.yaml:7:24']);
  });

  it('diagnostics are sorted by file, line and column', () => {
    const result = run({ files: { 'b.yaml': user('photo: x\nroles: [Nope]'), 'a.yaml': 'settings:\n  maxDeletions: -1\n' } });
    expect(result.diagnostics.map((d) => where(d, result.dir))).toEqual(['SCHEMA_RANGE@a.yaml:2:17', 'PHOTO_NOT_ALLOWED@b.yaml:9:5', 'ROLE_UNKNOWN@b.yaml:10:13']);
  });

  it('no paths and a missing path are located problems, not exceptions', () => {
    expect(loadConfig([], { catalog: null, phase: 'validate', env: {} }).diagnostics.map((d) => d.code)).toEqual(['CONFIG_NOT_FOUND']);
    const missing = loadConfig([path.join(scratch, 'nope.yaml')], { catalog: null, phase: 'validate', env: {} });
    expect(missing.config).toBeNull();
    expect(missing.diagnostics.map((d) => d.code)).toEqual(['CONFIG_NOT_FOUND']);
  });
});

describe('problems found through aliases: listed once, counted each time', () => {
  const team = (users: number, licences: string): string =>
    `users:\n${ADMIN}${Array.from({ length: users }, (_, i) => `  - {userPrincipalName: u${i}@contoso.com, displayName: U, usageLocation: NL, licenses: ${i === 0 ? `&team ${licences}` : '*team'}}\n`).join('')}`;
  const load = (name: string, text: string) => {
    const dir = path.join(scratch, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'tenant.yaml'), text);
    return loadConfig([dir], { catalog, env: {}, phase: 'validate' }).diagnostics;
  };

  it('the totals count every user the value reaches, as without the merge', () => {
    const diagnostics = load('aliases-counted', team(3, '[{sku: ENTERPRISEPACK, disabledPlans: [SHAREPOINTWA]}]'));
    expect(diagnostics).toHaveLength(1);
    expect(countDiagnostics(diagnostics)).toEqual({ errors: 3, warnings: 0 });
  });

  it('a list the schema check capped is left as it is: what it lists and what it counts add up', () => {
    // 1,100 users share one licence with an unknown field: the schema check builds 1,000 and counts the rest.
    const diagnostics = load('aliases-capped', team(1_100, '[{sku: ENTERPRISEPACK, plans: [SWAY]}]'));
    expect(diagnostics.some((d) => d.message.includes('through aliases'))).toBe(false);
    expect(countDiagnostics(diagnostics)).toEqual({ errors: 1_100, warnings: 0 });
    expect(diagnostics.at(-1)?.code).toBe('DIAGNOSTICS_LIMIT');
  });
});

describe('licence rules on a catalog already in the database: bounded output whatever it states', () => {
  // The reported catalog: 600 plans, 100 of them each needing plans 300-599; 60 users switch those off through one alias.
  const plans = Array.from({ length: 600 }, (_, i) => `P${String(i).padStart(4, '0')}`);
  const needed = plans.slice(300);
  const big = {
    sku: 'BIGPACK',
    productName: 'Big pack',
    seats: 1_000,
    consumed: 0,
    unitPrice: 1,
    currency: 'USD',
    purchasable: true,
    servicePlans: plans,
    planDependencies: Object.fromEntries(plans.slice(0, 100).map((plan) => [plan, needed])),
    unavailableIn: Object.fromEntries(plans.map((plan) => [plan, ['NL', 'BE']])),
  };
  const bigCatalog = { ...catalog, subscriptions: [...catalog.subscriptions, big] };
  const users = Array.from(
    { length: 60 },
    (_, i) => `  - userPrincipalName: u${i}@contoso.com\n    displayName: U${i}\n    licenses:\n      - sku: BIGPACK\n        disabledPlans: ${i === 0 ? `&d [${needed.join(', ')}]` : '*d'}\n`,
  );
  const dir = path.join(scratch, 'big-catalog');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'tenant.yaml'), `defaults:\n  usageLocation: NL\nusers:\n${ADMIN}${users.join('')}`);

  it('one LICENSE_DEPENDENCY per licence naming a few plans and counting the rest, not one per (plan, plan it needs): 1,800,000', () => {
    const { diagnostics } = loadConfig([dir], { catalog: bigCatalog, env: {}, phase: 'validate' });
    const dependencies = diagnostics.filter((d) => d.code === 'LICENSE_DEPENDENCY');
    expect(dependencies).toHaveLength(60);
    expect(dependencies[0]?.message).toBe(
      'BIGPACK of u0@contoso.com: 100 service plans are on but need plans that disabledPlans switches off: ' +
        ['P0000', 'P0001', 'P0002', 'P0003', 'P0004'].map((plan) => `${plan} needs P0300, P0301, P0302, P0303, P0304, … (300 in all)`).join('; ') +
        '; and 95 more; Entra refuses this assignment (DependencyViolation): also switch off the plans that are on, or switch the plans they need back on',
    );
    // Every plan on is unavailable in NL: one LICENSE_LOCATION per user, each message bounded.
    const locations = diagnostics.filter((d) => d.code === 'LICENSE_LOCATION');
    expect(locations).toHaveLength(60);
    expect(locations[0]?.message).toBe(
      'u0@contoso.com has usageLocation NL, where P0000, P0001, P0002, P0003, P0004, … (300 in all) of BIGPACK are not offered; Entra refuses this assignment (ProhibitedInUsageLocationViolation): add them to the licence\'s disabledPlans',
    );
    expect(Math.max(...diagnostics.map((d) => d.message.length))).toBeLessThan(2_100);
  });

  it('one plan needing two plans that are off: one diagnostic naming both', () => {
    const small = { ...big, planDependencies: { P0000: ['P0001', 'P0002'] }, unavailableIn: {} };
    const text = `users:\n${ADMIN}  - userPrincipalName: joep@contoso.com\n    displayName: Joep\n    usageLocation: NL\n    licenses:\n      - sku: BIGPACK\n        disabledPlans: [P0002, P0001]\n`;
    const one = path.join(scratch, 'two-needed');
    fs.mkdirSync(one);
    fs.writeFileSync(path.join(one, 'tenant.yaml'), text);
    const { diagnostics } = loadConfig([one], { catalog: { ...catalog, subscriptions: [...catalog.subscriptions, small] }, env: {}, phase: 'validate' });
    expect(diagnostics.map((d) => d.message)).toEqual([
      'BIGPACK of joep@contoso.com: service plan P0000 is on but needs P0001, P0002, which disabledPlans switches off; Entra refuses this assignment (DependencyViolation): also switch off P0000, or switch them back on',
    ]);
  });

  it('a catalog of 1,000 domains and 500 plans: messages name the first 20 domains and 100 plans, and count them all', () => {
    const domains = Array.from({ length: 1_000 }, (_, i) => ({ name: `d${i}.example`, verified: true, isDefault: i === 0 }));
    const wide = { ...catalog, domains, subscriptions: [...catalog.subscriptions, { ...big, servicePlans: plans.slice(0, 500), planDependencies: {}, unavailableIn: {} }] };
    const text = `users:\n  - userPrincipalName: joep@elsewhere.example\n    displayName: Joep\n    usageLocation: NL\n    licenses:\n      - sku: BIGPACK\n        disabledPlans: [NOPE]\n`;
    const one = path.join(scratch, 'wide-catalog');
    fs.mkdirSync(one);
    fs.writeFileSync(path.join(one, 'tenant.yaml'), text);
    const { diagnostics } = loadConfig([one], { catalog: wide, env: {}, phase: 'validate' });
    const domain = diagnostics.find((d) => d.code === 'UPN_UNKNOWN_DOMAIN');
    expect(domain?.message).toBe(
      `domain "elsewhere.example" of joep@elsewhere.example is not a verified domain of the tenant; the tenant's domains are: ${domains.slice(0, 20).map((d) => d.name).join(', ')}, … (1,000 in all)`,
    );
    const plan = diagnostics.find((d) => d.code === 'LICENSE_UNKNOWN_PLAN');
    expect(plan?.message).toBe(`unknown service plan NOPE; BIGPACK has: ${plans.slice(0, 100).join(', ')}, … (500 in all)`);
  });
});

// helper-117: a malformed old UPN was described by the schema's regular expression, and warned about as a missing account too.
describe('a malformed renamedFrom', () => {
  check([
    {
      name: 'is UPN_INVALID in the words of the UPN rules, and no RENAME_SOURCE_MISSING',
      files: `users:\n${ADMIN}  - userPrincipalName: joep.jansen@contoso.com\n    displayName: Joep\n    roles: [Billing administrator]\n    renamedFrom: " joep.devries@contoso.com"\n`,
      current: state(currentUser('admin@contoso.com')),
      expected: ['UPN_INVALID@tenant.yaml:10:18'],
      message: /^renamedFrom " joep\.devries@contoso\.com" the part before "@" may only contain A-Z a-z 0-9 ' \. - _ ! # \^ ~; it holds " " \(U\+0020\)$/,
    },
    // helper-120: one too long was SCHEMA_LENGTH, and beside it UPN_INVALID when the pattern failed as well.
    {
      name: 'too long: UPN_INVALID alone, in the words of the UPN rules',
      files: `users:\n${ADMIN}  - userPrincipalName: joep.jansen@contoso.com\n    displayName: Joep\n    roles: [Billing administrator]\n    renamedFrom: ${'j'.repeat(120)}@contoso.com\n`,
      current: state(currentUser('admin@contoso.com')),
      expected: ['UPN_INVALID@tenant.yaml:10:18'],
      message: /^renamedFrom "j{120}@contoso\.com" the part before "@" must be 1 to 64 characters \(it is 120\)$/,
    },
    {
      name: 'too long and malformed: one UPN_INVALID',
      files: `users:\n${ADMIN}  - userPrincipalName: joep.jansen@contoso.com\n    displayName: Joep\n    roles: [Billing administrator]\n    renamedFrom: "${'j'.repeat(120)} @contoso.com"\n`,
      current: state(currentUser('admin@contoso.com')),
      expected: ['UPN_INVALID@tenant.yaml:10:18'],
    },
  ]);
});

describe('renamedFrom against the directory (validate with a database)', () => {
  it('a new UPN held by a deleted user: RENAME_BOTH_EXIST says until when, not to delete one of them', () => {
    const files = `users:\n${ADMIN}  - userPrincipalName: joep.jansen@contoso.com\n    displayName: Joep\n    renamedFrom: joep.devries@contoso.com\n`;
    const current = state(currentUser('joep.devries@contoso.com'), currentUser('joep.jansen@contoso.com', {}, { deletedAt: '2026-11-20T00:00:00.000Z' }));
    const dir = path.join(scratch, `case-${++runs}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'tenant.yaml'), files);
    const { diagnostics } = loadConfig([dir], { catalog, env: {}, phase: 'validate', current, now: new Date('2026-12-01T12:00:00.000Z') });
    expect(diagnostics.filter((d) => d.code === 'RENAME_BOTH_EXIST').map((d) => formatDiagnostic(d).replace(`${dir}/`, ''))).toEqual([
      'tenant.yaml:9:18: RENAME_BOTH_EXIST: joep.jansen@contoso.com says renamedFrom: joep.devries@contoso.com, but joep.jansen@contoso.com is still the name of a deleted user, ' +
        'restorable until 2026-12-20; the name is free only once that user is gone for good: choose another new name, or rename after 2026-12-20',
    ]);
  });
});

// DOMAIN.md: credentials never go to a mailbox nobody can read yet; adminEmail gets a copy of all of them.
describe('settings.adminEmail against the directory (validate with a database, plan)', () => {
  const files = `settings:\n  adminEmail: newbie@contoso.com\nusers:\n${ADMIN}  - userPrincipalName: newbie@contoso.com\n    displayName: Newbie\n    roles: [Billing administrator]\n`;
  const load = (current: ReturnType<typeof state> | null) => {
    const dir = path.join(scratch, `case-${++runs}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'tenant.yaml'), files);
    const { diagnostics } = loadConfig([dir], { catalog, env: {}, phase: 'validate', current, now: new Date('2026-12-01T12:00:00.000Z') });
    return diagnostics.filter((d) => d.code === 'NOTIFY_CREATED_MAILBOX').map((d) => formatDiagnostic(d).replaceAll(`${dir}/`, ''));
  };

  it('a mailbox of a user the plan creates is refused at adminEmail', () => {
    expect(load(state(currentUser('admin@contoso.com')))).toEqual([
      'tenant.yaml:2:15: NOTIFY_CREATED_MAILBOX: settings.adminEmail newbie@contoso.com is a mailbox of newbie@contoso.com, a user this plan creates: nobody can read it yet, ' +
        "and it would get every temporary password of the apply, its owner's own among them; set adminEmail to a mailbox that exists already (see also tenant.yaml:9:24)",
    ]);
  });

  it('the mailbox of a declared user who exists already is fine, and without the directory nothing is judged', () => {
    expect(load(state(currentUser('admin@contoso.com'), currentUser('newbie@contoso.com')))).toEqual([]);
    expect(load(null)).toEqual([]);
  });
});
