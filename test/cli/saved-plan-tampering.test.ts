import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GLOBAL_ADMINISTRATOR } from '../../src/catalog/catalog.js';
import type { PlanDocument } from '../../src/plan/plan-document.js';
import { contentHash } from '../../src/workflow/verify-saved-plan.js';
import { dumpEmbedded, dumpPostgres, type DirectoryDump } from '../reliability/support/directory-dump.js';
import { copyContoso, runCli, tempDir, type CliResult } from '../support/cli.js';
import { describePostgres } from '../support/postgres.js';
import { contosoFolder, contosoPostgres } from '../support/contoso-database.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
type EditablePlan = Mutable<PlanDocument> & Record<string, unknown>;
type EditableChange = EditablePlan['changes'][number] & Record<string, unknown>;

const CI_SECRET = 'ci-deploy-secret-Zq8#Lm2!Vx7p';
const ATTACKER = 'mallory@evil.example';

/**
 * Finding 1, each attack exactly as reported: a `plan --out` file edited by
 * hand. `expected` is what apply must say once planHash was updated to match
 * (so the edit is caught by the recomputation, not by the hash).
 */
interface Attack {
  readonly name: string;
  readonly edit: (plan: EditablePlan, context: { userIds: ReadonlyMap<string, string> }) => void;
  readonly flags: readonly string[];
  readonly expected: readonly string[];
}

const changesOf = (plan: EditablePlan) => plan.changes as EditableChange[];
const find = (plan: EditablePlan, kind: string, upn: string) => {
  const change = changesOf(plan).find((c) => c.kind === kind && c.userPrincipalName === upn);
  if (!change) throw new Error(`the base plan has no ${kind} of ${upn}`);
  return change;
};

const ATTACKS: readonly Attack[] = [
  {
    name: 'a role.grant edited to Global administrator',
    edit: (plan) => Object.assign(find(plan, 'role.grant', 'joep.devries@contoso.com'), { roleTemplateId: GLOBAL_ADMINISTRATOR, roleName: 'Global administrator' }),
    flags: ['--approve-privileged'],
    expected: [
      'the saved plan grants Global administrator to joep.devries@contoso.com, the configuration does not',
      'the configuration grants Exchange administrator to joep.devries@contoso.com, the saved plan does not',
    ],
  },
  {
    name: 'an appended user.create with password.fromEnv CI_DEPLOY_SECRET and an outside notify',
    edit: (plan) => {
      const create = find(plan, 'user.create', 'tim.dewit@contoso.com');
      plan.changes.push({ ...create, userPrincipalName: 'helper@contoso.com', password: { kind: 'env', variable: 'CI_DEPLOY_SECRET' }, notify: [ATTACKER] } as never);
      plan.summary.create += 1;
    },
    flags: ['--approve-privileged'],
    expected: ['the saved plan creates helper@contoso.com, the configuration does not'],
  },
  {
    name: 'an existing user.create switched to CI_DEPLOY_SECRET, mailed outside',
    edit: (plan) => Object.assign(find(plan, 'user.create', 'tim.dewit@contoso.com'), { password: { kind: 'env', variable: 'CI_DEPLOY_SECRET' }, notify: [ATTACKER] }),
    flags: ['--approve-privileged'],
    expected: ['the saved plan creates tim.dewit@contoso.com with different notify, password than the configuration'],
  },
  {
    name: 'settings.adminEmail changed',
    edit: (plan) => {
      plan.settings.adminEmail = ATTACKER;
    },
    flags: ['--approve-privileged'],
    expected: [`the saved plan has settings.adminEmail "${ATTACKER}", the configuration "it-desk@contoso.com"`],
  },
  {
    name: 'approvals and risks emptied',
    edit: (plan) => {
      plan.approvals = [];
      for (const change of changesOf(plan)) change.risks = [];
    },
    flags: [],
    expected: [
      'the saved plan grants Exchange administrator to joep.devries@contoso.com with different risks than the configuration',
      'the saved plan asks for the approvals none, the configuration needs [privileged]',
    ],
  },
  {
    name: 'a role name of a million characters',
    edit: (plan) => Object.assign(find(plan, 'role.grant', 'joep.devries@contoso.com'), { roleName: 'X'.repeat(1_000_000) }),
    flags: ['--approve-privileged'],
    // Quoted as diagnostics quote a value: its first 200 characters and its length, not a megabyte on stderr.
    expected: [`the saved plan grants ${'X'.repeat(200)}… (1,000,000 characters) to joep.devries@contoso.com with different roleName than the configuration`],
  },
  {
    name: 'a purchase of 1,000 seats at unitPrice 0',
    edit: (plan) => {
      plan.purchases.push({ sku: 'ENTERPRISEPACK', productName: 'Office 365 Enterprise E3', quantity: 1000, unitPrice: 0, currency: 'USD', monthlyCost: 0, spare: 0, reclaimable: [] } as never);
      plan.summary.seatsToPurchase += 1000;
    },
    flags: ['--approve-privileged', '--approve-purchases', '--max-purchase-cost', '50'],
    expected: ['the saved plan buys 1000 seats of ENTERPRISEPACK at 0 USD each (0 USD/month), the configuration buys no seats of ENTERPRISEPACK'],
  },
  {
    name: 'a purchase past --max-purchase-cost 50, its cost edited down',
    edit: (plan) => {
      plan.purchases.push({ sku: 'ENTERPRISEPACK', productName: 'Office 365 Enterprise E3', quantity: 1000, unitPrice: 20, currency: 'USD', monthlyCost: 20, spare: 0, reclaimable: [] } as never);
      plan.cost.monthlyIncrease = 20;
    },
    flags: ['--approve-privileged', '--approve-purchases', '--max-purchase-cost', '50'],
    expected: ['the saved plan buys 1000 seats of ENTERPRISEPACK at 20 USD each (20 USD/month), the configuration buys no seats of ENTERPRISEPACK'],
  },
  {
    name: '12 deletions appended, without --approve-deletions',
    edit: (plan, { userIds }) => {
      const victims = [...userIds].filter(([upn]) => upn !== 'joep.devries@contoso.com').slice(0, 12);
      // Shaped as plan --out writes a deletion, so the file passes the
      // schema and only the recomputation can tell it was not reviewed.
      const before = (upn: string) => ({
        userPrincipalName: upn, accountEnabled: true, deletedAt: null, roles: [], licenses: [],
        attributes: {
          displayName: upn, givenName: null, surname: null, mailNickname: upn.split('@')[0], jobTitle: null, department: null, mobilePhone: null,
          businessPhones: [], streetAddress: null, city: null, state: null, postalCode: null, country: null, usageLocation: null,
        },
      });
      for (const [upn, id] of victims) {
        plan.changes.push({
          kind: 'user.delete', userPrincipalName: upn, userId: id, restorableUntil: '2099-01-01T00:00:00.000Z',
          address: `users/${upn}`, risks: ['deletion'], before: before(upn), after: null,
        } as never);
      }
      plan.summary.delete += victims.length;
    },
    flags: ['--approve-privileged'],
    expected: ['the saved plan deletes alex.wilber@contoso.com, the configuration does not', 'the saved plan deletes noah.hendriks@contoso.com, the configuration does not', '\n  … and '],
  },
];

interface Backend {
  readonly env: () => Record<string, string>;
  readonly dump: () => Promise<DirectoryDump>;
}

/** Tests in order, inside a suite that runs beside the other database's. */
function attackSuite(backend: Backend, attacks: readonly Attack[], { bothVariants, allCases }: { bothVariants: boolean; allCases: boolean }) {
  let dir: string;
  let config: string;
  let basePlan: string;
  let base: EditablePlan;
  let userIds: Map<string, string>;
  /**
   * The directory as the last dump saw it. No test before the last applies, so
   * it is the state each test starts from: dumped once after each run (before
   * its assertions, so a test that fails leaves the next one its true start),
   * not once before and once after.
   */
  let lastDump: DirectoryDump;
  const dumpAfterRun = async (): Promise<{ before: DirectoryDump; after: DirectoryDump }> => {
    const before = lastDump;
    lastDump = await backend.dump();
    return { before, after: lastDump };
  };
  const env = () => ({ ...backend.env(), CI_DEPLOY_SECRET: CI_SECRET });

  beforeAll(async () => {
    dir = tempDir();
    // What a pull request proposes and a reviewer approved: a role for Joep and one new user.
    config = copyContoso();
    const usersFile = path.join(config, 'users.yaml');
    fs.writeFileSync(
      usersFile,
      fs.readFileSync(usersFile, 'utf8').replace('    jobTitle: Sales Lead\n', '    jobTitle: Sales Lead\n    roles: [Exchange administrator]\n') +
        '\n  - userPrincipalName: tim.dewit@contoso.com\n    displayName: Tim de Wit\n    notify: [tim.dewit@example.org]\n',
    );
    basePlan = path.join(dir, 'reviewed.json');
    expect((await runCli(['plan', '-c', config, '--out', basePlan], { env: env() })).code).toBe(0);
    base = JSON.parse(fs.readFileSync(basePlan, 'utf8')) as EditablePlan;
    lastDump = await backend.dump();
    const users = (JSON.parse(lastDump.directory) as { users: { id: string; user_principal_name: string }[] }).users;
    userIds = new Map(users.map((u) => [u.user_principal_name, u.id]));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(config, { recursive: true, force: true });
  });

  const variants = bothVariants ? [false, true] : [true];
  /**
   * An edit outside what planHash covers (the settings) gives the same file
   * with planHash updated or left: one run, its outcome asserted by both tests.
   */
  const refusals = new Map<string, Promise<{ run: CliResult } & Awaited<ReturnType<typeof dumpAfterRun>>>>();
  for (const attack of attacks) {
    for (const rehash of variants) {
      it.sequential(`${attack.name}${rehash ? ', planHash updated to match' : ', planHash left as it was'}: refused, nothing changed, nothing mailed`, async () => {
        const edited = structuredClone(base);
        attack.edit(edited, { userIds });
        if (rehash) edited.planHash = contentHash(edited as PlanDocument);
        const file = path.join(dir, 'edited.json');
        const text = JSON.stringify(edited, null, 2);
        const key = `${attack.name}\n${text}`;
        if (!refusals.has(key)) {
          fs.writeFileSync(file, text);
          refusals.set(key, runCli(['apply', '--plan', file, '-c', config, '--auto-approve', ...attack.flags], { env: env() }).then(async (run) => ({ run, ...(await dumpAfterRun()) })));
        }
        const { run, before, after } = await refusals.get(key)!;
        expect(run.code).toBe(1);
        const hashCatchesIt = contentHash(edited as PlanDocument) !== base.planHash;
        if (!rehash && hashCatchesIt) {
          expect(run.stderr).toContain(`${file} was edited after \`tenantctl plan --out\` wrote it: its planHash does not match its changes and purchases`);
        } else {
          expect(run.stderr).toContain(`${file} is not the plan the configuration and the tenant give, so it was not applied:`);
          for (const line of attack.expected) expect(run.stderr).toContain(line);
        }
        expect(run.stdout + run.stderr).not.toContain(CI_SECRET);
        // At most ten reasons, each bounded: whatever the file quotes.
        expect(run.stderr.length).toBeLessThan(30_000);
        expect(after).toEqual(before);
      });
    }
  }

  // Only a file that is exactly the recomputed plan skips the schema check of its changes; any other is checked first.
  const MALFORMED: readonly { name: string; edit: (plan: EditablePlan) => void; rehash: boolean; config: boolean; says?: string }[] = [
    { name: 'a change replaced by null', edit: (plan) => void ((plan.changes as unknown[])[0] = null), rehash: false, config: true },
    { name: 'a userPrincipalName made a number, planHash updated to match', edit: (plan) => void (changesOf(plan)[0]!.userPrincipalName = 7 as unknown as string), rehash: true, config: true },
    { name: 'a change given an unknown field, planHash updated, without -c', edit: (plan) => void (changesOf(plan)[0]!['sneaky'] = true), rehash: true, config: false },
    { name: 'a gitCommit of 100 characters', edit: (plan) => void (plan.gitCommit = 'a'.repeat(100)), rehash: false, config: true },
    { name: 'an unknown top-level field', edit: (plan) => void (plan['extra'] = 1), rehash: false, config: true, says: 'unknown field "extra"; check the spelling against schemas/plan.schema.json' },
  ];
  for (const malformed of allCases ? MALFORMED : []) {
    it.sequential(`${malformed.name}: refused as not a valid plan, nothing changed`, async () => {
      const edited = structuredClone(base);
      malformed.edit(edited);
      if (malformed.rehash) edited.planHash = contentHash(edited as PlanDocument);
      const file = path.join(dir, 'malformed.json');
      fs.writeFileSync(file, JSON.stringify(edited, null, 2));
      const run = await runCli(['apply', '--plan', file, ...(malformed.config ? ['-c', config] : []), '--auto-approve', '--approve-privileged'], { env: env() });
      const { before, after } = await dumpAfterRun();
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${file} is not a valid plan:`);
      expect(run.stderr).toContain('PLAN_FILE');
      if (malformed.says) expect(run.stderr).toContain(malformed.says);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(after).toEqual(before);
    });
  }

  if (allCases) {
    it.sequential('-c is required with --plan, and says why', async () => {
      const run = await runCli(['apply', '--plan', basePlan, '--auto-approve', '--approve-privileged'], { env: env() });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`apply --plan ${basePlan} needs -c PATH too: the configuration the plan was made from.`);
    });
  }

  it.sequential('the reviewed plan itself applies, and history records its hash', async () => {
    const run = await runCli(['apply', '--plan', basePlan, '-c', config, '--auto-approve', '--approve-privileged'], { env: env() });
    expect(run.code).toBe(0);
    const history = JSON.parse((await runCli(['history', '--format', 'json', '--limit', '1'], { env: env() })).stdout) as { applies: { planHash: string }[] };
    expect(history.applies[0]?.planHash).toBe(base.planHash);
  });
}

/**
 * The two databases' suites run side by side (each its own database, its tests
 * in order): one waits on PostgreSQL while the other runs PGlite.
 */
const SIDE_BY_SIDE = { concurrent: true } as const;

/**
 * Each attack, malformed file and variant is about the plan file, not the
 * engine, and a run on the embedded database costs three times the CPU: they
 * run on PostgreSQL, and the embedded database keeps one attack (refused,
 * nothing changed) and the reviewed plan applied, or all of them when no
 * server runs.
 */
const EVERY_CASE_EMBEDDED = inject('postgresUrl') === null;

describe('apply --plan applies only what was reviewed (embedded database)', SIDE_BY_SIDE, () => {
  const dir = tempDir();
  const database = path.join(dir, 'db');
  beforeAll(() => {
    contosoFolder('applied', database);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  attackSuite({ env: () => ({ TENANTCTL_DATABASE_URL: database }), dump: () => dumpEmbedded(database) }, EVERY_CASE_EMBEDDED ? ATTACKS : ATTACKS.slice(0, 1), {
    bothVariants: EVERY_CASE_EMBEDDED,
    allCases: EVERY_CASE_EMBEDDED,
  });
});

describePostgres('apply --plan applies only what was reviewed (PostgreSQL)', SIDE_BY_SIDE, () => {
  let url = '';
  beforeAll(async () => {
    url = await contosoPostgres('applied', 'saved_plan_tampering');
  });
  attackSuite({ env: () => ({ TENANTCTL_DATABASE_URL: url }), dump: () => dumpPostgres(url) }, ATTACKS, { bothVariants: true, allCases: true });
});
