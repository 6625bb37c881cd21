// Resetting the password of the mailbox settings.adminEmail is needs
// --approve-privileged (RECIPIENT_MAILBOX_TAKEN): that mailbox holds the copy
// of every temporary password sent, a break-glass account's that never has
// to change among them. Removing settings.adminEmail needs no approval, and
// the check read only the configuration's: a pull request removing it and
// resetting Emma's password (her mailbox is it-desk@, notify her private
// address, or its author's) was applied on the merge alone, and so was the
// same split over two pull requests (helper-154). A mailbox an apply ever
// recorded as settings.adminEmail now counts.
import path from 'node:path';
import { expect, it } from 'vitest';
import { copyContoso } from '../support/cli.js';
import { embeddedLogins } from '../support/scenario-logins.js';
import { editFile } from '../support/edit-file.js';

const EMMA = '    jobTitle: Warehouse Coordinator\n';

it('resetting the password of a mailbox settings.adminEmail was needs --approve-privileged, removed in the same pull request or an earlier one', { timeout: 180_000 }, async () => {
  const tenant = embeddedLogins('tenantctl-recorded-admin-email-');
  const config = copyContoso();
  const users = path.join(config, 'users.yaml');
  // Emma's mailbox becomes it-desk@ (approved, as it must be).
  editFile(users, EMMA, `${EMMA}    mailNickname: it-desk\n    notify: [emma.dekker@example.org]\n`);
  expect((await tenant.write(['apply', '-c', config, '--auto-approve', '--approve-privileged'])).code).toBe(0);

  editFile(path.join(config, 'tenant.yaml'), '  adminEmail: it-desk@contoso.com\n', '');
  editFile(users, '    notify: [emma.dekker@example.org]\n', '    notify: [emma.dekker@example.org]\n    password: { reset: "2026-12-07" }\n');
  const taken =
    'this plan resets the password of emma.dekker@contoso.com, whose mailbox is it-desk@contoso.com, settings.adminEmail as an earlier apply recorded it, which keeps the copies of the temporary passwords sent there then';
  const together = await tenant.write(['apply', '-c', config, '--auto-approve']);
  expect(together.code, together.stderr).toBe(3);
  expect(together.stderr).toContain(`this plan makes privileged changes:\n  ${taken}\napply stopped before changing anything`);

  // Split: the removal alone needs nothing, and the reset after it still needs the approval.
  editFile(users, '    password: { reset: "2026-12-07" }\n', '');
  const removed = await tenant.write(['apply', '-c', config, '--auto-approve']);
  expect(removed.code, removed.stderr).toBe(0);
  editFile(users, '    notify: [emma.dekker@example.org]\n', '    notify: [emma.dekker@example.org]\n    password: { reset: "2026-12-07" }\n');
  const after = await tenant.write(['apply', '-c', config, '--auto-approve']);
  expect(after.code, after.stderr).toBe(3);
  expect(after.stderr).toContain(`this plan makes privileged changes:\n  ${taken}\napply stopped before changing anything`);
});
