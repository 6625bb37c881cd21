import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { constructFromEvents, parseEvents } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { readBlockYaml } from '../../src/config/block-reader.js';
import { findRegions, type FileRegions } from '../../src/config/yaml-regions.js';
import { userYaml } from '../../src/export/emit-config-yaml.js';
// @ts-expect-error: the benchmark's generator is plain JavaScript
import { writeConfig } from '../../scripts/bench/config.mjs';
// @ts-expect-error: the benchmark's generator is plain JavaScript
import { makeTenant } from '../../scripts/bench/tenant.mjs';

/** What the js-yaml path makes of a text: the value, its event count and regions; or that it refuses it. */
function reference(text: string): { value: unknown; events: number; regions: string } | 'refused' {
  try {
    const events = parseEvents(text, {});
    const documents = constructFromEvents(events, { source: text });
    if (documents.length !== 1) return 'refused';
    const regions = findRegions(text, events);
    return { value: documents[0], events: events.length, regions: regions ? regionsText(regions) : 'none' };
  } catch {
    return 'refused';
  }
}

const regionsText = (regions: FileRegions): string =>
  JSON.stringify([...regions.entries].map(([name, region]) => [name, region.start, region.end, region.items && [...region.items]]));

/** Reads `text` both ways; when the block reader accepts it, everything must be js-yaml's. Returns whether it did. */
function sameAsJsYaml(text: string): boolean {
  const block = readBlockYaml(text);
  if (block === undefined || 'overBudget' in block) return false;
  const expected = reference(text);
  expect(expected, `js-yaml refuses what the block reader read:\n${text.slice(0, 500)}`).not.toBe('refused');
  if (expected === 'refused') return false;
  // toStrictEqual ignores key order, which later stages see: compare the JSON text too.
  expect(block.value).toStrictEqual(expected.value);
  expect(JSON.stringify(block.value)).toBe(JSON.stringify(expected.value));
  expect(block.events).toBe(expected.events);
  expect(regionsText(block.regions)).toBe(expected.regions);
  return true;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** A small deterministic generator, so that a failure names a mutation that can be replayed. */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}

const PIECES = [
  ' ', '  ', '\n', '- ', ': ', ':', '#', ' #', '"', "'", "''", '[', ']', ',', '{', '}', '&a', '*a', '!', '!!str ', '|', '>', '%',
  '@', '?', '---', '...', '\\', '\t', '\r', 'null', 'true', 'True', '0x1', '0o7', '1.5', '.inf', '.nan', '-1', '+1', '1e3', '~',
  '<<', 'é', '\u00a0', '\u{1F600}', '\uD800', '\u0085', '\u2028', 'x', '__proto__', 'constructor', 'key: v', '- a', 'y', 'NO', '0',
  '00', '1_000', '12:30',
];

/** `count` texts made from `text` by one to three edits: a piece inserted, characters removed, a line copied or re-indented. */
function mutations(text: string, count: number, seed: number): string[] {
  const rnd = random(seed);
  return Array.from({ length: count }, () => {
    let m = text;
    for (let edits = 1 + rnd(3); edits > 0; edits--) {
      const at = rnd(m.length + 1);
      const lines = m.split('\n');
      switch (rnd(5)) {
        case 0:
        case 1:
          m = m.slice(0, at) + PIECES[rnd(PIECES.length)] + m.slice(at);
          break;
        case 2:
          m = m.slice(0, at) + m.slice(at + 1 + rnd(3));
          break;
        case 3:
          lines.splice(rnd(lines.length), 0, lines[rnd(lines.length)]!);
          m = lines.join('\n');
          break;
        default: {
          const line = rnd(lines.length);
          lines[line] = ' '.repeat(rnd(6)) + lines[line]!.trimStart();
          m = lines.join('\n');
        }
      }
    }
    return m;
  });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'block-reader-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('readBlockYaml reads what js-yaml reads, or leaves the file to it', () => {
  const files = [...yamlFiles(path.join(ROOT, 'examples')), ...yamlFiles(path.join(ROOT, 'test/fixtures'))];

  it('every example and fixture file', () => {
    const accepted = files.filter((file) => sameAsJsYaml(fs.readFileSync(file, 'utf8')));
    // The reader is what reads the examples, not a path no file takes.
    expect(accepted).toContain(path.join(ROOT, 'examples/contoso/tenant.yaml'));
    expect(accepted.length).toBeGreaterThan(20);
  });

  it("the benchmark's generated tenant, and its users as export writes them", () => {
    const users = makeTenant(400, 7) as Record<string, unknown>[];
    const dir = path.join(work, 'bench');
    const written = writeConfig(dir, users) as string[];
    for (const name of written) expect(sameAsJsYaml(fs.readFileSync(path.join(dir, name), 'utf8')), name).toBe(true);
    // As the directory holds them: no nulls or empty lists, which export leaves out.
    const asExported = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(asExported)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0)).map(([k, v]) => [k, asExported(v)]))
          : value;
    const exported = users.map(({ id: _id, ...user }) => userYaml(asExported(user) as Record<string, unknown>)).filter((text) => text !== null);
    expect(exported.length).toBeGreaterThan(300);
    expect(sameAsJsYaml(`# exported\n\nusers:\n  - ${exported.join('\n\n  - ')}\n`)).toBe(true);
  });

  it('thousands of mutations of those files: none read differently, and none js-yaml refuses', () => {
    const dir = path.join(work, 'mutated');
    writeConfig(dir, makeTenant(30, 3));
    const sources = [...files, ...yamlFiles(dir)].map((file) => fs.readFileSync(file, 'utf8')).filter((text) => text.length < 20_000);
    let accepted = 0;
    sources.forEach((text, index) => {
      for (const mutated of mutations(text, 60, index + 1)) if (sameAsJsYaml(mutated)) accepted++;
    });
    expect(accepted).toBeGreaterThan(1_000);
  });

  it('users with any text in their fields, as export writes them', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.constantFrom('null', 'true', 'False', '~', '0x1F', '1e3', '.inf', '-0', '+31 20', 'a: b', 'a #b', "O'Brien", '"q"', '- x', '[a]', '', ' x'),
    );
    let read = 0;
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('displayName', 'city', 'jobTitle', 'postalCode', 'x_1'), text, { minKeys: 1 }), fc.array(text, { maxLength: 3 }), (user, phones) => {
        const written = userYaml({ userPrincipalName: 'a@contoso.com', ...user, businessPhones: phones });
        if (written !== null && sameAsJsYaml(`users:\n  - ${written}\n`)) read++;
      }),
      { numRuns: 2_000 },
    );
    // Compared, not all left to js-yaml (about a fifth are read: arbitrary text is mostly escapes and quotes).
    expect(read).toBeGreaterThan(200);
  });

  it('reads the layouts people write by hand', () => {
    for (const text of [
      'users:\n- userPrincipalName: a@contoso.com\n  roles: []\nsettings:\n  minGlobalAdmins: 1\n',
      'a: 1   # one\n# between\n\nb: [x, y ,z]   \nc: \'it\'\'s\'\nd: "plain"  # q\ne:\n  # before\n  - f\n',
      'n: -1\nm: +1\nf: 1.5\ni: .inf\nt: true\nz: ~\nh: 0x1F\no: 0o17\ns: 12:30\n',
      'users:\n    - userPrincipalName: a@contoso.com\n      licenses:\n          - sku: X\n            disabledPlans: []\n',
    ]) expect(sameAsJsYaml(text), text).toBe(true);
  });

  it('leaves every other construct, and every mistake, to js-yaml', () => {
    for (const text of [
      '', '# only a comment\n', '- a\n', 'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: 1\na: 2\n', 'a:\n\tb: 1\n', 'a: 1\r\nb: 2\r\n',
      'a: b\n  c\n', 'a: b: c\n', '__proto__: 1\n', 'null: 1\n', '0x10: 1\n16: 2\n', '"a": 1\n', '? a\n: b\n', 'a: |\n  x\n',
      '---\na: 1\n', 'a: 1\n...\n', 'a: {b: 1}\n', 'a:\n', 'a: "x\\ty"\n', 'a: [x,\n  y]\n', 'a: "x\n  y"\n', 'a: b\u0001\n',
      '%YAML 1.2\n---\na: 1\n', '  a: 1\n', 'a:\n  - x\n - y\n', 'a: [x, ]\n', 'a: \'x\'y\n', 'a: x\n  # c\n',
      'a:\n- x\nb:\n  - y\n - z\n', 'a: \uD800\n',
    ]) expect(readBlockYaml(text), JSON.stringify(text)).toBeUndefined();
  });

  it('stops at the value budget, and says how many events the lines before made', () => {
    const text = `users:\n${'  - a\n'.repeat(100)}`;
    // The document, the mapping and the list open and close; a key and 100 items.
    expect(readBlockYaml(text, 1_000)).toMatchObject({ events: 107 });
    // Past 50 at the 46th item: 5 for the document, mapping, key and list, and 46 items.
    expect(readBlockYaml(text, 50)).toEqual({ overBudget: true, events: 51 });
    // Within one line's flow list too, before the rest of it is read.
    expect(readBlockYaml(`users: [${'a, '.repeat(1_000)}a]\n`, 50)).toEqual({ overBudget: true, events: 51 });
  });

  it('leaves a mapping of more than 10,000 keys to js-yaml\'s path, which refuses it', () => {
    const keys = (count: number) => Array.from({ length: count }, (_, i) => `  k${i}: 1\n`).join('');
    expect(readBlockYaml(`a:\n${keys(10_000)}`)).toBeDefined();
    expect(readBlockYaml(`a:\n${keys(10_001)}`)).toBeUndefined();
  });
});
