import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { listConfigFiles } from '../../src/config/config-files.js';
import { locate, locateDiagnostics } from '../../src/config/locate.js';
import { loadYamlSources, parseYamlSource, type ConfigFile } from '../../src/config/yaml-source.js';
import { error, formatLocation, type Diagnostic } from '../../src/diagnostics/diagnostic.js';

/** Fixture paths as a user would type them from the repository root. */
const FIXTURES = path
  .relative(process.cwd(), fileURLToPath(new URL('../fixtures/yaml', import.meta.url)))
  .split(path.sep)
  .join('/');
const fixture = (name: string): string => `${FIXTURES}/${name}`;

function loadOne(name: string): { source: ConfigFile | undefined; diagnostics: readonly Diagnostic[] } {
  const loaded = loadYamlSources([fixture(name)]);
  return { source: loaded.files[0], diagnostics: loaded.diagnostics };
}

function fromText(text: string, file = 'inline.yaml'): { source: ConfigFile; diagnostics: Diagnostic[] } {
  return parseYamlSource(file, Buffer.from(text, 'utf8'));
}

/** `CODE@line:column`, the part of a diagnostic these tests pin down. */
function where(d: Diagnostic): string {
  return `${d.code}@${d.location?.line ?? '-'}:${d.location?.column ?? '-'}`;
}

describe('loadYamlSources: one diagnostic per YAML mistake, located', () => {
  it.each([
    ['syntax-error.yaml', 'YAML_SYNTAX@3:18'],
    ['duplicate-key.yaml', 'YAML_DUPLICATE_KEY@5:5'],
    ['billion-laughs.yaml', 'YAML_ALIAS_LIMIT@10:8'],
    ['latin1.yaml', 'YAML_NOT_UTF8@3:21'],
    ['empty.yaml', 'YAML_EMPTY@1:1'],
    ['comments-only.yaml', 'YAML_EMPTY@1:1'],
    ['top-level-list.yaml', 'YAML_NOT_MAPPING@2:1'],
    ['tab-indent.yaml', 'YAML_TAB_INDENT@3:1'],
    ['tab-after-spaces.yaml', 'YAML_TAB_INDENT@3:3'],
    ['multiple-documents.yaml', 'YAML_MULTIPLE_DOCUMENTS@3:1'],
  ])('%s → %s', (name, expected) => {
    const { source, diagnostics } = loadOne(name);
    expect(diagnostics.map(where)).toEqual([expected]);
    expect(diagnostics[0]?.severity).toBe('error');
    expect(diagnostics[0]?.location?.file).toBe(fixture(name));
    expect(source?.value).toBeNull();
  });

  it('says what is wrong and how to fix it', () => {
    const messages = Object.fromEntries(
      ['syntax-error.yaml', 'duplicate-key.yaml', 'tab-indent.yaml', 'top-level-list.yaml', 'latin1.yaml', 'multiple-documents.yaml'].map((name) => [
        name,
        loadOne(name).diagnostics[0]?.message,
      ]),
    );
    expect(messages).toEqual({
      'syntax-error.yaml': 'the quote opened here is never closed, so the value runs on to line 5; add the closing "',
      'duplicate-key.yaml': 'key "displayName" appears twice in one mapping (first on line 3); remove or rename one of them',
      'tab-indent.yaml': 'a tab is used for indentation, which YAML forbids; indent with spaces instead',
      'top-level-list.yaml': 'the top level of the file is a list, but it must be a mapping with keys such as "users:"',
      'latin1.yaml': 'the file is not valid UTF-8 (byte 0xE9 here); save it with UTF-8 encoding',
      'multiple-documents.yaml':
        'a second YAML document starts here ("---"); a file holds one document: remove the "---" line or move the rest into its own file in the same directory',
    });
  });

  it('YAML_DUPLICATE_KEY points at the second key and relates the first', () => {
    const [d] = loadOne('duplicate-key.yaml').diagnostics;
    expect(d?.related).toEqual({ file: fixture('duplicate-key.yaml'), line: 3, column: 5 });
  });

  it('treats keys that become the same JS property as duplicates', () => {
    expect(fromText('settings:\n  1: a\n  "1": b\n').diagnostics.map(where)).toEqual(['YAML_DUPLICATE_KEY@3:3']);
  });

  it('YAML_NOT_UTF8 counts the column in characters and looks past a real U+FFFD and a BOM', () => {
    const bytes = Buffer.concat([Buffer.from('\uFEFFa: "\uFFFD ok"\nb: "é', 'utf8'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]);
    expect(parseYamlSource('x.yaml', bytes).diagnostics.map(where)).toEqual(['YAML_NOT_UTF8@2:6']);
    const onFirstLine = Buffer.concat([Buffer.from('\uFEFFab', 'utf8'), Buffer.from([0xff])]);
    expect(parseYamlSource('x.yaml', onFirstLine).diagnostics.map(where)).toEqual(['YAML_NOT_UTF8@1:3']);
  });

  describe('YAML_NOT_UTF8 names a file saved as UTF-16 or UTF-32 instead of its first byte', () => {
    const yaml = 'users:\n  - userPrincipalName: megan.bowen@contoso.com\n';
    const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();
    const utf32 = (text: string, littleEndian: boolean): Buffer => {
      const out = Buffer.alloc(text.length * 4);
      [...text].forEach((c, i) => (littleEndian ? out.writeUInt32LE(c.codePointAt(0) ?? 0, i * 4) : out.writeUInt32BE(c.codePointAt(0) ?? 0, i * 4)));
      return out;
    };
    it.each([
      ['UTF-16 LE with a BOM', Buffer.from(`\uFEFF${yaml}`, 'utf16le'), 'UTF-16 (little endian)', 'UTF-16'],
      ['UTF-16 BE with a BOM', utf16be(`\uFEFF${yaml}`), 'UTF-16 (big endian)', 'UTF-16'],
      ['UTF-16 LE without a BOM', Buffer.from(yaml, 'utf16le'), 'UTF-16 (little endian)', 'UTF-16LE'],
      ['UTF-16 BE without a BOM', utf16be(yaml), 'UTF-16 (big endian)', 'UTF-16BE'],
      ['UTF-16 LE, a comment in Cyrillic first', Buffer.from(`# Пользователи\n${yaml}`, 'utf16le'), 'UTF-16 (little endian)', 'UTF-16LE'],
      ['UTF-32 LE with a BOM', utf32(`\uFEFF${yaml}`, true), 'UTF-32 (little endian)', 'UTF-32'],
      ['UTF-32 BE with a BOM', utf32(`\uFEFF${yaml}`, false), 'UTF-32 (big endian)', 'UTF-32'],
      ['UTF-32 LE without a BOM', utf32(yaml, true), 'UTF-32 (little endian)', 'UTF-32LE'],
    ])('%s', (_, bytes, encoding, iconvName) => {
      const { source, diagnostics } = parseYamlSource('x.yaml', bytes);
      expect(diagnostics.map(where)).toEqual(['YAML_NOT_UTF8@1:1']);
      expect(diagnostics[0]?.message).toBe(
        `the file is saved as ${encoding}, but tenantctl reads UTF-8 only: save it as UTF-8 (in most editors "Save with Encoding" or the encoding in the status bar), or convert it with iconv -f ${iconvName} -t UTF-8 FILE > NEW_FILE`,
      );
      expect(source.value).toBeNull();
    });

    it('refuses a large UTF-16 file from its first bytes, without decoding it', () => {
      const decode = vi.spyOn(TextDecoder.prototype, 'decode');
      try {
        const bytes = Buffer.from(`\uFEFF${yaml.repeat(100_000)}`, 'utf16le');
        const { source, diagnostics } = parseYamlSource('x.yaml', bytes);
        expect(diagnostics.map(where)).toEqual(['YAML_NOT_UTF8@1:1']);
        expect(source.text).toBe('');
        expect(decode).not.toHaveBeenCalled();
      } finally {
        decode.mockRestore();
      }
    });

    it('still reports a stray NUL or a Latin-1 byte in a UTF-8 file as such', () => {
      expect(fromText('users: []\nx: "a\0b"\n').diagnostics.map(where)).toEqual(['YAML_SYNTAX@2:6']);
      expect(fromText('a: "b\0"\n').diagnostics.map(where)).toEqual(['YAML_SYNTAX@1:6']);
      expect(fromText('ab\0\n').diagnostics.map(where)).toEqual(['YAML_SYNTAX@1:3']);
      const latin1 = Buffer.concat([Buffer.from('a: '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]);
      expect(parseYamlSource('x.yaml', latin1).diagnostics.map((d) => `${where(d)} ${d.message}`)).toEqual([
        'YAML_NOT_UTF8@1:4 the file is not valid UTF-8 (byte 0xFF here); save it with UTF-8 encoding',
      ]);
    });
  });

  it('accepts a UTF-8 BOM and leaves it out of the text', () => {
    const { source, diagnostics } = loadOne('bom.yaml');
    expect(diagnostics).toEqual([]);
    expect(source?.text.startsWith('users:')).toBe(true);
    expect(source?.value).toEqual({ users: [{ userPrincipalName: 'bom@contoso.com' }] });
  });

  it.each([
    ['a scalar', 'just a string\n', 'YAML_NOT_MAPPING@1:1', 'a string'],
    ['a number', '\n42\n', 'YAML_NOT_MAPPING@2:1', 'a number'],
    ['an explicit null', '~\n', 'YAML_NOT_MAPPING@1:1', 'null'],
  ])('YAML_NOT_MAPPING for %s', (_, text, expected, described) => {
    const [d] = fromText(text).diagnostics;
    expect(d && where(d)).toBe(expected);
    expect(d?.message).toContain(`is ${described},`);
  });

  it('reports a tab in indentation once per line, not yaml’s follow-up errors', () => {
    expect(fromText('users:\n-\tname: x\n  b: 1\n').diagnostics.map(where)).toEqual(['YAML_TAB_INDENT@2:2', 'YAML_SYNTAX@3:1']);
    expect(fromText('a:\n  - x\n\t- y\n').diagnostics.map(where)).toEqual(['YAML_TAB_INDENT@3:1']);
  });

  it('allows tabs where YAML allows them', () => {
    const { source, diagnostics } = fromText('a:\t1\nb: [1,\t2]\n# c\td\nc: |\n  \tcontent\nd: x\t# e\n');
    expect(diagnostics).toEqual([]);
    expect(source.value).toEqual({ a: 1, b: [1, 2], c: '\tcontent\n', d: 'x' });
  });

  it('gives every syntax error of a file, one per line', () => {
    const text = 'jobTitle: Sales: lead\nok: 1\nx: - 1\n';
    expect(fromText(text).diagnostics.map(where)).toEqual(['YAML_SYNTAX@1:11', 'YAML_SYNTAX@3:4']);
    expect(fromText(text).diagnostics[0]?.message).toBe(
      'nested mappings are not allowed in compact mappings; put a value that contains ": " or " #" in quotes, or start a nested mapping on its own line',
    );
  });

  it('rejects an unknown tag, a %YAML 1.1 directive and an alias without anchor', () => {
    expect(fromText('users: !group [a]\n').diagnostics.map(where)).toEqual(['YAML_UNKNOWN_TAG@1:8']);
    expect(fromText('%YAML 1.1\n---\nenabled: yes\n').diagnostics.map(where)).toEqual(['YAML_VERSION@1:1']);
    const [alias] = fromText('a: 1\nb: *missing\n').diagnostics;
    expect(alias && where(alias)).toBe('YAML_SYNTAX@2:4');
    expect(alias?.message).toBe('alias *missing refers to no anchor; define &missing on an earlier value, or fix the name');
  });

  // yaml reads YAML 1.1's tags for dates, binary data, sets, ...; the schema check then said "must be text, not a mapping".
  it.each([
    ['!!timestamp 2016-01-01', 'YAML_UNKNOWN_TAG@3:18', '!!timestamp', 'a date'],
    ['!<tag:yaml.org,2002:timestamp> 2016-01-01', 'YAML_UNKNOWN_TAG@3:18', '!!timestamp', 'a date'],
    ['!!binary aGVsbG8=', 'YAML_UNKNOWN_TAG@3:18', '!!binary', 'binary data'],
    ['!!set {a, b}', 'YAML_UNKNOWN_TAG@3:18', '!!set', 'a set'],
    ['&s !!set {a, b}', 'YAML_UNKNOWN_TAG@3:21', '!!set', 'a set'],
    ['!!omap [a: 1]', 'YAML_UNKNOWN_TAG@3:18', '!!omap', 'an ordered mapping'],
    ['!!omap # ordered\n      - a: 1', 'YAML_UNKNOWN_TAG@4:7', '!!omap', 'an ordered mapping'],
    ['!!pairs [a: 1]', 'YAML_UNKNOWN_TAG@3:18', '!!pairs', 'a list of pairs'],
    ['[a,!!binary aGk=]', 'YAML_UNKNOWN_TAG@3:21', '!!binary', 'binary data'],
  ])('names the YAML 1.1 tag of displayName: %s, where it is written', (value, expected, tag, what) => {
    const { source, diagnostics } = fromText(`users:\n  - userPrincipalName: megan@contoso.com\n    displayName: ${value}\n`);
    expect(diagnostics.map(where)).toEqual([expected]);
    expect(diagnostics[0]?.message).toBe(
      `the ${tag} tag makes this value ${what}, but tenantctl's configuration takes plain text there (or a plain number, list or mapping), never a tagged value: remove the tag, or put the value in quotes`,
    );
    expect(source.value).toBeNull();
  });

  it('words a tagged value that does not fit its tag the same, and never quotes the value', () => {
    const { diagnostics } = fromText('users:\n  - userPrincipalName: megan@contoso.com\n    password:\n      value: !!timestamp Welkom2016x\n');
    expect(diagnostics.map(where)).toEqual(['YAML_UNKNOWN_TAG@4:14']);
    expect(diagnostics[0]?.message).toMatch(/^the !!timestamp tag makes this value a date,/);
    expect(diagnostics[0]?.message).not.toContain('Welkom');
  });

  it('rejects an alias inside the value it refers to', () => {
    const [d] = fromText('a: 1\nb: &loop [x, *loop]\n').diagnostics;
    expect(d && where(d)).toBe('YAML_ALIAS_LIMIT@2:14');
    expect(d?.message).toContain('never ends');
  });
});

// A password that starts with !, |, > or * is read as YAML syntax: what yaml says of it must not quote it back.
describe('a password read as YAML syntax is never quoted back', () => {
  const user = (value: string) => `users:\n  - userPrincipalName: megan@contoso.com\n    password: ${value}\n`;
  it.each([
    ['a tag', '!Welkom2016x', 'YAML_UNKNOWN_TAG@3:15'],
    ['a secondary tag', '!!Welkom2016x', 'YAML_UNKNOWN_TAG@3:15'],
    ['a named tag handle', '!Wel!kom2016x', 'YAML_UNKNOWN_TAG@3:15'],
    ['a verbatim tag', '!<Welkom2016x> a', 'YAML_UNKNOWN_TAG@3:15'],
    ['a tag in a flow list', '[!Welkom2016x]', 'YAML_UNKNOWN_TAG@3:16'],
    ['a literal block header', '|Welkom2016x', 'YAML_SYNTAX@3:16'],
    ['a folded block header', '>Welkom2016x', 'YAML_SYNTAX@3:16'],
    ['an escape', '"Ab\\UWelkom2016x"', 'YAML_SYNTAX@3:18'],
    ['an alias', '*Welkom2016x', 'YAML_SYNTAX@3:15'],
  ])('%s', (_, value, expected) => {
    const { diagnostics } = fromText(user(value));
    expect(diagnostics.map(where)).toEqual([expected]);
    expect(diagnostics[0]?.message).toContain('(not shown here: it may be a password)');
    expect(diagnostics[0]?.message).not.toMatch(/Welkom|kom2016/);
  });

  // The character yaml reads as syntax may be the symbol that makes the password one, and yaml quotes the rest without it.
  it.each([
    ['an alias', '*welkom2016', 'YAML_SYNTAX@3:15'],
    ['an alias in a flow list', '[*welk20,16]', 'YAML_SYNTAX@3:16'],
    ['a verbatim tag', '!<welkom2016> a', 'YAML_UNKNOWN_TAG@3:15'],
    ['a short escape', '"\\uwelk2016"', 'YAML_SYNTAX@3:16'],
  ])('%s whose other characters are of two classes', (_, value, expected) => {
    const { diagnostics } = fromText(user(value));
    expect(diagnostics.map(where)).toEqual([expected]);
    expect(diagnostics[0]?.message).toContain('(not shown here: it may be a password)');
    expect(diagnostics[0]?.message).not.toMatch(/welk/);
  });

  // A comma in a flow list splits the password: yaml quotes the piece it read as syntax, however short.
  it.each([
    ['a tag', '[!Wel,kom2016]', 'YAML_UNKNOWN_TAG@3:16', /Wel/],
    ['an alias', '[*We,lkom2016]', 'YAML_SYNTAX@3:16', /\*We|&We/],
    ['a one-letter tag', '[!W,elkom2016]', 'YAML_UNKNOWN_TAG@3:16', /!W\b/],
  ])('%s that is a short piece of a password split in a flow collection', (_, value, expected, piece) => {
    const { diagnostics } = fromText(user(value));
    expect(diagnostics.map(where)).toEqual([expected]);
    expect(diagnostics[0]?.message).toContain('(not shown here: it may be a password)');
    expect(diagnostics[0]?.message).not.toMatch(piece);
  });

  it('still quotes what cannot be a password', () => {
    expect(fromText('users: !group [a]\n').diagnostics[0]?.message).toBe('Unresolved tag: !group; remove the "!" tag: tenantctl reads plain YAML values only');
    expect(fromText('a: |x\n').diagnostics[0]?.message).toMatch(/^block scalar header includes extra characters: \|x;/);
    // yaml names a !! tag in full, tag:yaml.org,2002:…, whose prefix alone has three classes of characters.
    expect(fromText('a: !!int x\n').diagnostics[0]?.message).toMatch(/^Unresolved tag: tag:yaml\.org,2002:int;/);
    expect(fromText('a: !!set [x]\n').diagnostics[0]?.message).toMatch(/^the !!set tag makes this value a set, but tenantctl's configuration takes plain text there/);
    expect(fromText('a: !!str [x]\n').diagnostics[0]?.message).toMatch(/tag:yaml\.org,2002:str/);
    expect(fromText('a: !!welkom20 x\n').diagnostics[0]?.message).toContain('(not shown here: it may be a password)');
    // Short tags and aliases beside ordinary words, and English words of a message beside a password-like word.
    expect(fromText('a: [!x, b]\n').diagnostics[0]?.message).toMatch(/^Unresolved tag: !x;/);
    expect(fromText('a: [*ab, Login2016!]\n').diagnostics[0]?.message).toBe('alias *ab refers to no anchor; define &ab on an earlier value, or fix the name');
    expect(fromText('a: [!x, Vintage2016!]\n').diagnostics[0]?.message).toBe('Unresolved tag: !x; remove the "!" tag: tenantctl reads plain YAML values only');
  });
});

describe('alias expansion is bounded', () => {
  it('stops a 9-level billion laughs file fast and small', () => {
    const bytes = fs.readFileSync(fixture('billion-laughs.yaml'));
    const heapBefore = process.memoryUsage().heapUsed;
    // Bounded work shows as bounded memory; its time belongs in the benchmark, not a test.
    const { diagnostics } = parseYamlSource('billion-laughs.yaml', bytes);
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    expect(diagnostics.map((d) => d.code)).toEqual(['YAML_ALIAS_LIMIT']);
    expect(diagnostics[0]?.message).toBe(
      'aliases expand this file to 1,234,567,900 values although it writes only 20 (the limit is 1,000,000, against "billion laughs" files);' +
        ' write the values out instead of nesting aliases in aliases',
    );
    expect(heapGrowth).toBeLessThan(50 * 1024 * 1024);
  });

  it('lets a real file reuse one anchor many times (yaml’s default maxAliasCount of 100 would not)', () => {
    const users = Array.from({ length: 500 }, (_, i) => `  - { userPrincipalName: u${i}@contoso.com, licenses: *standard }`);
    const text = `standard: &standard [O365_BUSINESS_PREMIUM, { sku: VISIOCLIENT, disabledPlans: [VISIOONLINE] }]\nusers:\n${users.join('\n')}\n`;
    const { source, diagnostics } = fromText(text);
    expect(diagnostics).toEqual([]);
    expect(source.value).toEqual(parse(text, { maxAliasCount: -1 }));
  });
});

describe('nesting is bounded', () => {
  // yaml composes by recursion and used to carry on at the end of the stack after
  // catching its overflow: "[" × 20,000 under defaults aborted the test's process
  // (V8's "RegExpCompiler Allocation failed - process out of memory").
  it.each(['[', '{a: ', '- ', '? '])('reports %j nested 20,000 deep once, where the 65th level starts', (open) => {
    for (const key of ['users', 'defaults', 'photo']) {
      const close = { '[': ']', '{a: ': '}', '- ': '', '? ': '' }[open]!;
      const block = open === '- ' || open === '? ';
      const text = block ? `${key}:\n${open.repeat(20_000)}x\n` : `${key}: ${open.repeat(20_000)}x${close.repeat(20_000)}\n`;
      const { source, diagnostics } = fromText(text);
      expect(source.value).toBeNull();
      // A "? " mapping starts at its first key, after its own "? ".
      const column = block ? 1 + (open === '? ' ? 64 : 63) * open.length : key.length + 3 + 63 * open.length;
      expect(diagnostics.map(where)).toEqual([`YAML_SYNTAX@${block ? 2 : 1}:${column}`]);
      expect(diagnostics[0]!.message).toBe('the values here nest more than 64 levels deep; flatten them: a configuration nests 6 levels at most');
    }
  });

  it('composes 64 levels as usual', () => {
    const { source, diagnostics } = fromText(`defaults: ${'['.repeat(63)}x${']'.repeat(63)}\n`);
    expect(diagnostics).toEqual([]);
    let value = (source.value as { defaults: unknown }).defaults;
    let depth = 1;
    while (Array.isArray(value)) [value, depth] = [value[0], depth + 1];
    expect(depth).toBe(64);
  });
});

describe('the keys of one mapping are bounded', () => {
  const keys = (count: number, indent = '', value = '1') => Array.from({ length: count }, (_, i) => `${indent}k${i}: ${value}\n`).join('');
  const flow = `spareSeats: {${Array.from({ length: 10_001 }, (_, i) => `k${i}: 1`).join(', ')}}\n`;

  it('refuses the 10,001st key of one mapping where it is, on every path', () => {
    const cases: [string, string, string][] = [
      ['block', `spareSeats:\n${keys(10_001, '  ')}`, 'CONFIG_TOO_LARGE@10002:3'],
      // A tab sends the file to js-yaml.
      ['tab', `#\t\nspareSeats:\n${keys(10_001, '  ')}`, 'CONFIG_TOO_LARGE@10003:3'],
      ['flow', flow, `CONFIG_TOO_LARGE@1:${flow.indexOf('k10000:') + 1}`],
      // Values that are lists count as one node each, as scalars do.
      ['lists', `#\t\nspareSeats:\n${keys(10_001, '  ', '[a, {b: c}]')}`, 'CONFIG_TOO_LARGE@10003:3'],
    ];
    for (const [name, text, expected] of cases) {
      const { source, diagnostics } = fromText(text);
      expect(source.value, name).toBeNull();
      expect(diagnostics.map(where), name).toEqual([expected]);
      expect(diagnostics[0]!.message, name).toMatch(/^this mapping has more than 10,000 keys, the limit for one mapping/);
    }
  });

  it('counts each mapping apart: 10,000 keys in one, and in each of many, are read', () => {
    for (const text of [
      `spareSeats:\n${keys(10_000, '  ')}`,
      `#\t\nspareSeats:\n${keys(10_000, '  ', '{a: 1}')}`,
      `users:\n${`  - \n${keys(10_000, '    ')}`.repeat(3)}`,
    ]) {
      const { source, diagnostics } = fromText(text);
      expect(diagnostics).toEqual([]);
      expect(source.value).not.toBeNull();
    }
  });
});

describe('values', () => {
  it.each(['valid/tenant.yaml', 'bom.yaml', 'ordered/a-defaults.yml', 'ordered/b-users.yaml', 'broken/4-valid.yaml'])(
    '%s equals yaml’s parse',
    (name) => {
      const { source, diagnostics } = loadOne(name);
      expect(diagnostics).toEqual([]);
      expect(source?.value).toStrictEqual(parse(fs.readFileSync(fixture(name), 'utf8')));
    },
  );

  it('reads YAML 1.2 core scalars', () => {
    const { source } = loadOne('valid/tenant.yaml');
    const [, second, third] = (source?.value as { users: Record<string, unknown>[] }).users;
    expect(second).toMatchObject({
      displayName: 'on',
      givenName: 'yes',
      surname: 'no',
      jobTitle: 'off',
      department: 755,
      postalCode: '0755',
      streetAddress: 15,
      city: 31,
      country: 1000,
      mobilePhone: '+31 6 0000',
      password: { forceChangePasswordNextSignIn: true },
      licenses: [{ sku: 'ENTERPRISEPACK', disabledPlans: null }],
    });
    expect(third).toMatchObject({
      displayName: 'a plain value folded over two lines',
      jobTitle: 'Folded block scalar',
      department: 'Literal\n  block\n',
      surname: 'escaped "quote" and é and \t tab',
      givenName: "it's",
      country: null,
      city: '',
      empty: null,
      date: '2024-01-15',
      time: '12:30',
      negative: -0.5,
      infinity: Infinity,
    });
  });

  it('keeps __proto__ an ordinary key', () => {
    const { source } = fromText('__proto__: { polluted: true }\n');
    expect(Object.getPrototypeOf(source.value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(source.value as object)).toEqual(['__proto__']);
  });
});

describe('files and directories', () => {
  let scratch: string;
  let socketServer: net.Server;
  const socketPath = (): string => path.join(scratch, 'socket.yaml');

  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-yaml-'));
    fs.mkdirSync(path.join(scratch, 'no-yaml'));
    fs.writeFileSync(path.join(scratch, 'no-yaml', 'readme.txt'), 'nothing here\n');
    socketServer = net.createServer();
    await new Promise<void>((resolve) => socketServer.listen(socketPath(), resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => socketServer.close(() => resolve()));
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('takes a directory’s *.yaml and *.yml files in name order, not recursively, without dotfiles', () => {
    const { files, diagnostics } = loadYamlSources([`${fixture('ordered')}/`]);
    // The subfolder's file is not read, and said so.
    expect(diagnostics.map((d) => [d.code, d.severity, d.location?.file])).toEqual([['CONFIG_SUBFOLDER_NOT_READ', 'warning', fixture('ordered/nested')]]);
    expect(files.map((f) => f.file)).toEqual(['a-defaults.yml', 'b-users.yaml', 'c-more.yaml'].map((n) => fixture(`ordered/${n}`)));
    expect(files.map((f) => f.value)).toEqual([
      { defaults: { usageLocation: 'NL' } },
      { users: [{ userPrincipalName: 'b@contoso.com' }] },
      { users: [{ userPrincipalName: 'c@contoso.com' }] },
    ]);
  });

  it('reads a file reached twice once', () => {
    const { files } = listConfigFiles([fixture('ordered'), fixture('ordered/b-users.yaml'), `./${fixture('ordered/c-more.yaml')}`]);
    expect(files).toEqual(['a-defaults.yml', 'b-users.yaml', 'c-more.yaml'].map((n) => fixture(`ordered/${n}`)));
  });

  it('reports a missing path, a directory without YAML files, no path at all, and a socket (not a regular file)', () => {
    const noYaml = path.join(scratch, 'no-yaml');
    expect(loadYamlSources([fixture('missing.yaml'), noYaml, socketPath()]).diagnostics).toEqual([
      error('CONFIG_NOT_FOUND', `${fixture('missing.yaml')} does not exist; check the path given with -c`, { file: fixture('missing.yaml') }),
      error('CONFIG_NO_FILES', `the directory ${noYaml} holds no .yaml or .yml files; add one, or point -c at the right directory`, { file: noYaml }),
      error(
        'CONFIG_NOT_A_FILE',
        `${socketPath()} is a socket, not a regular file; tenantctl reads only regular files (save the content to a file and give its path)`,
        { file: socketPath() },
      ),
    ]);
    expect(loadYamlSources([]).diagnostics.map((d) => d.code)).toEqual(['CONFIG_NOT_FOUND']);
  });

  it('collects every problem of every file in one run', () => {
    const { files, diagnostics } = loadYamlSources([fixture('broken'), fixture('missing.yaml'), fixture('latin1.yaml')]);
    expect(files.map((f) => [path.posix.basename(f.file), f.value !== null])).toEqual([
      ['1-duplicate-key.yaml', false],
      ['2-tab-indent.yaml', false],
      ['3-syntax-error.yaml', false],
      ['4-valid.yaml', true],
      ['5-top-level-list.yaml', false],
      ['latin1.yaml', false],
    ]);
    expect(diagnostics.map((d) => `${d.location ? formatLocation(d.location) : ''} ${d.code}`)).toEqual([
      `${fixture('missing.yaml')} CONFIG_NOT_FOUND`,
      `${fixture('broken/1-duplicate-key.yaml')}:5:5 YAML_DUPLICATE_KEY`,
      `${fixture('broken/2-tab-indent.yaml')}:3:1 YAML_TAB_INDENT`,
      `${fixture('broken/3-syntax-error.yaml')}:3:18 YAML_SYNTAX`,
      `${fixture('broken/5-top-level-list.yaml')}:2:1 YAML_NOT_MAPPING`,
      `${fixture('latin1.yaml')}:3:21 YAML_NOT_UTF8`,
    ]);
  });
});

describe('locate', () => {
  const tenant = (): ConfigFile => {
    const { source } = loadOne('valid/tenant.yaml');
    if (!source) throw new Error('fixture did not load');
    return source;
  };

  it.each([
    ['a scalar value', ['users', 0, 'displayName'], 'value', '15:18'],
    ['the key of a scalar', ['users', 0, 'displayName'], 'key', '15:5'],
    ['an alias value', ['users', 0, 'licenses'], undefined, '28:15'],
    ['the key of an alias', ['users', 0, 'licenses'], 'key', '28:5'],
    ['a path through an alias, in the anchored value', ['users', 0, 'licenses', 1, 'sku'], 'value', '11:10'],
    ['a block list: its key by default', ['users', 1, 'licenses'], undefined, '45:5'],
    ['a block list asked for its value', ['users', 1, 'licenses'], 'value', '46:7'],
    ['an empty value: its key', ['users', 1, 'licenses', 0, 'disabledPlans'], 'value', '47:9'],
    ['a list item', ['users', 2], undefined, '48:5'],
    ['an index given as a string', ['users', '1', 'givenName'], 'value', '31:16'],
    ['a missing key: the key of its parent', ['settings', 'maxSeats'], 'value', '5:1'],
    ['a missing item: the key of its list', ['users', 9, 'city'], 'value', '13:1'],
    ['the document', [], undefined, '2:1'],
  ] as const)('%s', (_, at, pointAt, expected) => {
    const position = locate(tenant(), at, pointAt);
    expect(position && `${position.line}:${position.column}`).toBe(expected);
  });

  it('locateDiagnostics fills lines of path-only locations and related locations, leaving the rest alone', () => {
    const source = tenant();
    const file = source.file;
    const alreadyLocated = error('X', 'kept', { file, path: ['users', 0], line: 99, column: 9 });
    const otherFile = error('X', 'unknown file', { file: 'elsewhere.yaml', path: ['users'] });
    const noPath = error('X', 'whole file', { file });
    const noLocation = error('X', 'nowhere');
    const twice = error('USER_DUPLICATE', 'declared twice', { file, path: ['users', 1, 'userPrincipalName'] }, { file, path: ['users', 0, 'userPrincipalName'] });
    const unknownField = error('SCHEMA_UNKNOWN', 'unknown field', { file, path: ['users', 2, 'empty'] });
    const located = locateDiagnostics([source], [alreadyLocated, otherFile, noPath, noLocation, twice, unknownField], {
      pointAt: (d) => (d.code === 'SCHEMA_UNKNOWN' ? 'key' : undefined),
    });
    expect(located.slice(0, 4)).toEqual([alreadyLocated, otherFile, noPath, noLocation]);
    expect(located[4]).toEqual({
      ...twice,
      location: { file, path: ['users', 1, 'userPrincipalName'], line: 29, column: 24 },
      related: { file, path: ['users', 0, 'userPrincipalName'], line: 14, column: 24 },
    });
    expect(located[5]?.location).toEqual({ file, path: ['users', 2, 'empty'], line: 61, column: 5 });
  });

  it('locates deep in a large file', () => {
    const users = Array.from({ length: 2000 }, (_, i) => `  - userPrincipalName: u${i}@contoso.com\n    city: Zürich`).join('\n');
    const { source } = fromText(`users:\n${users}\n`, 'big.yaml');
    const [d] = locateDiagnostics([source], [error('X', 'bad city', { file: 'big.yaml', path: ['users', 1999, 'city'] })]);
    expect(d?.location).toMatchObject({ line: 1 + 2 * 1999 + 2, column: 11 });
  });
});

describe('parseYamlSource: the values a configuration may still hold', () => {
  const bytes = Buffer.from('users:\n  - userPrincipalName: a@contoso.com\n    displayName: A\n');

  it('counts the values it parsed, about one per key, item and scalar (and a few per document)', () => {
    const parsed = parseYamlSource('t.yaml', bytes);
    expect(parsed.values).toBeGreaterThanOrEqual(7);
    expect(parsed.values).toBeLessThanOrEqual(16);
    expect(parsed.source.value).toEqual({ users: [{ userPrincipalName: 'a@contoso.com', displayName: 'A' }] });
  });

  it('builds nothing past the budget, and says how many there were', () => {
    const counted = parseYamlSource('t.yaml', bytes).values;
    expect(parseYamlSource('t.yaml', bytes, counted).source.value).not.toBeNull();
    const over = parseYamlSource('t.yaml', bytes, counted - 1);
    expect(over.source.value).toBeNull();
    expect(over.values).toBe(counted);
    expect(over.diagnostics).toEqual([]);
  });
});

describe('YAML_MULTIPLE_DOCUMENTS names the line that ends the first document', () => {
  const problem = (text: string) => parseYamlSource('t.yaml', Buffer.from(text)).diagnostics.map((d) => [d.code, d.message, d.location?.line]);

  it('"---"', () => {
    expect(problem('users: []\n---\nusers: []\n')).toEqual([
      ['YAML_MULTIPLE_DOCUMENTS', 'a second YAML document starts here ("---"); a file holds one document: remove the "---" line or move the rest into its own file in the same directory', 2],
    ]);
  });

  it('"...", with no "---" in the file', () => {
    const [found] = problem('users: []\n...\nsettings:\n  minGlobalAdmins: 1\n');
    expect(found?.[0]).toBe('YAML_MULTIPLE_DOCUMENTS');
    expect(found?.[1]).toBe('a second YAML document starts here, after the "..." line that ends the first; a file holds one document: remove the "..." line or move the rest into its own file in the same directory');
  });
});
