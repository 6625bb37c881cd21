// deliver sends a queued temporary password where apply queued it, whatever
// the configuration says since. A pull request removed settings.adminEmail
// (it-desk@contoso.com: no approval, "the copies stop") and gave Joep's
// mailbox `mailNickname: it-desk`: one plain update, applied on the merge
// alone, and the next deliver put the copy of every password still queued,
// the Global administrators' among them, in Joep's mailbox (helper-154; the
// defaults' notify, the administrators' without one of their own, no longer
// named it-desk@ either). The
// recipients of what is still queued now count as addresses passwords are
// sent to (RECIPIENT_MAILBOX_TAKEN); once delivered, they no longer do.
import path from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { contosoWithoutItDeskRecipient } from '../support/contoso-config.js';
import { TEST_OUTBOX_KEY_FILE } from '../support/outbox-key.js';
import { embeddedLogins } from '../support/scenario-logins.js';
import { editFile } from '../support/edit-file.js';

interface JsonPlan {
  readonly approvals: string[];
  readonly changes: { kind: string; userPrincipalName: string }[];
  readonly warnings: { code: string; message: string }[];
}

it('a mailbox taking the address of credentials still queued needs --approve-privileged, settings.adminEmail removed or not', { timeout: 180_000 }, async () => {
  const tenant = embeddedLogins('tenantctl-queued-recipient-');
  const config = contosoWithoutItDeskRecipient();
  editFile(path.join(config, 'users.yaml'), '    jobTitle: Sales Lead\n', '    jobTitle: Sales Lead\n    mailNickname: it-desk\n');
  const plan = async () => JSON.parse((await tenant.read(['plan', '-c', config, '--format', 'json'])).stdout) as JsonPlan;

  const queued = await plan();
  expect(queued.changes.map((c) => [c.kind, c.userPrincipalName])).toEqual([['user.update', 'joep.devries@contoso.com']]);
  expect(queued.approvals).toEqual(['privileged']);
  const taken =
    'it-desk@contoso.com, a recipient of temporary passwords queued and not delivered yet, would reach the mailbox of joep.devries@contoso.com (its mailNickname becomes it-desk), which then reads those the next deliver sends there';
  expect(queued.warnings.filter((w) => w.code === 'RECIPIENT_MAILBOX_TAKEN').map((w) => w.message)).toEqual([`${taken}; apply needs --approve-privileged`]);
  const refused = await tenant.write(['apply', '-c', config, '--auto-approve']);
  expect(refused.code, refused.stderr).toBe(3);
  expect(refused.stderr).toContain(`this plan makes privileged changes:\n  ${taken}\napply stopped before changing anything`);

  // Delivered, the copies are in it-desk's mailbox as it was: the nickname reaches nothing queued.
  const delivered = await tenant.write(['deliver', '--pickup', path.join(tempDir('tenantctl-queued-pickup-'), 'out'), '--outbox-key', TEST_OUTBOX_KEY_FILE]);
  expect(delivered.code, delivered.stderr).toBe(0);
  expect((await plan()).approvals).toEqual([]);
});
