import fs from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SCHEMA_BOUNDS } from '../../src/config/schema-bounds.js';
import { checkTenantShape } from '../../src/config/schema-diagnostics.js';
import { fromRoot } from './expectations.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const schema = JSON.parse(fs.readFileSync(fromRoot('schemas/tenant.schema.json'), 'utf8')) as Record<string, unknown>;
type Node = Record<string, unknown>;

function resolve(node: Node): Node {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  return (schema.$defs as Record<string, Node>)[ref.replace('#/$defs/', '')] ?? {};
}

/** Every schema that describes a field or a list entry, with where it is. */
function fields(node: Node, where: string, out: [string, Node][] = []): [string, Node][] {
  const target = resolve(node);
  for (const [name, child] of Object.entries((target.properties as Record<string, Node> | undefined) ?? {})) {
    out.push([`${where}.${name}`, child]);
    fields(child, `${where}.${name}`, out);
  }
  for (const [pattern, child] of Object.entries((target.patternProperties as Record<string, Node> | undefined) ?? {})) out.push([`${where}./${pattern}/`, child]);
  if (target.items) {
    out.push([`${where}[]`, target.items as Node]);
    fields(target.items as Node, `${where}[]`, out);
  }
  return out;
}

describe('schemas/tenant.schema.json', () => {
  it('is a valid draft 2020-12 schema that accepts the example configuration', () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    for (const file of ['tenant.yaml', 'users.yaml']) {
      expect(validate(parse(fs.readFileSync(fromRoot(`examples/contoso/${file}`), 'utf8'))), file).toBe(true);
    }
  });

  it('describes every field and list entry (editors show it on hover)', () => {
    const undescribed = fields(schema, '').filter(([, node]) => typeof resolve(node).description !== 'string' && typeof node.description !== 'string');
    expect(undescribed.map(([where]) => where)).toEqual([]);
    expect(fields(schema, '').length).toBeGreaterThan(50);
  });

  it('rejects unknown keys in every mapping (maxSeats and spareSeats map part numbers to seats)', () => {
    const open = fields(schema, '')
      .map(([where, node]) => [where, resolve(node)] as const)
      .filter(([, node]) => (node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'))) && node.additionalProperties !== false);
    expect(open.map(([where]) => where)).toEqual(['.settings.maxSeats', '.settings.spareSeats']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('carries the limits of DOMAIN.md', () => {
    const at = (where: string): Node => resolve(fields(schema, '').find(([w]) => w === where)?.[1] ?? {});
    expect(at('.users[].userPrincipalName')).toMatchObject({ maxLength: 113 });
    expect(at('.users[].displayName')).toMatchObject({ maxLength: 256 });
    expect(at('.users[].givenName')).toMatchObject({ maxLength: 64 });
    expect(at('.users[].jobTitle')).toMatchObject({ maxLength: 128 });
    expect(at('.users[].department')).toMatchObject({ maxLength: 64 });
    expect(at('.users[].streetAddress')).toMatchObject({ maxLength: 1024 });
    expect(at('.users[].postalCode')).toMatchObject({ maxLength: 40 });
    expect(at('.users[].businessPhones')).toMatchObject({ maxItems: 1 });
    expect(at('.users[].notify')).toMatchObject({ maxItems: 5 });
    expect(at('.users[].notify[]')).toMatchObject({ format: 'email' });
  });

  it('refers only to schemas without references of their own, which ajv inlines', () => {
    // A $ref ajv cannot inline becomes a function whose errors are concatenated onto all
    // earlier ones: checking a file where every user has a mistake would take quadratic time.
    const withRefs = Object.entries(schema.$defs as Record<string, Node>).filter(([, def]) => JSON.stringify(def).includes('"$ref"'));
    expect(withRefs.map(([name]) => name)).toEqual([]);
  });

  const everyUserWrong = (n: number) => ({
    users: Array.from({ length: n }, (_, i) => ({ userPrincipalName: `u${i}@contoso.com`, displayName: 'U', postalCode: 1015, photo: 'x', jobtitle: 'y' })),
  });

  it('checks a file where every user has mistakes, counting what it does not list', () => {
    const n = 3_000;
    const shape = checkTenantShape('t.yaml', everyUserWrong(n));
    // Past the list's limit, problems are counted rather than built.
    expect(shape.diagnostics.length + shape.omitted).toBe(3 * n);
    expect(shape.omitted).toBeGreaterThan(0);
    expect(shape.abandoned).toBe(false);
  });

  it('stops checking a file past 10,000 problems, says where, and leaves it to no rule', () => {
    // Its time, linear in the users checked, is measured by `npm run bench` (validate), not asserted here.
    const shape = checkTenantShape('t.yaml', everyUserWrong(20_000));
    const found = shape.diagnostics.length + shape.omitted;
    expect(found).toBeGreaterThan(SCHEMA_BOUNDS.problemsPerFile);
    expect(found).toBeLessThan(3 * 20_000);
    expect(shape.abandoned).toBe(true);
    const stopped = shape.diagnostics[0]!;
    expect(stopped.code).toBe('SCHEMA_CHECK_STOPPED');
    expect(stopped.location).toEqual({ file: 't.yaml' });
    expect(stopped.message).toMatch(/^the schema check of this file stopped before user [\d,]+, after [\d,]+ problems; its later users were not checked/);
  });

  it('refuses a user of more than 10,000 values as one problem, at that user, without checking the file further', () => {
    const user: Record<string, unknown> = { userPrincipalName: 'a@contoso.com', displayName: 'A' };
    for (let i = 0; i < 100_000; i++) user[`k${i}`] = 1;
    const shape = checkTenantShape('t.yaml', { users: [{ userPrincipalName: 'b@contoso.com', displayName: 'B', photo: 'x' }, user] });
    expect(shape.abandoned).toBe(true);
    expect(shape.omitted).toBe(0);
    expect(shape.diagnostics.map((d) => [d.code, d.location?.path])).toEqual([['SCHEMA_VALUE_TOO_LARGE', ['users', 1]]]);
    expect(shape.diagnostics[0]!.message).toBe('user 2 of this file holds more than 10,000 values (keys, list items and scalars), which no tenantctl configuration needs: remove what does not belong there');
  });

  it('checks users in slices with every problem at its own index', () => {
    // 45,000 values: three slices, the later ones' paths counted from the file's first user.
    const value = { users: Array.from({ length: 5_000 }, (_, i) => ({ userPrincipalName: `u${i}@contoso.com`, displayName: 'U', ...(i % 2_000 === 1_999 || i === 4_999 ? { photo: 'x' } : {}) })) };
    const paths = checkTenantShape('t.yaml', value).diagnostics.map((d) => d.location?.path);
    expect(paths).toEqual([['users', 1999, 'photo'], ['users', 3999, 'photo'], ['users', 4999, 'photo']]);
  });
});
