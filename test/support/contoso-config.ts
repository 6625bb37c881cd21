// Copies of the contoso example, edited as a test needs them.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { copyContoso, ROOT, tempDir } from './cli.js';
import { editFile } from './edit-file.js';

const SANNE_ENTRY = /  - userPrincipalName: sanne\.visser@contoso\.com\n(?:    .*\n|      .*\n)*\n/;

/**
 * The contoso example without sanne.visser@contoso.com, as `-c` arguments:
 * once its first apply created her, an apply of this deletes her (the recycle
 * bin), and a drift of it finds her managed and undeclared.
 */
export function contosoWithoutSanne(): string[] {
  const dir = tempDir('tenantctl-contoso-without-sanne-');
  for (const file of fs.readdirSync(path.join(ROOT, 'examples', 'contoso'))) {
    const text = fs.readFileSync(path.join(ROOT, 'examples', 'contoso', file), 'utf8');
    const edited = file === 'users.yaml' ? text.replace(SANNE_ENTRY, '') : text;
    if (file === 'users.yaml') expect(edited).not.toBe(text);
    fs.writeFileSync(path.join(dir, file), edited);
  }
  return ['-c', dir];
}

/**
 * A copy of the contoso example in which it-desk@contoso.com is no longer an
 * address temporary passwords are sent to by the configuration: no
 * settings.adminEmail, and the defaults' notify (the one Pieter, an
 * administrator, has) points elsewhere. Copies queued for it-desk@ by an
 * earlier apply still go there.
 */
export function contosoWithoutItDeskRecipient(): string {
  const config = copyContoso();
  editFile(path.join(config, 'tenant.yaml'), '  adminEmail: it-desk@contoso.com\n', '');
  editFile(path.join(config, 'tenant.yaml'), '  notify: [it-desk@contoso.com]\n', '  notify: [helpdesk@example.org]\n');
  return config;
}
