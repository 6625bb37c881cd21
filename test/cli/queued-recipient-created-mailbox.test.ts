// A pull request removed settings.adminEmail (it-desk@contoso.com: no
// approval, "the copies stop") and created the user it-desk@contoso.com with
// notify its author's address: one plain creation, applied on the merge
// alone. deliver sends what is queued where apply queued it, so the next one
// sent that author the new mailbox's password and put in that mailbox the
// copy of every password still queued, the Global administrators' among them
// (helper-158). A creation at an address in force is refused by validation
// (NOTIFY_CREATED_MAILBOX); at one only queued it now needs --approve-privileged.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { contosoWithoutItDeskRecipient } from '../support/contoso-config.js';
import { embeddedLogins } from '../support/scenario-logins.js';

interface JsonPlan {
  readonly approvals: string[];
  readonly changes: { kind: string; userPrincipalName: string }[];
  readonly warnings: { code: string; message: string }[];
}

it('creating the mailbox of credentials still queued needs --approve-privileged', { timeout: 180_000 }, async () => {
  const tenant = embeddedLogins('tenantctl-queued-created-');
  const config = contosoWithoutItDeskRecipient();
  fs.appendFileSync(path.join(config, 'users.yaml'), '\n  - userPrincipalName: it-desk@contoso.com\n    displayName: IT desk\n    notify: [attacker@example.org]\n');

  const plan = JSON.parse((await tenant.read(['plan', '-c', config, '--format', 'json'])).stdout) as JsonPlan;
  expect(plan.changes.map((c) => [c.kind, c.userPrincipalName])).toEqual([['user.create', 'it-desk@contoso.com']]);
  expect(plan.approvals).toEqual(['privileged']);
  const taken =
    'it-desk@contoso.com, a recipient of temporary passwords queued and not delivered yet, would reach the mailbox of it-desk@contoso.com (a user this plan creates), which then reads those the next deliver sends there';
  expect(plan.warnings.filter((w) => w.code === 'RECIPIENT_MAILBOX_TAKEN').map((w) => w.message)).toEqual([`${taken}; apply needs --approve-privileged`]);
  const refused = await tenant.write(['apply', '-c', config, '--auto-approve']);
  expect(refused.code, refused.stderr).toBe(3);
  expect(refused.stderr).toContain(`this plan makes privileged changes:\n  ${taken}\napply stopped before changing anything`);
});
