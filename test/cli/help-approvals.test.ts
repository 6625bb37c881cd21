// `tenantctl help apply` is where a pipeline author looks up which flag a
// change needs. It must name every kind of change that needs
// --approve-privileged (README, "Approvals and saved plans"), or a job
// written from it stops with exit 3 on a change the help said nothing of.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/** One phrase per row of the README's table of privileged changes. */
const PRIVILEGED = [
  ['role.grant', 'granting an admin role'],
  ['role.revoke', 'revoking Global administrator'],
  ['user.delete', 'deleting'],
  ['user.block', 'blocking'],
  ['user.unblock', 'allowing sign-in again to'],
  ['user.restore', 'restoring'],
  ['user.password-reset', 'resetting the password of'],
  ['user.rename', 'renaming'],
  ['user.update', 'setting a phone of'],
  ['user.update', 'turning off password expiry of'],
  ['RECIPIENT_MAILBOX_TAKEN', 'giving a mailbox an address temporary passwords are sent to'],
  ['ADMIN_EMAIL_CHANGED', 'setting settings.adminEmail to a new address'],
] as const;

/** The help as one line: commander wraps it to 80 columns wherever a space falls. */
async function helpOfApply(): Promise<{ description: string; flag: string }> {
  const help = await runCli(['help', 'apply']);
  expect(help.code).toBe(0);
  const flat = help.stdout.replace(/\s+/g, ' ');
  const start = flat.indexOf('--approve-privileged allow');
  return { description: flat.slice(0, flat.indexOf('Options:')), flag: flat.slice(start, flat.indexOf('--max-purchase-cost', start)) };
}

describe('tenantctl help apply names every privileged change', () => {
  it.each(PRIVILEGED)('%s (%s) in the description and on --approve-privileged', async (_kind, phrase) => {
    const { description, flag } = await helpOfApply();
    expect(description).toContain(phrase);
    expect(flag.replace('granting admin roles', 'granting an admin role')).toContain(phrase);
  });
});
