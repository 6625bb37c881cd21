// The position index is built from js-yaml's events, and from yaml's Document
// where js-yaml cannot read a file. Both must point every path of a document
// where yaml's ranges always pointed (the locate tests in yaml-source.test.ts
// pin those positions down); and locating must stay linear in the file.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findPosition, locate, locateDiagnostics, type PointAt } from '../../src/config/locate.js';
import { buildPositionIndex } from '../../src/config/position-index.js';
import { findRegions } from '../../src/config/yaml-regions.js';
import { parseEvents } from 'js-yaml';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { error } from '../../src/diagnostics/diagnostic.js';
import { fromRoot } from './expectations.js';

type Path = (string | number)[];

/** Every path of a parsed document, and paths one step past each (missing keys and items). */
function pathsOf(value: unknown, prefix: Path = [], out: Path[] = [], seen = new Set<unknown>()): Path[] {
  out.push(prefix);
  if (value === null || typeof value !== 'object' || seen.has(value)) return out;
  seen.add(value);
  const entries: [string | number, unknown][] = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
  for (const [key, child] of entries) pathsOf(child, [...prefix, key], out, seen);
  out.push([...prefix, 'noSuchKey'], [...prefix, 999]);
  return out;
}

function yamlFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(fromRoot(dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => path.join(fromRoot(dir), name));
}

const SHAPES = `# every kind of value yaml can write
users:
  - &first
    userPrincipalName: "quoted@contoso.com"
    displayName: 'single quoted'
    jobTitle: |
      a literal block
    department: >- # a folded block, and a comment with | and >
      folded
    city:
    businessPhones: [ "+31 20", plain ]
    password: { generate: true }
    ? complex
    : key
    1: a number key
    ~: a null key
    true: a boolean key
    0x1F: hexadecimal
  - *first
  - !!map
    userPrincipalName: &upn tagged@contoso.com
    displayName: !!str 5
    notify:
      - *upn
      -
      - last
  - {userPrincipalName: flow@contoso.com, displayName: Flow, roles: [a, {b: c}]}
settings:
  maxSeats: {}
  minGlobalAdmins: 1
  minGlobalAdmins: 2
`;

describe('position index', () => {
  const documents: [string, string][] = [
    ['every kind of value', SHAPES],
    ...[...yamlFilesUnder('examples'), ...yamlFilesUnder('test/fixtures/yaml')].map((file): [string, string] => [file, fs.readFileSync(file, 'utf8')]),
  ];

  it.each(documents)('events and yaml Document agree on every path of %s', (_, text) => {
    let value: unknown;
    try {
      value = parse(text, { uniqueKeys: false });
    } catch {
      return; // not one YAML document: nothing to locate in it
    }
    let fromEvents: ReturnType<typeof buildPositionIndex>;
    try {
      fromEvents = buildPositionIndex(text, 'events');
    } catch {
      return; // js-yaml refuses it; the Document is then the only index
    }
    const fromDocument = buildPositionIndex(text, 'document');
    const paths = pathsOf(value);
    for (const pointAt of [undefined, 'key', 'value'] as (PointAt | undefined)[]) {
      const mismatches = paths.filter((at) => JSON.stringify(findPosition(fromEvents, at, pointAt)) !== JSON.stringify(findPosition(fromDocument, at, pointAt)));
      expect(mismatches.map((at) => `${JSON.stringify(at)} ${pointAt}: ${JSON.stringify(findPosition(fromEvents, at, pointAt))} vs ${JSON.stringify(findPosition(fromDocument, at, pointAt))}`)).toEqual([]);
    }
  });

  it.each(['events', 'document'] as const)('from %s: points at a quote, a block indicator, an alias and the last of two equal keys', (via) => {
    const index = buildPositionIndex(SHAPES, via);
    const at = (p: Path, pointAt?: PointAt) => {
      const position = findPosition(index, p, pointAt);
      return position && `${position.line}:${position.column}`;
    };
    expect(at(['users', 0, 'userPrincipalName'], 'value')).toBe('4:24');
    expect(at(['users', 0, 'jobTitle'], 'value')).toBe('6:15');
    expect(at(['users', 0, 'department'], 'value')).toBe('8:17');
    expect(at(['users', 0, 'city'], 'value')).toBe('10:5');
    expect(at(['users', 1])).toBe('19:5');
    expect(at(['users', 1, 'displayName'], 'value')).toBe('5:18');
    expect(at(['users', 0, '1'], 'key')).toBe('15:5');
    expect(at(['users', 0, 'null'], 'key')).toBe('16:5');
    expect(at(['users', 0, '31'], 'value')).toBe('18:11');
    expect(at(['users', 2, 'notify', 0], 'value')).toBe('24:9');
    expect(at(['settings', 'minGlobalAdmins'], 'value')).toBe('31:20');
  });

  it.each(['events', 'document'] as const)('from %s: points at an alias used as a key, under the name of the text it stands for', (via) => {
    const text = 'defaults: {jobTitle: &a long-title, department: &n 12}\nusers:\n  - userPrincipalName: a@contoso.com\n    *a : 1\n    *n : 2\n';
    const index = buildPositionIndex(text, via);
    expect(findPosition(index, ['users', 0, 'long-title'], 'key')).toEqual({ line: 4, column: 5 });
    expect(findPosition(index, ['users', 0, 'long-title'], 'value')).toEqual({ line: 4, column: 10 });
    expect(findPosition(index, ['users', 0, '12'], 'key')).toEqual({ line: 5, column: 5 });
  });

  it('locates 20,000 diagnostics through 20,000 aliases, each alias resolved once', () => {
    const lines = Array.from({ length: 20_000 }, () => '  - *u');
    const text = `users:\n  - &u\n    userPrincipalName: a@contoso.com\n    displayName: A\n${lines.join('\n')}\n`;
    const { source } = parseYamlSource('aliases.yaml', Buffer.from(text));
    const diagnostics = lines.map((_, i) => error('X', 'x', { file: 'aliases.yaml', path: ['users', i + 1, 'displayName'] }));
    const located = locateDiagnostics([source], diagnostics);
    expect(located.every((d) => d.location?.line === 4 && d.location.column === 18)).toBe(true);
  });

  // What js-yaml reads (the loader's fast path), written every way a region
  // boundary could be misread: comments between items, an item's anchor on its
  // own line, nested lists, block scalars, flow values, aliases across items.
  const REGIONS = `---
# heading comment
defaults:
  usageLocation: NL   # trailing comment
users:
  # a comment before the first item
  - userPrincipalName: a@contoso.com
    jobTitle: |
      - not an item
      users: not a key
    notify: [x@contoso.com,
      y@contoso.com]

  - &second
    userPrincipalName: b@contoso.com
  -
    userPrincipalName: c@contoso.com
  - - nested
    - list
  - { userPrincipalName: "d@contoso.com", roles: [a] }
  - userPrincipalName: e@contoso.com
    licenses: *second
  - plain scalar item
"quoted key": 1
~: null key
settings: {maxSeats: 3}
last:
- at column one
- again
# trailing comment
`;

  it.each([['regions', REGIONS], ...documents.filter(([name]) => name !== 'every kind of value')])(
    'locating by region agrees with the whole file on every path of %s',
    (_, text) => {
      const { source, diagnostics } = parseYamlSource('f.yaml', Buffer.from(text));
      if (diagnostics.length > 0 || source.value === null) return;
      const whole = buildPositionIndex(source.text);
      for (const pointAt of [undefined, 'key', 'value'] as (PointAt | undefined)[]) {
        const mismatches = pathsOf(source.value).filter((at) => JSON.stringify(locate(source, at, pointAt)) !== JSON.stringify(findPosition(whole, at, pointAt)));
        expect(mismatches.map((at) => `${JSON.stringify(at)} ${pointAt}: ${JSON.stringify(locate(source, at, pointAt))} vs ${JSON.stringify(findPosition(whole, at, pointAt))}`)).toEqual([]);
      }
    },
  );

  it('records a region per top-level entry and per item of a block list', () => {
    const regions = findRegions(REGIONS, parseEvents(REGIONS, {}));
    expect([...(regions?.entries.keys() ?? [])]).toEqual(['defaults', 'users', 'quoted key', 'null', '', 'settings', 'last']);
    // An item is known by the line its value starts on: the item whose anchor or
    // "-" stands alone on the line above shares a region with the item before it
    // (locating there falls back to the whole file, as the test above checks).
    expect(regions?.entries.get('users')?.items?.length).toBe(7 + 1);
    expect(regions?.entries.get('last')?.items?.length).toBe(2 + 1);
    expect(regions?.entries.get('settings')?.items).toBeUndefined();
    expect(findRegions('{users: []}', parseEvents('{users: []}', {}))).toBeUndefined();
    // An explicit key ("? ") is not first on its line: the whole file is indexed instead.
    expect(findRegions('? a\n: b\n', parseEvents('? a\n: b\n', {}))).toBeUndefined();
  });
});
