import fs from 'node:fs';
import path from 'node:path';

/**
 * A tenant of `size` users and two configurations of it, A and B, that differ
 * in every user: job title and department (user.update), E3 swapped for E1
 * with a plan switched off (license.remove + license.assign), and a
 * Service administrator role granted (role.grant). Applying one over the
 * other is 4 × size changes in one transaction, and the users already exist,
 * so no password is hashed before it: the time goes into the transaction.
 */
export interface BulkTenant {
  readonly catalog: string;
  readonly configA: string;
  readonly configB: string;
  /** Brings a freshly initialised database to configuration A, without the CLI (no password hashing). */
  readonly seedSql: string;
}

const ADMINS = ['admin1@contoso.com', 'admin2@contoso.com'];
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const E3_PLANS = ['EXCHANGE_S_ENTERPRISE', 'SHAREPOINTENTERPRISE', 'SHAREPOINTWAC', 'MCOSTANDARD', 'OFFICESUBSCRIPTION', 'SWAY'];
const E1_PLANS = ['EXCHANGE_S_STANDARD', 'SHAREPOINTSTANDARD', 'SHAREPOINTWAC', 'MCOSTANDARD', 'SWAY'];

const upn = (i: number) => `user${String(i).padStart(5, '0')}@contoso.com`;

function catalogYaml(size: number, seatsPerSku: number): string {
  return `domains:
  - { name: contoso.com, verified: true, default: true }
subscriptions:
  - sku: ENTERPRISEPACK
    productName: Office 365 Enterprise E3
    seats: ${Math.max(seatsPerSku, size)}
    unitPrice: 20.00
    currency: USD
    servicePlans: [${E3_PLANS.join(', ')}]
  - sku: STANDARDPACK
    productName: Office 365 Enterprise E1
    seats: ${seatsPerSku}
    unitPrice: 8.00
    currency: USD
    servicePlans: [${E1_PLANS.join(', ')}]
`;
}

function adminsYaml(): string {
  return ADMINS.map((admin) => `  - userPrincipalName: ${admin}
    displayName: Administrator
    roles: [Global administrator]
    notify: [it@contoso.com]
`).join('');
}

function configYaml(size: number, variant: 'A' | 'B'): string {
  const users: string[] = [];
  for (let i = 0; i < size; i++) {
    const license = variant === 'A' ? '[ENTERPRISEPACK]' : '[{ sku: STANDARDPACK, disabledPlans: [SWAY] }]';
    const roles = variant === 'A' ? '' : '    roles: [Service administrator]\n';
    users.push(`  - userPrincipalName: ${upn(i)}
    displayName: User ${i}
    jobTitle: Engineer ${variant}
    department: Team ${variant}
    usageLocation: NL
    notify: [it@contoso.com]
    licenses: ${license}
${roles}`);
  }
  return `users:\n${adminsYaml()}${users.join('')}`;
}

function seedSql(size: number): string {
  const admins = ADMINS.map((admin) => `('${admin}', 'Administrator', '${admin.split('@')[0]}', NULL, NULL, NULL)`);
  return `
INSERT INTO users (user_principal_name, display_name, mail_nickname, job_title, department, usage_location, managed)
SELECT v.upn, v.name, v.nick, v.title, v.dept, v.loc, true FROM (VALUES ${admins.join(', ')}) AS v(upn, name, nick, title, dept, loc)
UNION ALL
SELECT 'user' || lpad(i::text, 5, '0') || '@contoso.com', 'User ' || i, 'user' || lpad(i::text, 5, '0'), 'Engineer A', 'Team A', 'NL', true
  FROM generate_series(0, ${size - 1}) AS i;
INSERT INTO user_roles (user_id, role_template_id)
SELECT id, '${GLOBAL_ADMINISTRATOR}' FROM users WHERE user_principal_name IN (${ADMINS.map((a) => `'${a}'`).join(', ')});
INSERT INTO license_assignments (user_id, sku)
SELECT id, 'ENTERPRISEPACK' FROM users WHERE user_principal_name LIKE 'user%';
`;
}

/** Writes the catalog and both configurations into `dir`. */
/** `e1Seats`: the E1 seats bought already; fewer than `size` makes applying B buy the rest. */
export function writeBulkTenant(dir: string, size: number, e1Seats = size + 10): BulkTenant {
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  return {
    catalog: write('catalog.yaml', catalogYaml(size, e1Seats)),
    configA: write('a/users.yaml', configYaml(size, 'A')),
    configB: write('b/users.yaml', configYaml(size, 'B')),
    seedSql: seedSql(size),
  };
}
