// The examples in the help texts run against the shipped example
// (examples/contoso) and do what they show: the top-level help's
// `apply --plan … --approve-purchases` stopped with exit 3 there, as the
// example also grants admin roles (--approve-privileged). Each help page's
// examples run in their order on a database at the stage they presuppose,
// and the table below names every example: a new or changed one fails
// here until it is run too.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase, type ContosoStage } from '../support/contoso-database.js';
import { postgresTestUrl } from '../support/postgres.js';

/** Where the deliver example's pickup folder goes instead of /var/spool/tenantctl. */
const SPOOL = '/var/spool/tenantctl';

interface Page {
  /** What the database holds before the page's first example; 'empty': nothing (the page starts with init). */
  readonly stage: ContosoStage | 'empty';
  /** Commands run first, as a reader of the page would have (a plan.json to apply). */
  readonly before?: readonly string[];
  /**
   * Each example, as the page shows it (continuation lines joined), and its exit code without a
   * terminal; -1: not run. `instead`: an alternative to the example before it, run with what that
   * one wrote removed first.
   */
  readonly examples: Readonly<Record<string, number | { readonly code: number; readonly instead: string }>>;
}

const PAGES: Readonly<Record<string, Page>> = {
  '': {
    stage: 'empty',
    examples: {
      'tenantctl init --catalog examples/contoso/catalog.yaml': 0,
      'tenantctl validate -c examples/contoso': 0,
      'tenantctl plan -c examples/contoso --out plan.json': 0,
      'tenantctl apply --plan plan.json -c examples/contoso --auto-approve --approve-purchases --approve-privileged': 0,
      'tenantctl drift -c examples/contoso --format markdown': 0,
      'tenantctl export --out tenant.yaml': 0,
      'tenantctl history --since 7d': 0,
      'tenantctl deliver --pickup /var/spool/tenantctl': 0,
    },
  },
  init: { stage: 'empty', examples: { 'tenantctl init --catalog examples/contoso/catalog.yaml': 0 } },
  validate: {
    stage: 'initialised',
    examples: { 'tenantctl validate -c examples/contoso': 0, 'tenantctl validate -c examples/contoso --format github': 0 },
  },
  plan: {
    stage: 'initialised',
    examples: {
      'tenantctl plan -c examples/contoso': 0,
      // The example's plan has changes on a database that has not applied it.
      'tenantctl plan -c examples/contoso --out plan.json --detailed-exitcode': 2,
      'tenantctl plan -c examples/contoso --format markdown > comment.md': 0,
      'tenantctl plan -c examples/contoso --format html > plan.html': 0,
    },
  },
  apply: {
    stage: 'initialised',
    before: ['plan -c examples/contoso --out plan.json'],
    examples: {
      // At a terminal it asks for each approval; without one it stops, naming the flags.
      'tenantctl apply -c examples/contoso': 3,
      'tenantctl apply --plan plan.json -c examples/contoso --auto-approve --approve-purchases --approve-privileged': 0,
    },
  },
  drift: {
    stage: 'applied',
    examples: {
      'tenantctl drift -c examples/contoso': 0,
      'tenantctl drift -c examples/contoso --format markdown > drift.md': 0,
      'tenantctl drift -c examples/contoso --format json > drift.json': 0,
      'tenantctl drift -c examples/contoso --format html --out drift.html': 0,
    },
  },
  export: {
    stage: 'applied',
    examples: {
      'tenantctl export > tenant.yaml': 0,
      'tenantctl export --out config/tenant.yaml': 0,
      'tenantctl export --split department --out config  # tenant.yaml, users-*.yaml': { code: 0, instead: 'config' },
      // Not after the split by department: its files would stay beside these, each user declared twice.
      'tenantctl export --split domain --out config --force': { code: 0, instead: 'config' },
      'tenantctl plan -c config                          # only user.adopt changes': 0,
    },
  },
  history: {
    stage: 'applied',
    examples: {
      'tenantctl history --limit 5': 0,
      'tenantctl history --since 7d': 0,
      'tenantctl history --user megan.bowen@contoso.com': 0,
      'tenantctl history --since 2026-11-01 --format json': 0,
    },
  },
  deliver: {
    stage: 'applied',
    examples: {
      // Not run: it would mail smtp.contoso.com.
      'TENANTCTL_SMTP_URL=smtp://tenantctl:secret@smtp.contoso.com:587 tenantctl deliver': -1,
      'tenantctl deliver --pickup /var/spool/tenantctl': 0,
    },
  },
};

const root = tempDir('tenantctl-help-examples-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** The page's examples, one a line, a line ending in `\` joined with the next. */
async function examplesOf(page: string): Promise<string[]> {
  const help = await runCli(page === '' ? ['help'] : ['help', page]);
  expect(help.code, help.stderr).toBe(0);
  const block = /\nExamples?:\n([\s\S]*?)(?:\n\n|$)/.exec(help.stdout)?.[1] ?? '';
  return block.replace(/ \\\n\s+/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line !== '');
}

/** One example run as a shell would: `# …` a comment, `> FILE` standard output into FILE. */
async function runExample(example: string, cwd: string, database: string, pickup: string): Promise<{ code: number | null; stderr: string }> {
  const [command = '', redirect] = example.replace(/\s+#.*$/, '').split(' > ');
  const args = command.split(/\s+/).slice(1).map((arg) => (arg === SPOOL ? pickup : arg));
  const run = await runCli(args, { cwd, env: { TENANTCTL_DATABASE_URL: database, CI: 'true' } });
  if (redirect !== undefined) fs.writeFileSync(path.join(cwd, redirect.trim()), run.stdout);
  return run;
}

describe.concurrent('the examples of each help page', () => {
  it.each(Object.keys(PAGES))('tenantctl help %s', async (page) => {
    const { stage, before = [], examples } = PAGES[page]!;
    expect(await examplesOf(page)).toEqual(Object.keys(examples));
    const cwd = path.join(root, page || 'tenantctl');
    fs.mkdirSync(cwd);
    fs.cpSync(path.join(ROOT, 'examples'), path.join(cwd, 'examples'), { recursive: true });
    // On the test server when it runs (the engine is not what the examples show): some 40 CLI runs,
    // each half the CPU of one that starts the embedded database.
    const label = `help_examples_${page}`;
    const database = stage === 'empty' ? ((await postgresTestUrl(label)) ?? path.join(cwd, 'db')) : await contosoDatabase(stage, label, path.join(cwd, 'db'));
    const pickup = path.join(cwd, 'pickup');
    for (const command of before) {
      const run = await runCli(command.split(' '), { cwd, env: { TENANTCTL_DATABASE_URL: database } });
      expect(run.code, run.stderr).toBe(0);
    }
    for (const [example, expected] of Object.entries(examples)) {
      const { code, instead } = typeof expected === 'number' ? { code: expected, instead: undefined } : expected;
      if (code < 0) continue;
      if (instead !== undefined) fs.rmSync(path.join(cwd, instead), { recursive: true });
      const run = await runExample(example, cwd, database, pickup);
      expect({ example, code: run.code }, run.stderr).toEqual({ example, code });
    }
  }, 600_000);
});
