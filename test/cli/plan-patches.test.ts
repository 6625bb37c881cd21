import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyContoso, ROOT, runCli, tempDir } from '../support/cli.js';
import { contosoDatabase } from '../support/contoso-database.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface License {
  readonly sku: string;
  readonly disabledPlans: readonly string[];
}
interface UserState {
  readonly userPrincipalName: string;
  readonly accountEnabled: boolean;
  readonly attributes: Record<string, unknown>;
  readonly licenses: readonly License[];
}
interface Change {
  readonly kind: string;
  readonly userPrincipalName: string;
  readonly sku?: string;
  readonly toDisabledPlans?: readonly string[];
  readonly patch?: readonly Operation[];
  readonly before?: UserState | null;
  readonly after?: UserState | null;
}
interface Plan {
  readonly formatVersion: string;
  readonly changes: readonly Change[];
}

const apply = <T>(document: T, patch: readonly Operation[]): T =>
  jsonpatch.applyPatch(jsonpatch.deepClone(document) as T, patch as Operation[], true, false).newDocument;

/** `text` with `from` replaced, which must be there. */
function edit(text: string, from: string, to: string): string {
  expect(text, `users.yaml holds ${JSON.stringify(from)}`).toContain(from);
  return text.replace(from, to);
}

/**
 * JSON plan 2.1 as the CLI makes it from edits of the contoso example: the
 * patches of user.block, user.unblock and license.update, applied with
 * fast-json-patch to the user's state before, give the change's result, and
 * the tenant after apply is that result.
 */
describe('patches in the JSON plan of the edited contoso example', () => {
  let dir: string;
  let config: string;
  let users: string;
  let plan: Plan;
  let stdout: string;
  let planFile: string;
  let database: string;
  const env = () => ({ TENANTCTL_DATABASE_URL: database });
  const of = (kind: string, upn: string) => {
    const found = plan.changes.filter((c) => c.kind === kind && c.userPrincipalName === upn);
    expect(found, `${kind} ${upn}`).toHaveLength(1);
    return found[0]!;
  };
  /** The user's state before the plan, from `before` of their user.* changes. */
  const before = (upn: string) => plan.changes.find((c) => c.userPrincipalName === upn && c.before)!.before!;
  const after = (upn: string) => plan.changes.find((c) => c.userPrincipalName === upn && c.after)!.after!;

  beforeAll(async () => {
    dir = tempDir();
    database = await contosoDatabase('applied', 'plan_patches', path.join(dir, 'db'));
    config = copyContoso();
    users = path.join(config, 'users.yaml');
    let text = fs.readFileSync(users, 'utf8');
    // Noah back from leave, Isabella blocked.
    text = edit(text, '    accountEnabled: false\n    licenses:\n      - O365_BUSINESS_PREMIUM\n', '    licenses:\n      - O365_BUSINESS_PREMIUM\n');
    text = edit(text, '    city: Rotterdam\n', '    city: Rotterdam\n    accountEnabled: false\n');
    // Sanne: a new job, Yammer back on in E3 (her licence 0), Visio Online off (her licence 1).
    text = edit(text, '    jobTitle: Financial Analyst\n', '    jobTitle: Senior Financial Analyst\n');
    text = edit(text, '      - sku: ENTERPRISEPACK\n        disabledPlans: [YAMMER_ENTERPRISE]\n      - VISIOCLIENT\n', '      - ENTERPRISEPACK\n      - sku: VISIOCLIENT\n        disabledPlans: [VISIOONLINE]\n');
    // Emma: only her licence changes, so the plan shows no state of hers.
    text = edit(text, '        disabledPlans: [SWAY, YAMMER_ENTERPRISE]\n', '        disabledPlans: [YAMMER_ENTERPRISE]\n');
    fs.writeFileSync(users, text);
    planFile = path.join(dir, 'plan.json');
    // One run prints the plan and saves it: the two writers of the same JSON.
    const run = await runCli(['plan', '-c', config, '--format', 'json', '--out', planFile], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    stdout = run.stdout;
    plan = JSON.parse(stdout) as Plan;
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(config, { recursive: true, force: true });
  });

  it('is format 2.2 (its patches came in 2.1), valid against schemas/plan.schema.json, with a patch on every update and nowhere else', () => {
    expect(plan.formatVersion).toBe('2.2');
    const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'plan.schema.json'), 'utf8')) as object);
    expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
    expect(plan.changes.map((c) => `${c.kind} ${c.userPrincipalName}${c.patch ? ' (patch)' : ''}`)).toEqual([
      'license.update emma.dekker@contoso.com (patch)',
      'user.block isabella.janssen@contoso.com (patch)',
      'user.unblock noah.hendriks@contoso.com (patch)',
      'user.update sanne.visser@contoso.com (patch)',
      'license.update sanne.visser@contoso.com (patch)',
      'license.update sanne.visser@contoso.com (patch)',
    ]);
  });

  it('user.block and user.unblock: applied to before, give after', () => {
    for (const change of [of('user.block', 'isabella.janssen@contoso.com'), of('user.unblock', 'noah.hendriks@contoso.com')]) {
      expect(change.patch).toEqual([{ op: 'replace', path: '/accountEnabled', value: change.kind === 'user.unblock' }]);
      expect(apply(change.before!, change.patch!)).toEqual(change.after);
    }
  });

  it('license.update: applied to before, gives before with that licence as after has it, by its index in before', () => {
    const sanne = 'sanne.visser@contoso.com';
    const updates = plan.changes.filter((c) => c.kind === 'license.update' && c.userPrincipalName === sanne);
    expect(updates.map((c) => c.patch![1]!.path)).toEqual(['/licenses/0/disabledPlans', '/licenses/1/disabledPlans']);
    for (const change of updates) {
      const patched = apply(before(sanne), change.patch!);
      expect(patched).toEqual({ ...before(sanne), licenses: before(sanne).licenses.map((l) => (l.sku === change.sku ? { sku: l.sku, disabledPlans: change.toDisabledPlans } : l)) });
      expect(patched.licenses.find((l) => l.sku === change.sku)).toEqual(after(sanne).licenses.find((l) => l.sku === change.sku));
    }
    expect(of('license.update', 'emma.dekker@contoso.com').patch).toEqual([
      { op: 'test', path: '/licenses/0/sku', value: 'STANDARDPACK' },
      { op: 'replace', path: '/licenses/0/disabledPlans', value: ['YAMMER_ENTERPRISE'] },
    ]);
  });

  it('all of a user’s patches on before (user.update’s on its attributes) give after', () => {
    const sanne = 'sanne.visser@contoso.com';
    let state = before(sanne);
    for (const change of plan.changes.filter((c) => c.userPrincipalName === sanne)) {
      state = change.kind === 'user.update' ? { ...state, attributes: apply(state.attributes, change.patch!) } : apply(state, change.patch!);
    }
    expect(state).toEqual(after(sanne));
  });

  it('plan --out saved the same bytes; apply refuses it as format 2.0 or with a patch edited, takes it as the recomputed plan, and leaves the tenant as the patches say', async () => {
    const saved = fs.readFileSync(planFile);
    expect(saved.equals(Buffer.from(stdout))).toBe(true);

    // A patch edited in the saved file is caught: it is part of the plan's hash.
    const tampered = path.join(dir, 'tampered.json');
    const sanneVisio = '"path": "/licenses/1/disabledPlans"';
    expect(stdout.split(sanneVisio)).toHaveLength(2);
    fs.writeFileSync(tampered, stdout.replace(sanneVisio, '"path": "/licenses/0/disabledPlans"'));
    const refused = await runCli(['apply', '--plan', tampered, '-c', config, '--auto-approve'], { env: env() });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('was edited after `tenantctl plan --out` wrote it');

    // A plan of format 2.0 (as the version before made it) is refused, saying what to do.
    const older = path.join(dir, 'older.json');
    fs.writeFileSync(older, stdout.replace('"formatVersion": "2.2"', '"formatVersion": "2.0"'));
    const old = await runCli(['apply', '--plan', older, '-c', config, '--auto-approve'], { env: env() });
    expect(old.code).toBe(1);
    expect(old.stderr).toContain(`${older} is not a tenantctl plan of format 2.2 (formatVersion: "2.0"); make it again with \`tenantctl plan --out\``);

    const applied = await runCli(['apply', '--plan', planFile, '-c', config, '--auto-approve'], { env: { ...env(), TENANTCTL_DEBUG_TRACE: '1' } });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain('tenantctl debug: saved plan: exactly the recomputed plan');

    // The states the tenant has now, shown as `before` of one more edit to each user.
    const expected = new Map<string, UserState>();
    for (const upn of ['isabella.janssen@contoso.com', 'noah.hendriks@contoso.com', 'sanne.visser@contoso.com']) {
      let state = before(upn);
      for (const change of plan.changes.filter((c) => c.userPrincipalName === upn)) {
        state = change.kind === 'user.update' ? { ...state, attributes: apply(state.attributes, change.patch!) } : apply(state, change.patch!);
      }
      expected.set(upn, state);
    }
    let text = fs.readFileSync(users, 'utf8');
    for (const [from, to] of [['Rotterdam', 'Delft'], ['Designer', 'Lead Designer'], ['Senior Financial Analyst', 'Finance Lead']] as const) text = edit(text, from, to);
    fs.writeFileSync(users, text);
    const next = JSON.parse((await runCli(['plan', '-c', config, '--format', 'json'], { env: env() })).stdout) as Plan;
    const now = new Map(next.changes.filter((c) => c.kind === 'user.update').map((c) => [c.userPrincipalName, c.before]));
    expect([...now.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [upn, state] of expected) expect(now.get(upn), upn).toEqual(state);
  });
});
