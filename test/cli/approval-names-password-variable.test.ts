// A temporary password read from a variable (password.fromEnv) is known to
// whoever knows that variable's value where apply runs, not only to its
// recipients: a pull request naming one the runner sets to a known value
// (XDG_RUNTIME_DIR is /run/user/1001 on many runners) created an Exchange
// administrator whose password its author knew. The approver read "sends the
// temporary password to it-desk@contoso.com" in the warnings, the "Needs
// approval" table and apply's refusal; the variable was only in the folded
// details. Each now names it.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { copyContoso, runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';
import { editFile } from '../support/edit-file.js';

it('the approval of a new administrator, or of an administrator’s reset, names the variable its password comes from', { timeout: 180_000 }, async () => {
  const database = contosoFolder('applied', path.join(tempDir('tenantctl-approval-password-variable-'), 'db'));
  // The runner's values: apply reads them (PASSWORD_ENV_UNSET otherwise), and nothing in the plan shows them.
  const env = { TENANTCTL_DATABASE_URL: database, XDG_RUNTIME_DIR: '/run/user/1001', DAAN_PASSWORD: 'Welkom-2026x' };
  const tenant = { read: (args: string[]) => runCli(args, { env }), write: (args: string[]) => runCli(args, { env }) };
  const config = copyContoso();
  const users = path.join(config, 'users.yaml');
  fs.appendFileSync(
    users,
    `
  - userPrincipalName: eve.ops@contoso.com
    displayName: Eve Ops
    roles: [Exchange administrator]
    password:
      fromEnv: XDG_RUNTIME_DIR
      forceChangePasswordNextSignIn: false
`,
  );
  editFile(users, '    roles: [Password administrator]\n', '    roles: [Password administrator]\n    password: { fromEnv: DAAN_PASSWORD, reset: "2026-12-08" }\n');

  const text = await tenant.read(['plan', '-c', config]);
  expect(text.stdout).toContain(
    '! Creates eve.ops@contoso.com, whom this plan grants Exchange administrator, and sends the temporary password from $XDG_RUNTIME_DIR to it-desk@contoso.com.\n',
  );
  expect(text.stdout).toContain('! Resets the password of daan.mulder@contoso.com, who holds Password administrator, and sends the temporary password from $DAAN_PASSWORD to it-desk@contoso.com.\n');
  const markdown = (await tenant.read(['plan', '-c', config, '--format', 'markdown'])).stdout;
  expect(markdown).toContain('| `eve.ops@contoso.com` | `+ password from $XDG_RUNTIME_DIR; temporary password sent to: it-desk@contoso.com` | privileged |');
  expect(markdown).toContain('and sends the temporary password from `$XDG_RUNTIME_DIR` to `it-desk@contoso.com`.');

  const refused = await tenant.write(['apply', '-c', config, '--auto-approve']);
  expect(refused.code, refused.stderr).toBe(3);
  expect(refused.stderr).toContain('  creates eve.ops@contoso.com, whom this plan grants Exchange administrator, its temporary password from $XDG_RUNTIME_DIR sent to it-desk@contoso.com\n');
  expect(refused.stderr).toContain('  resets the password of daan.mulder@contoso.com, who holds an admin role\n');
});
