import fs from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { CHANGE_KINDS } from '../../src/plan/change.js';
import type { PlanDocument } from '../../src/plan/plan-document.js';
import { renderJson } from '../../src/render/json.js';
import { createOnly, hostileNames, large, mixed, noChanges, unmanagedAdmins } from './scenarios.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const schema = JSON.parse(fs.readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const scenarios = [
  ['create-only', createOnly],
  ['mixed', mixed],
  ['no-changes', noChanges],
  ['hostile-names', hostileNames],
  ['unmanaged-admins', unmanagedAdmins],
] as const;

/** The mixed plan as parsed JSON, with one change replaced, for the negative cases. */
function withCreate(edit: (create: Record<string, unknown>) => Record<string, unknown>): unknown {
  const document = JSON.parse(renderJson(mixed())) as { changes: Record<string, unknown>[] };
  return { ...document, changes: document.changes.map((change) => (change.kind === 'user.create' ? edit(change) : change)) };
}

describe('renderJson', () => {
  it.each(scenarios.filter(([name]) => name !== 'hostile-names' && name !== 'unmanaged-admins'))('matches the golden file (%s)', async (name, scenario) => {
    await expect(renderJson(scenario())).toMatchFileSnapshot(`./__snapshots__/${name}.json`);
  });

  it('is pretty, ends with a newline, and reads back as the same document', () => {
    const plan = mixed();
    const json = renderJson(plan);
    expect(json.endsWith('}\n')).toBe(true);
    expect(json).toContain('\n  "formatVersion": "2.2",\n');
    expect(JSON.parse(json)).toEqual(plan);
    expect(renderJson(mixed())).toBe(json);
  });

  it('keeps the key order the document is built in', () => {
    expect(Object.keys(JSON.parse(renderJson(mixed())) as object)).toEqual([
      'formatVersion',
      'tenantctlVersion',
      'configHash',
      'planHash',
      'fingerprint',
      'settings',
      'summary',
      'approvals',
      'warnings',
      'cost',
      'purchases',
      'freedSeats',
      'changes',
      'unmanagedUsers',
      'unmanagedAdmins',
    ]);
  });

  it('names the unmanaged users who hold admin roles, with their roles, privileged first', () => {
    const document = JSON.parse(renderJson(unmanagedAdmins())) as Pick<PlanDocument, 'unmanagedUsers' | 'unmanagedAdmins'>;
    expect(document.unmanagedUsers).toEqual(['helpdesk@contoso.com', 'printer@contoso.com', 'root@contoso.com', 'scanner@contoso.com']);
    expect(document.unmanagedAdmins).toEqual([
      { userPrincipalName: 'root@contoso.com', roles: ['Global administrator'], privileged: true },
      { userPrincipalName: 'helpdesk@contoso.com', roles: ['Billing administrator', 'Password administrator'], privileged: false },
    ]);
  });
});

describe('schemas/plan.schema.json', () => {
  it('is exercised by every kind of change in the mixed scenario', () => {
    expect(new Set(mixed().changes.map((change) => change.kind))).toEqual(new Set(CHANGE_KINDS));
  });

  it.each([...scenarios, ['large', () => large()] as const])('accepts the JSON plan (%s)', (_name, scenario: () => PlanDocument) => {
    const valid = validate(JSON.parse(renderJson(scenario())));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each([
    ['a password value next to the variable name', (c: Record<string, unknown>) => ({ ...c, password: { kind: 'env', variable: 'JOEP_PW', value: 'Secret123!' } })],
    ['a password as a string', (c: Record<string, unknown>) => ({ ...c, password: 'Secret123!' })],
    ['a generated password written out', (c: Record<string, unknown>) => ({ ...c, password: { kind: 'generate', password: 'Secret123!' } })],
    ['an extra temporaryPassword field', (c: Record<string, unknown>) => ({ ...c, temporaryPassword: 'Secret123!' })],
    ['an extra password attribute', (c: Record<string, unknown>) => ({ ...c, attributes: { ...(c.attributes as object), passwordProfile: { password: 'Secret123!' } } })],
    ['an unknown kind', (c: Record<string, unknown>) => ({ ...c, kind: 'user.teleport' })],
    ['a create without attributes', ({ attributes: _attributes, ...c }: Record<string, unknown>) => c],
  ])('rejects %s', (_name, edit) => {
    expect(validate(withCreate(edit))).toBe(false);
  });

  it('rejects a patch that touches anything but an attribute', () => {
    const document = JSON.parse(renderJson(mixed())) as { changes: Record<string, unknown>[] };
    const changes = document.changes.map((change) =>
      change.kind === 'user.update' ? { ...change, patch: [{ op: 'add', path: '/password', value: 'Secret123!' }] } : change,
    );
    expect(validate({ ...document, changes })).toBe(false);
  });

  /** The mixed plan with each change of `kind` edited. */
  const withEdited = (kind: string, edit: (change: Record<string, unknown>) => Record<string, unknown>): unknown => {
    const document = JSON.parse(renderJson(mixed())) as { changes: Record<string, unknown>[] };
    expect(document.changes.some((change) => change.kind === kind)).toBe(true);
    return { ...document, changes: document.changes.map((change) => (change.kind === kind ? edit(change) : change)) };
  };

  it.each([
    ['user.block', 'without a patch', ({ patch: _patch, ...c }: Record<string, unknown>) => c],
    ['user.unblock', 'without a patch', ({ patch: _patch, ...c }: Record<string, unknown>) => c],
    ['license.update', 'without a patch', ({ patch: _patch, ...c }: Record<string, unknown>) => c],
    ['user.block', 'whose patch unblocks', (c: Record<string, unknown>) => ({ ...c, patch: [{ op: 'replace', path: '/accountEnabled', value: true }] })],
    ['user.unblock', 'whose patch touches another field', (c: Record<string, unknown>) => ({ ...c, patch: [{ op: 'replace', path: '/roles', value: [] }] })],
    ['user.block', 'whose patch is against the attributes', (c: Record<string, unknown>) => ({ ...c, patch: [{ op: 'replace', path: '/displayName', value: 'x' }] })],
    ['license.update', 'whose patch lacks the test of the sku', (c: Record<string, unknown>) => ({ ...c, patch: (c.patch as unknown[]).slice(1) })],
    ['license.update', 'whose patch does more', (c: Record<string, unknown>) => ({ ...c, patch: [...(c.patch as unknown[]), { op: 'remove', path: '/licenses/1' }] })],
    ['license.update', 'whose patch names the licence by sku', (c: Record<string, unknown>) => ({
      ...c,
      patch: [{ op: 'test', path: '/licenses/ENTERPRISEPACK/sku', value: 'ENTERPRISEPACK' }, { op: 'replace', path: '/licenses/ENTERPRISEPACK/disabledPlans', value: ['SWAY'] }],
    })],
  ])('rejects a %s %s', (kind, _name, edit) => {
    expect(validate(withEdited(kind, edit))).toBe(false);
  });

  it('rejects another format version', () => {
    expect(validate({ ...(JSON.parse(renderJson(mixed())) as object), formatVersion: '1.0' })).toBe(false);
    expect(validate({ ...(JSON.parse(renderJson(mixed())) as object), formatVersion: '2.0' })).toBe(false);
  });
});
