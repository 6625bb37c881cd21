// Writes a generated tenant as a real repository would hold it: tenant.yaml
// (settings, defaults) and one users-<department>.yaml per department, plus
// the catalog that `tenantctl init --catalog` loads.
import fs from 'node:fs';
import path from 'node:path';
import { DEPARTMENTS, DOMAINS, SUBSCRIPTIONS } from './tenant.mjs';

const PLAIN = /^[A-Za-z][A-Za-z0-9 ._@-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n)$/i;
/** A plain scalar where YAML reads it back as the same string, else double-quoted. */
const scalar = (value) => (PLAIN.test(value) && !RESERVED.test(value) && !value.endsWith(' ') ? value : JSON.stringify(value));

function userYaml(user) {
  const lines = [`  - userPrincipalName: ${user.userPrincipalName}`, `    displayName: ${scalar(user.displayName)}`];
  for (const field of ['givenName', 'surname', 'jobTitle', 'department', 'mobilePhone']) {
    if (user[field] !== null) lines.push(`    ${field}: ${scalar(user[field])}`);
  }
  if (user.businessPhones.length > 0) lines.push(`    businessPhones: [${user.businessPhones.map(scalar).join(', ')}]`);
  for (const field of ['streetAddress', 'city', 'postalCode', 'country', 'usageLocation']) {
    if (user[field] !== null) lines.push(`    ${field}: ${scalar(user[field])}`);
  }
  if (!user.accountEnabled) lines.push('    accountEnabled: false');
  if (user.roles.length > 0) lines.push(`    roles: [${user.roles.map(([, name]) => name).join(', ')}]`);
  if (user.licenses.length > 0) {
    lines.push('    licenses:');
    for (const license of user.licenses) {
      if (license.disabledPlans.length === 0) lines.push(`      - ${license.sku}`);
      else lines.push(`      - sku: ${license.sku}`, `        disabledPlans: [${license.disabledPlans.join(', ')}]`);
    }
  }
  return lines.join('\n');
}

/** Writes the configuration directory; returns its file names. */
export function writeConfig(dir, users) {
  fs.mkdirSync(dir, { recursive: true });
  const files = [];
  const write = (name, text) => {
    fs.writeFileSync(path.join(dir, name), text);
    files.push(name);
  };
  write(
    'tenant.yaml',
    '# yaml-language-server: $schema=../schemas/tenant.schema.json\n' +
      'settings:\n  minGlobalAdmins: 1\n  adminEmail: it-desk@contoso.com\n' +
      'defaults:\n  notify: [helpdesk@contoso.com]\n',
  );
  for (const department of DEPARTMENTS) {
    const own = users.filter((u) => u.department === department);
    if (own.length === 0) continue;
    write(`users-${department.toLowerCase()}.yaml`, `# ${department}: ${own.length} users\nusers:\n${own.map(userYaml).join('\n')}\n`);
  }
  return files;
}

export function writeCatalog(file, count) {
  const seats = count * 2 + 1000;
  const lines = ['domains:', ...DOMAINS.map((name, i) => `  - { name: ${name}, verified: true${i === 0 ? ', default: true' : ''} }`), 'subscriptions:'];
  for (const s of SUBSCRIPTIONS) {
    lines.push(`  - sku: ${s.sku}`, `    productName: ${s.productName}`, `    seats: ${seats}`, `    unitPrice: ${s.unitPrice}`, '    currency: USD', `    servicePlans: [${s.plans.join(', ')}]`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}
