// Resetting the password of, or unblocking, a mailbox that receives
// temporary passwords (settings.adminEmail, an administrator's notify) needs
// --approve-privileged (RECIPIENT_MAILBOX_TAKEN); setting its phone did not.
// A self-service password reset sends its code to that phone: a pull request
// pointing the phone of Emma (mailbox it-desk@, the copy of every temporary
// password) at its author's was applied on the merge alone, and the author
// reset her password from the sign-in page and read the copies, new
// administrators' among them.
import path from 'node:path';
import { expect, it } from 'vitest';
import { copyContoso } from '../support/cli.js';
import { embeddedLogins } from '../support/scenario-logins.js';
import { editFile } from '../support/edit-file.js';

const EMMA = '    jobTitle: Warehouse Coordinator\n';

it('setting the phone of a mailbox that receives temporary passwords needs --approve-privileged; taking it away does not', { timeout: 180_000 }, async () => {
  const tenant = embeddedLogins('tenantctl-recipient-mailbox-phone-');
  const config = copyContoso();
  const users = path.join(config, 'users.yaml');
  // Emma's mailbox becomes it-desk@ (approved, as it must be), her phone her own.
  editFile(users, EMMA, `${EMMA}    mailNickname: it-desk\n    notify: [emma.dekker@example.org]\n    businessPhones: ["+31 13 555 0100"]\n`);
  expect((await tenant.write(['apply', '-c', config, '--auto-approve', '--approve-privileged'])).code).toBe(0);

  editFile(users, '    notify: [emma.dekker@example.org]\n', '    notify: [emma.dekker@example.org]\n    mobilePhone: "+1 555 0199"\n');
  const taken =
    'this plan changes the mobile phone of emma.dekker@contoso.com, whose mailbox is settings.adminEmail it-desk@contoso.com, which gets a copy of every temporary password';
  const plan = await tenant.read(['plan', '-c', config]);
  expect(plan.stdout).toContain(`! Applying this plan needs approval: privileged (--approve-privileged).\n! RECIPIENT_MAILBOX_TAKEN: ${taken}; apply needs --approve-privileged\n`);
  const refused = await tenant.write(['apply', '-c', config, '--auto-approve']);
  expect(refused.code, refused.stderr).toBe(3);
  expect(refused.stderr).toContain(`this plan makes privileged changes:\n  ${taken}\napply stopped before changing anything`);
  expect((await tenant.write(['apply', '-c', config, '--auto-approve', '--approve-privileged'])).code).toBe(0);

  // The same numbers written another way, or a phone taken away, point no code anywhere new.
  editFile(users, '    mobilePhone: "+1 555 0199"\n    businessPhones: ["+31 13 555 0100"]\n', '    mobilePhone: "+1 (555) 0199"\n');
  const plain = await tenant.write(['apply', '-c', config, '--auto-approve']);
  expect(plain.code, plain.stderr).toBe(0);
  expect(plain.stdout).toContain('changed (1): emma.dekker@contoso.com');
});
