// A typo on the command line must not print the database's password: commander and
// the options' own checks quote what they refuse.
import { describe, expect, it } from 'vitest';
import { commandLineSecretsHider } from '../../cmd/command-line-secrets.js';
import { runCli } from '../support/cli.js';

const URL = 'postgres://owner:S3cretPW@127.0.0.1:1/tenant';

describe('arguments refused on the command line are quoted with their passwords masked', () => {
  it.each([
    { args: [URL, 'history'], shown: "error: unknown command 'postgres://owner:****@127.0.0.1:1/tenant'" },
    { args: ['help', URL], shown: "error: unknown command 'postgres://owner:****@127.0.0.1:1/tenant'" },
    { args: [`--databse=${URL}`, 'history'], shown: "error: unknown option '--databse=postgres://owner:****@127.0.0.1:1/tenant'" },
    { args: ['history', `--database-url=${URL}`], shown: "error: unknown option '--database-url=postgres://owner:****@127.0.0.1:1/tenant'" },
    { args: ['history', '-downer:S3cretPW@db/tenant'], shown: "error: unknown option '****@db/tenant (what comes before its last @ is not shown" },
    { args: ['history', `--format=${URL}`], shown: "argument 'postgres://owner:****@127.0.0.1:1/tenant' is invalid" },
    { args: ['history', '--lock-timeout', URL], shown: '(got postgres://owner:****@127.0.0.1:1/tenant)' },
  ])('$shown', async ({ args, shown }) => {
    // `help` takes no --format; the others print the failure as JSON on stdout too.
    for (const format of args[0] === 'help' ? [[]] : [[], ['--format', 'json']]) {
      const run = await runCli([...args, ...format]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(shown);
      expect(`${run.stdout}${run.stderr}`).not.toContain('S3cretPW');
    }
  });
});

describe('commandLineSecretsHider', () => {
  it('leaves arguments that hold no password as they are', () => {
    const hide = commandLineSecretsHider(['plan', '-c', 'C:\\Users\\jan@contoso.com\\tenant', '--out=plan.json', 'jan@contoso.com']);
    const message = "cannot read C:\\Users\\jan@contoso.com\\tenant, plan.json or 'jan@contoso.com'";
    expect(hide(message)).toBe(message);
  });

  it('masks a key=value password and a URL given as an option=value, whole or as the value alone', () => {
    const hide = commandLineSecretsHider(['--database=host=db password=S3cretPW', `--url=${URL}`]);
    expect(hide("unknown option '--database=host=db password=S3cretPW'")).toBe("unknown option '--database=host=db password=****'");
    expect(hide(`argument '${URL}' is invalid`)).toBe("argument 'postgres://owner:****@127.0.0.1:1/tenant' is invalid");
  });
});
