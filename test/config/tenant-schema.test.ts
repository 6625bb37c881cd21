import fs from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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

  it('checks a file where every user has mistakes, counting what it does not list', () => {
    // Its time, linear in the users, is measured by `npm run bench` (validate), not asserted here.
    const n = 20_000;
    const value = {
      users: Array.from({ length: n }, (_, i) => ({ userPrincipalName: `u${i}@contoso.com`, displayName: 'U', postalCode: 1015, photo: 'x', jobtitle: 'y' })),
    };
    const shape = checkTenantShape('t.yaml', value);
    // Past the list's limit, problems are counted rather than built.
    expect(shape.diagnostics.length + shape.omitted).toBe(3 * n);
    expect(shape.omitted).toBeGreaterThan(0);
  });
});
