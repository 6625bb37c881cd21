// Mutated configurations, fed to the loader: whatever an administrator (or a
// broken merge, or a binary file) puts in the YAML, loadConfig returns
// diagnostics or a valid state, and never throws. (A hang fails the test by
// its timeout; how fast a load is belongs to the benchmark, not here.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { CONFIG_DIAGNOSTIC_CODES } from '../../src/config/diagnostic-codes.js';
import { loadConfig, type LoadConfigResult } from '../../src/config/load-config.js';
import { contosoCatalog, fromRoot } from './expectations.js';

const catalog = contosoCatalog();
const CODES = new Set(CONFIG_DIAGNOSTIC_CODES.map((c) => c.code));
const FILES = ['tenant.yaml', 'users.yaml'] as const;
const ORIGINAL: Readonly<Record<(typeof FILES)[number], string>> = {
  'tenant.yaml': fs.readFileSync(fromRoot('examples/contoso/tenant.yaml'), 'utf8'),
  'users.yaml': fs.readFileSync(fromRoot('examples/contoso/users.yaml'), 'utf8'),
};
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-property-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
let runs = 0;

type Path = (string | number)[];

/** Every place in a document a mutation can touch: each map entry and list entry. */
function placesOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (value === null || typeof value !== 'object') return out;
  const entries: [string | number, unknown][] = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
  for (const [key, child] of entries) {
    out.push([...prefix, key]);
    placesOf(child, [...prefix, key], out);
  }
  return out;
}

function containerAt(document: unknown, at: Path): unknown {
  let node = document;
  for (const key of at) node = (node as Record<string | number, unknown>)[key];
  return node;
}

/** Sets an own property, even `__proto__`, the way a YAML key would. */
function setOwn(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

interface Mutation {
  readonly file: (typeof FILES)[number];
  readonly place: number;
  readonly kind: 'delete' | 'replace' | 'insert' | 'rename';
  readonly key: string;
  readonly value: unknown;
}

function mutate(document: unknown, mutation: Mutation): unknown {
  // A copy, so that a value inserted twice is two values, never a cycle.
  const m = { ...mutation, value: structuredClone(mutation.value) };
  const places = placesOf(document);
  if (places.length === 0) return m.value;
  const place = places[m.place % places.length] ?? [];
  const parent = containerAt(document, place.slice(0, -1)) as Record<string | number, unknown> | unknown[];
  const key = place.at(-1) ?? 0;
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (m.kind === 'delete') parent.splice(index, 1);
    else if (m.kind === 'insert') parent.splice(index, 0, m.value);
    else parent[index] = m.value;
    return document;
  }
  const old = parent[key];
  if (m.kind === 'delete' || m.kind === 'rename') delete parent[key];
  if (m.kind === 'rename') setOwn(parent, m.key, old);
  if (m.kind === 'insert') setOwn(parent, m.key, m.value);
  if (m.kind === 'replace') parent[key] = m.value;
  return document;
}

/** A list nested `depth` deep: [[[...[x]...]]]. */
function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { users: value };
  return value;
}

const FIELD_NAMES = [
  'users', 'defaults', 'settings', 'userPrincipalName', 'displayName', 'givenName', 'surname', 'mailNickname', 'accountEnabled', 'jobTitle',
  'department', 'mobilePhone', 'businessPhones', 'streetAddress', 'city', 'state', 'postalCode', 'country', 'usageLocation', 'password',
  'generate', 'fromEnv', 'reset', 'forceChangePasswordNextSignIn', 'notify', 'roles', 'licenses', 'sku', 'disabledPlans', 'minGlobalAdmins',
  'maxSeats', 'adminEmail', 'photo', 'thumbnailPhoto', 'value', '__proto__', 'constructor', 'toString', '', '0',
];

const wildValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom(
    1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, -0, 0.1, Infinity, -Infinity, NaN,
    null, true, false, '', ' ', '~', 'null', 'yes', 'no', 'NO', '0x10', '1e400',
    'Global administrator', 'global ADMINISTRATOR', 'ENTERPRISEPACK', 'STANDARDPACK', 'E3', 'NL', 'UK', 'nl',
    'megan.bowen@contoso.com', 'MEGAN.BOWEN@CONTOSO.COM', 'a@b', 'x@contoso.co', 'it-desk@contoso.com; a@b.c; d@e.f',
    'PASSWORD_VAR', 'Welkom01!', 'x'.repeat(10_000), '\u0000', '\u202e', '😀'.repeat(100), '__proto__',
  ),
  fc.integer({ min: 1, max: 300 }).map((depth) => nested(depth, 'x')),
  fc.array(fc.constantFrom('megan.bowen@contoso.com', 'ENTERPRISEPACK', 'Global administrator', 'x'), { maxLength: 2_000 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.record({
  file: fc.constantFrom(...FILES),
  place: fc.nat(),
  kind: fc.constantFrom('delete', 'replace', 'insert', 'rename'),
  key: fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 20 })),
  value: wildValue,
});

/** Block YAML; JSON (which is YAML too) for what nests too deep for the YAML writer. */
function toYaml(document: unknown): string {
  try {
    return stringify(document, { aliasDuplicateObjects: false });
  } catch {
    return JSON.stringify(document) ?? 'null';
  }
}

/** Loads a directory of the given files (text or bytes). */
function load(files: Readonly<Record<string, string | Uint8Array>>, phase: 'validate' | 'plan'): { result: LoadConfigResult; dir: string } {
  const dir = path.join(scratch, `run-${++runs}`);
  fs.mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  const result = loadConfig([dir], { catalog, env: {}, phase });
  return { result, dir };
}

/** How many users the files declare, when every one of them is a YAML mapping. */
function declaredUsers(files: Readonly<Record<string, string | Uint8Array>>): number {
  let count = 0;
  for (const content of Object.values(files)) {
    const users = (parse(typeof content === 'string' ? content : Buffer.from(content).toString('utf8')) as { users?: unknown[] } | null)?.users;
    count += Array.isArray(users) ? users.length : 0;
  }
  return count;
}

/** What must hold whatever the input: located, known codes; an error, or a state with a user per declaration. */
function expectSound(files: Readonly<Record<string, string | Uint8Array>>, phase: 'validate' | 'plan'): void {
  const { result } = load(files, phase);
  for (const d of result.diagnostics) {
    expect(CODES.has(d.code), d.code).toBe(true);
    expect(d.message).not.toBe('');
    expect(d.location?.file).toBeDefined();
  }
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (result.config === null) {
    expect(errors.length).toBeGreaterThan(0);
  } else {
    expect(errors).toEqual([]);
    expect(result.config.state.users.size).toBe(declaredUsers(files));
  }
}

describe('loadConfig on mutated configurations', () => {
  it('the unmutated example is valid: the properties below start from a valid configuration', () => {
    const { result } = load(ORIGINAL, 'plan');
    expect(result.diagnostics).toEqual([]);
    expect(result.config?.state.users.size).toBe(13);
  });

  it('deleted, inserted, renamed and replaced keys and values: diagnostics or a valid state, never an exception', () => {
    const documents = fc.array(mutation, { minLength: 1, maxLength: 6 }).map((mutations) => {
      const docs = { 'tenant.yaml': parse(ORIGINAL['tenant.yaml']) as unknown, 'users.yaml': parse(ORIGINAL['users.yaml']) as unknown };
      for (const m of mutations) docs[m.file] = mutate(docs[m.file], m);
      return Object.fromEntries(FILES.map((name) => [name, toYaml(docs[name])]));
    });
    fc.assert(
      fc.property(documents, fc.constantFrom('validate' as const, 'plan' as const), (files, phase) => expectSound(files, phase)),
      { numRuns: 200 },
    );
  });

  it('edited text (characters inserted, removed, lines duplicated): diagnostics or a valid state', () => {
    const edit = fc.record({
      file: fc.constantFrom(...FILES),
      at: fc.nat(),
      remove: fc.nat({ max: 40 }),
      insert: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom(':', '- ', '\t', '"', "'", '&a ', '*a', '!tag ', '---\n', '%YAML 1.1\n', '#', '\n  ', '{', '[', '? ', '|', '>')),
      duplicate: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
        const files: Record<string, string> = { ...ORIGINAL };
        for (const e of edits) {
          const text = files[e.file] ?? '';
          const at = e.at % (text.length + 1);
          const line = text.slice(text.lastIndexOf('\n', at - 1) + 1, text.indexOf('\n', at) + 1 || undefined);
          files[e.file] = text.slice(0, at) + e.insert + (e.duplicate ? line : '') + text.slice(at + e.remove);
        }
        expectSound(files, 'validate');
      }),
      { numRuns: 150 },
    );
  });

  it('nesting far deeper than any configuration: diagnostics, never a stack overflow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[', '{a: ', '- ', '? '), fc.constantFrom('users', 'defaults', 'photo'), (depth, open, key) => {
        const close = { '[': ']', '{a: ': '}', '- ': '', '? ': '' }[open];
        const deep = open === '- ' || open === '? ' ? `${key}:\n${open.repeat(depth)}x\n` : `${key}: ${open.repeat(depth)}x${close.repeat(depth)}\n`;
        expectSound({ ...ORIGINAL, 'deep.yaml': deep }, 'validate');
      }),
      // Each run parses up to 20,000 levels with yaml's Document; a dozen covers the four shapes deep and shallow.
      { numRuns: 12 },
    );
  }, 120_000);

  it('random bytes as file content: diagnostics, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3_000 }), fc.boolean(), (bytes, beside) => {
        const files: Record<string, string | Uint8Array> = beside ? { ...ORIGINAL, 'users.yaml': bytes } : { 'random.yaml': bytes };
        const { result } = load(files, 'validate');
        expect(result.diagnostics.every((d) => CODES.has(d.code))).toBe(true);
        if (result.config) expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(false);
        else expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
