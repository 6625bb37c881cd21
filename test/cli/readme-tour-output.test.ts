import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../support/cli.js';

// The README's tour and its drift walk-through run on the embedded database and say they were
// pasted from real runs: what an administrator following them sees must be what the README shows.
describe("the README's tour, on the embedded database, prints what the README shows", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  let dir: string;
  let database: string;
  let key: string;
  const env = () => ({ TENANTCTL_DATABASE_URL: database, CI: undefined });

  beforeAll(async () => {
    dir = tempDir();
    database = path.join(dir, 'db');
    key = path.join(dir, 'outbox.key');
    const init = await runCli(['init', '--catalog', 'examples/contoso/catalog.yaml', '--outbox-key', key], { env: env() });
    expect(init.code).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a mistyped option or --format value is refused in the words the README quotes', async () => {
    const option = await runCli(['plan', '-c', 'examples/contoso', '--detailed-exitcod'], { env: env() });
    expect(option.code).toBe(1);
    expect(option.stderr).toContain('(Did you mean --detailed-exitcode?)');
    expect(readme).toContain('`Did you mean --detailed-exitcode?`');
    const format = await runCli(['plan', '-c', 'examples/contoso', '--format', 'jsn'], { env: env() });
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('Did you mean json? Use text, json, markdown or html.');
    expect(readme).toContain('`Did you mean json? Use text, json, markdown or html.`');
  });

  it('plan --out refuses a markdown or text name, where JSON would land in place of the comment, as the README says', async () => {
    for (const name of ['plan.md', 'PLAN.Markdown', 'plan.txt']) {
      const out = path.join(dir, name);
      const plan = await runCli(['plan', '-c', 'examples/contoso', '--format', 'markdown', '--out', out], { env: env() });
      expect(plan.code).toBe(1);
      expect(plan.stdout).toBe('');
      expect(plan.stderr).toContain(`--out saves the JSON plan for \`apply --plan\`, not a report (got ${out}): write the comment with --format markdown > plan.md`);
      expect(fs.existsSync(out)).toBe(false);
    }
    const saved = await runCli(['plan', '-c', 'examples/contoso', '--format', 'markdown', '--out', path.join(dir, 'plan.json')], { env: env() });
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain('## tenantctl plan');
    expect(readme).toContain('(`--out` refuses a name ending in `.md`, `.txt` or `.html`)');
  });

  it("history's database role in the README's example is the one an embedded apply records", async () => {
    const apply = await runCli(['apply', '-c', 'examples/contoso', '--auto-approve', '--approve-purchases', '--approve-privileged', '--actor', 'alice'], { env: env() });
    expect(apply.code).toBe(0);
    const history = await runCli(['history', '--limit', '1'], { env: env() });
    expect(history.code).toBe(0);
    const role = /; database role (\S+); /.exec(history.stdout)?.[1];
    expect(role).toBe('postgres');
    const example = readme.slice(readme.indexOf('$ npx tenantctl history --limit 1\n'));
    expect(/; database role (\S+); /.exec(example)?.[1]).toBe(role);
  });

  it('deliver without a destination says what to set, and --pickup creates a missing folder private to its owner, as step 6 says', async () => {
    const nowhere = await runCli(['deliver', '--outbox-key', key], { env: { ...env(), TENANTCTL_SMTP_URL: undefined } });
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('deliver needs somewhere to send the credentials: set TENANTCTL_SMTP_URL');
    expect(nowhere.stderr).toContain('or pass --pickup DIR');
    expect(readme).toContain('`deliver needs somewhere to send the credentials: set TENANTCTL_SMTP_URL … or pass --pickup DIR`');
    // Step 4's edits, applied as step 5 does: Lucas is deleted before deliver runs, Tim is created.
    const config = path.join(dir, 'contoso');
    fs.cpSync(path.join(ROOT, 'examples', 'contoso'), config, { recursive: true });
    const users = path.join(config, 'users.yaml');
    const edited = fs
      .readFileSync(users, 'utf8')
      .replace('jobTitle: Sales Lead', 'jobTitle: Head of Sales')
      .replace(/(sanne\.visser[\s\S]*?disabledPlans: )\[YAMMER_ENTERPRISE\]/, '$1[SWAY, YAMMER_ENTERPRISE]')
      .replace(/\n {2}- userPrincipalName: lucas\.vandam@contoso\.com\n[\s\S]*?\n\n/, '\n');
    const heredoc = "cat >> examples/contoso/users.yaml <<'EOF'\n";
    const timStart = readme.indexOf(heredoc) + heredoc.length;
    const tim = readme.slice(timStart, readme.indexOf('\nEOF\n', timStart));
    fs.writeFileSync(users, `${edited}${tim}\n`);
    const apply = await runCli(['apply', '-c', config, '--auto-approve', '--approve-purchases', '--actor', 'alice'], { env: env() });
    expect(apply.stdout).toContain('Apply #2 complete: 5 change(s) committed in one transaction.');
    const pickup = path.join(dir, 'pickup');
    const deliver = await runCli(['deliver', '--outbox-key', key, '--pickup', pickup], { env: env() });
    expect(deliver.code).toBe(0);
    expect(deliver.stdout + deliver.stderr).toContain(`Delivered 13 of 13 notification(s) via the pickup folder ${pickup}.`);
    expect(fs.statSync(pickup).mode & 0o777).toBe(0o700);
    expect(readme).toContain('created (mode 0700) when it does not\nexist');
    const again = await runCli(['deliver', '--outbox-key', key, '--pickup', pickup], { env: env() });
    expect(again.code).toBe(0);
    // The README's second deliver, to the end of its block.
    const second = '$ npx tenantctl deliver --pickup /tmp/tenantctl-pickup\n';
    const shown = readme.slice(readme.lastIndexOf(second) + second.length, readme.indexOf('```', readme.lastIndexOf(second)));
    expect(again.stdout).toBe(shown);
  });
});
