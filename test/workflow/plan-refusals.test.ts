// Where each kind of planner problem points. Some cannot reach the CLI
// (validate's rules refuse a rename or a lockout first; test/cli/plan-refusals.test.ts
// runs the ones that can), so planRefusals is given them directly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, type DesiredConfig } from '../../src/config/load-config.js';
import { formatDiagnostic } from '../../src/diagnostics/diagnostic.js';
import type { PlanProblem } from '../../src/plan/plan-problem.js';
import { planRefusals } from '../../src/workflow/plan-refusals.js';
import { contosoCatalog } from '../config/expectations.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-refusals-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function load(name: string, text: string): { config: DesiredConfig; file: string } {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, text);
  const { config, diagnostics } = loadConfig([file], { catalog: contosoCatalog(), env: {}, phase: 'plan' });
  if (!config) throw new Error(JSON.stringify(diagnostics));
  return { config, file };
}

const refused = (config: DesiredConfig, ...problems: PlanProblem[]) => planRefusals(problems, [], {}, config).map(formatDiagnostic);

const WITH_SETTINGS = `defaults:
  usageLocation: NL
  notify: [it-desk@contoso.com]
  licenses: [VISIOCLIENT]
settings:
  minGlobalAdmins: 2
users:
  - userPrincipalName: admin@contoso.com
    displayName: Admin
    roles: [Global administrator]
  - userPrincipalName: second@contoso.com
    displayName: Second
    roles: [Global administrator]
    renamedFrom: old.second@contoso.com
    licenses:
      - ENTERPRISEPACK
      - sku: visioclient
`;

describe('planRefusals: PLAN_REFUSED at what each problem concerns', () => {
  const { config, file } = load('settings.yaml', WITH_SETTINGS);

  it('a rename at the user\'s renamedFrom value', () => {
    const message = 'second@contoso.com says renamedFrom: old.second@contoso.com, but both exist';
    expect(refused(config, { message, concerns: { kind: 'user', userPrincipalName: 'Second@Contoso.com', field: 'renamedFrom' } })).toEqual([
      `${file}:14:18: PLAN_REFUSED: ${message}`,
    ]);
  });

  it('a user at its declaration', () => {
    expect(refused(config, { message: 'm', concerns: { kind: 'user', userPrincipalName: 'admin@contoso.com' } })).toEqual([`${file}:8:5: PLAN_REFUSED: m`]);
  });

  it('the lockout guard at settings.minGlobalAdmins when it is written', () => {
    expect(refused(config, { message: 'm', concerns: { kind: 'setting', path: ['minGlobalAdmins'] } })).toEqual([`${file}:6:20: PLAN_REFUSED: m`]);
  });

  it("a license at the user's own entry of it (any case), or at the user when defaults give it", () => {
    expect(refused(config, { message: 'm', concerns: { kind: 'license', userPrincipalName: 'second@contoso.com', sku: 'VISIOCLIENT' } })).toEqual([
      `${file}:17:9: PLAN_REFUSED: m`,
    ]);
    expect(refused(config, { message: 'm', concerns: { kind: 'license', userPrincipalName: 'admin@contoso.com', sku: 'VISIOCLIENT' } })).toEqual([
      `${file}:8:5: PLAN_REFUSED: m`,
    ]);
  });

  it('a subscription nobody asks a seat of: no place in the configuration', () => {
    expect(refused(config, { message: 'm', concerns: { kind: 'subscription', sku: 'VISIOCLIENT' } })).toEqual(['PLAN_REFUSED: m']);
  });

  it('several, sorted by file and line as the loader sorts its own', () => {
    expect(
      refused(
        config,
        { message: 'b', concerns: { kind: 'user', userPrincipalName: 'admin@contoso.com' } },
        { message: 'a', concerns: { kind: 'setting', path: ['minGlobalAdmins'] } },
        { message: 'c', concerns: { kind: 'subscription', sku: 'ENTERPRISEPACK' } },
      ),
    ).toEqual(['PLAN_REFUSED: c', `${file}:6:20: PLAN_REFUSED: a`, `${file}:8:5: PLAN_REFUSED: b`]);
  });
});

describe('planRefusals: a setting that is not written', () => {
  it('inside a written settings: at settings', () => {
    const { config, file } = load('no-minimum.yaml', 'settings:\n  maxDeletions: 3\nusers:\n  - userPrincipalName: admin@contoso.com\n    displayName: Admin\n    roles: [Global administrator]\n');
    expect(refused(config, { message: 'm', concerns: { kind: 'setting', path: ['minGlobalAdmins'] } })).toEqual([`${file}:1:1: PLAN_REFUSED: m`]);
  });

  it('without settings: at the first user, where GLOBAL_ADMIN_MINIMUM points too', () => {
    const { config, file } = load('no-settings.yaml', 'users:\n  - userPrincipalName: admin@contoso.com\n    displayName: Admin\n    roles: [Global administrator]\n');
    expect(refused(config, { message: 'm', concerns: { kind: 'setting', path: ['minGlobalAdmins'] } })).toEqual([`${file}:2:5: PLAN_REFUSED: m`]);
  });
});

describe('planRefusals: nothing to refuse', () => {
  it('returns no diagnostics and locates nothing', () => {
    const { config } = load('settings-again.yaml', WITH_SETTINGS);
    expect(planRefusals([], [], {}, config)).toEqual([]);
  });
});
