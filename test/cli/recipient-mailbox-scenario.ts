// settings.adminEmail gets a copy of every temporary password, and each notify
// address the passwords of its users. A pull request that set a colleague's
// mailNickname to `it-desk` (settings.adminEmail it-desk@contoso.com, which no
// declared user held) planned one plain update, and apply made it on the merge
// alone: from then on that colleague's mailbox received the copy of every
// temporary password, a new Global administrator's among them. Renaming a user
// to an address a notify names, or resetting the password of the mailbox
// settings.adminEmail is or an administrator's notify names, did the same. Each now needs --approve-privileged
// (RECIPIENT_MAILBOX_TAKEN). Run as a user runs the CLI, on the embedded
// database and on PostgreSQL with the reader planning and the writer applying
// (recipient-mailbox-*.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyContoso } from '../support/cli.js';
import type { ScenarioLogins } from '../support/scenario-logins.js';

/** How the scenario reads (plans) and writes (applies) on its engine. */
export type Tenant = ScenarioLogins;

const EMMA = '    jobTitle: Warehouse Coordinator\n';

function edit(config: string, edits: readonly (readonly [string, string])[]): void {
  const users = path.join(config, 'users.yaml');
  let text = fs.readFileSync(users, 'utf8');
  for (const [from, to] of edits) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  fs.writeFileSync(users, text);
}

/** Apply refuses the plan (exit 3) naming `privileged` among its privileged changes, then applies it with --approve-privileged; the refusal's stderr. */
async function refusedThenApproved(tenant: Tenant, config: string, privileged: string): Promise<string> {
  const refused = await tenant.write(['apply', '-c', config, '--auto-approve']);
  expect(refused.code, refused.stderr).toBe(3);
  expect(refused.stderr).toContain(privileged);
  const approved = await tenant.write(['apply', '-c', config, '--auto-approve', '--approve-privileged']);
  expect(approved.code, approved.stderr).toBe(0);
  return refused.stderr;
}

interface JsonPlan {
  readonly approvals: string[];
  readonly changes: { kind: string; userPrincipalName: string; risks: string[] }[];
  readonly warnings: { code: string; message: string }[];
}

export function scenario(name: string, open: () => Promise<Tenant>, describeIt = describe) {
  describeIt(`a mailbox given an address temporary passwords are sent to (${name})`, { timeout: 180_000 }, () => {
    let tenant: Tenant;
    const config = copyContoso();

    beforeAll(async () => {
      tenant = await open();
    });

    it.sequential("settings.adminEmail taken by a colleague's mailNickname needs --approve-privileged; another nickname does not", async () => {
      edit(config, [
        [EMMA, `${EMMA}    mailNickname: it-desk\n    notify: [emma.dekker@example.org]\n`],
        // Joep's nickname reaches no address passwords are sent to.
        ['    jobTitle: Sales Lead\n', '    jobTitle: Sales Lead\n    mailNickname: joep\n'],
      ]);
      const taken =
        'settings.adminEmail it-desk@contoso.com would reach the mailbox of emma.dekker@contoso.com (its mailNickname becomes it-desk), which then reads the copy of every temporary password';
      const text = await tenant.read(['plan', '-c', config]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain(`! Applying this plan needs approval: privileged (--approve-privileged).\n! RECIPIENT_MAILBOX_TAKEN: ${taken}; apply needs --approve-privileged\n`);
      const json = JSON.parse((await tenant.read(['plan', '-c', config, '--format', 'json'])).stdout) as JsonPlan;
      expect(json.approvals).toEqual(['privileged']);
      expect(json.warnings.filter((w) => w.code === 'RECIPIENT_MAILBOX_TAKEN')).toHaveLength(1);
      expect(json.changes.map((c) => [c.kind, c.userPrincipalName, c.risks])).toEqual([
        ['user.update', 'emma.dekker@contoso.com', []],
        ['user.update', 'joep.devries@contoso.com', []],
      ]);
      const markdown = (await tenant.read(['plan', '-c', config, '--format', 'markdown'])).stdout;
      expect(markdown).toContain('privileged (--approve-privileged)');
      expect(markdown).toContain('RECIPIENT\\_MAILBOX\\_TAKEN: `settings.adminEmail it-desk@contoso.com would reach the mailbox of emma.dekker@contoso.com');

      const refused = await tenant.write(['apply', '-c', config, '--auto-approve']);
      expect(refused.code, refused.stderr).toBe(3);
      expect(refused.stderr).toContain(`this plan makes privileged changes:\n  ${taken}\napply stopped before changing anything: re-run with --approve-privileged`);
      // Nothing was changed: the same plan again.
      expect((await tenant.read(['plan', '-c', config])).stdout).toContain(`! RECIPIENT_MAILBOX_TAKEN: ${taken}`);
      const approved = await tenant.write(['apply', '-c', config, '--auto-approve', '--approve-privileged']);
      expect(approved.code, approved.stderr).toBe(0);
      const after = await tenant.read(['plan', '-c', config, '--detailed-exitcode']);
      expect(after.code, after.stdout).toBe(0);
    });

    it.sequential("resetting the password of settings.adminEmail's mailbox needs it; another user's reset does not", async () => {
      edit(config, [
        ['    notify: [emma.dekker@example.org]\n', '    notify: [emma.dekker@example.org]\n    password: { reset: "2026-12-07" }\n'],
        ['    jobTitle: Account Manager\n', '    jobTitle: Account Manager\n    password: { reset: "2026-12-07" }\n'],
      ]);
      const refusal = await refusedThenApproved(
        tenant,
        config,
        'this plan makes privileged changes:\n  this plan resets the password of emma.dekker@contoso.com, whose mailbox is settings.adminEmail it-desk@contoso.com, which gets a copy of every temporary password\napply stopped',
      );
      expect(refusal).not.toContain('isabella');
    });

    it.sequential("renaming a user to an address an administrator's notify names needs it", async () => {
      // security@contoso.com receives the temporary passwords of alex.wilber and the break-glass account.
      edit(config, [['  - userPrincipalName: lucas.vandam@contoso.com\n', '  - userPrincipalName: security@contoso.com\n    renamedFrom: lucas.vandam@contoso.com\n']]);
      await refusedThenApproved(
        tenant,
        config,
        '  security@contoso.com, notify of alex.wilber@contoso.com, an administrator, would reach the mailbox of security@contoso.com (renamed from lucas.vandam@contoso.com), which then reads the temporary passwords sent there\n',
      );
      expect((await tenant.read(['plan', '-c', config, '--detailed-exitcode'])).code).toBe(0);
    });

    it.sequential("resetting the password of a mailbox an administrator's notify names needs it, whoever's mailbox it is (helper-156)", async () => {
      // Lucas, now security@ and holding no role: a reset sent to the pull request's author would open Alex's passwords to them.
      edit(config, [['    jobTitle: Warehouse Operator\n', '    jobTitle: Warehouse Operator\n    notify: [attacker@evil.example]\n    password: { reset: "2026-12-07" }\n']]);
      await refusedThenApproved(
        tenant,
        config,
        'this plan makes privileged changes:\n  this plan resets the password of security@contoso.com, whose mailbox is security@contoso.com, notify of alex.wilber@contoso.com, an administrator, which gets the temporary passwords sent there\napply stopped',
      );
    });
  });
}
