// The same mistake gets the same code, position and words whatever the file's
// size: a file js-yaml refuses is parsed again by yaml (every problem, located)
// while the configuration's files with problems are within 1 MiB together, and
// past that is told js-yaml's first problem (large-file-problems.ts). Each
// snippet is read alone and followed by 1 MiB of comment lines, which move no
// position. Before helper-103 an unknown tag, a repeated key, a tab, a second
// document, a key that is a list, an alias to nothing and deep nesting each had
// another code, position or message in the large file.
import { describe, expect, it } from 'vitest';
import { SLOW_PATH_LIMIT } from '../../src/config/large-file-problems.js';
import { locateDiagnostics } from '../../src/config/locate.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { error, type Diagnostic } from '../../src/diagnostics/diagnostic.js';

const COMMENTS = `${'# padding comment\n'.repeat(Math.ceil(SLOW_PATH_LIMIT / 18) + 10)}`;
const TOO_LARGE_NOTE = "; the configuration's files with problems are over 1 MiB, so only the first problem of this one is shown: fix it and run again";

const read = (text: string) => parseYamlSource('t.yaml', Buffer.from(text, 'utf8')).diagnostics;
const where = (d: Diagnostic | undefined) => `${d?.code}@${d?.location?.line}:${d?.location?.column}`;

/** Mistakes both paths must report alike: code, line, column, and words (the large file's with a note). */
const SAME: Record<string, string> = {
  'an unknown tag': 'x: !foo bar\n',
  'an unknown verbatim tag': 'x: !<!foo> bar\n',
  'a YAML 1.1 tag': 'x: !!timestamp 2016-01-01\n',
  'a standard tag on the wrong kind of node': 'x: !!str {a: 1}\n',
  'a value that does not fit its tag': 'x: !!int abc\n',
  'a tag from a %TAG directive': '%TAG !e! tag:example.com:\n---\nx: !e!foo 1\n',
  'a repeated key': 'x: 1\nx: 2\n',
  'a key repeated as another JS property, quoted': 'x:\n  1: a\n  "1": b\n',
  'a key repeated through an alias': 'x: { &a k: 1, *a : 2 }\n',
  'a null key repeated': 'x:\n  null: 1\n  ~: 2\n',
  'a number key repeated in another notation': 'x:\n  0x10: 1\n  16.0: 2\n',
  'a boolean key repeated': 'x:\n  true: 1\n  True: 2\n',
  'a tab in indentation': 'x:\n\ty: 1\n',
  'an alias to no anchor': 'x: *nope\n',
  'a second document after ---': 'x: 1\n---\ny: 2\n',
  'a second document after ...': 'x: 1\n...\ny: 2\n',
  'a second document after an empty first': '# a comment\n---\n---\ny: 2\n',
  'a second document after a first started on the --- line': '--- {x: 1}\n---\ny: 2\n',
  'a list as a block key': 'x:\n  ? [a]\n  : 1\n',
  'a list as a flow key': 'x: {[a]: 1}\n',
  'nesting past 64 levels': `x: ${'['.repeat(70)}${']'.repeat(70)}\n`,
  'nesting of 65 levels, which js-yaml read before': `x: ${'['.repeat(64)}${']'.repeat(64)}\n`,
  'nesting of 65 levels around a scalar': `x: ${'[a, '.repeat(64)}b${']'.repeat(64)}\n`,
  // js-yaml refuses 64 levels and a scalar, so the file is parsed again deeper (yaml-source.ts parseEventsNested).
  'nesting of 64 levels around a scalar, after a repeated key': `x: 1\nx: ${'[a, '.repeat(63)}b${']'.repeat(63)}\n`,
  'nesting of 65 block levels': `${Array.from({ length: 65 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`,
  'a control character': 'x: a\u0007b\n',
  'a C1 control character': 'x:\n  y: a\u009bb\n',
  // Where js-yaml looks for none (comments, quoted values), after a % inside a line, after a directive.
  'a control character in a comment': 'x: 1 # a\u0001b\n',
  'a DEL in a quoted value after 100%': 'x: 100%\ny: "a\u007fb"\n',
  'a U+FFFE in a quoted value': "x: 'a\ufffeb'\n",
  'a control character after a directive': '%YAML 1.2\n---\nx: "\u0084"\n',
  'a %YAML 1.1 directive': '%YAML 1.1\n---\nx: 1\n',
  'an unknown directive': '# header\n%YAML 1.2\n%FOO bar\n---\nx: 1\n',
  'an unknown directive written like a password': '%Welkom2016x\n---\nx: 1\n',
  'a short piece of a password read as a tag': 'x:\n  password: [!Wel,kom2016]\n',
  'an unknown tag after lone-CR line ends': 'x: 1\ry: 2\rz: !foo 3\r',
  'a repeated key after CRLF line ends': 'x: 1\r\ny: 2\r\nx: !!str 3\r\n',
  'a key repeated after its tag and anchor': 'x: 1\n!!str &k y: 2\n"y": 3\n',
};

/** Syntax errors whose words come from the parser: both say YAML_SYNTAX on the same line. */
const SAME_CODE_AND_LINE: Record<string, string> = {
  'an unclosed flow list': 'x: [a, b\ny: 1\n',
  'a bad escape': 'x: "a\\qb"\n',
  'bad indentation': 'x:\n  a: 1\n b: 2\n',
  'a mapping on the line of its key': 'x: a: b\n',
  'a value starting with @': 'x: @foo\n',
  'a trailing comma': 'x: [a,,]\n',
  'a closing bracket alone': 'x: ]\n',
  'a bad block scalar header': 'x: |Q\n  a\n',
};

describe('a mistake is told alike in a small file and in one over SLOW_PATH_LIMIT', () => {
  it.each(Object.entries(SAME))('%s', (_, snippet) => {
    const small = read(snippet);
    const large = read(snippet + COMMENTS);
    expect(small.length).toBeGreaterThan(0);
    expect(large[0]?.message).not.toContain('Wel');
    expect(large.map(where)).toEqual([where(small[0])]);
    // Refused before either parser (a control character) or by a check of its own (%YAML): no note.
    expect([large[0]?.message.replace(TOO_LARGE_NOTE, ''), large[0]?.related]).toEqual([small[0]?.message, small[0]?.related]);
  });

  it.each(Object.entries(SAME_CODE_AND_LINE))('%s', (_, snippet) => {
    const small = read(snippet);
    const large = read(snippet + COMMENTS);
    expect(large).toHaveLength(1);
    expect([large[0]?.code, large[0]?.location?.line]).toEqual([small[0]?.code, small[0]?.location?.line]);
    expect(large[0]?.message).toMatch(/; check the indentation, quotes and brackets around here; the configuration's files with problems are over 1 MiB/);
  });
});

it('nesting past js-yaml\'s own limit (4 × 64): the same words, on the same line', () => {
  const snippet = `x: ${'['.repeat(300)}${']'.repeat(300)}\n`;
  const [small] = read(snippet);
  const [large] = read(snippet + COMMENTS);
  expect([large?.code, large?.location?.line, large?.message.replace(TOO_LARGE_NOTE, '')]).toEqual([small?.code, small?.location?.line, small?.message]);
});

it('a repeated empty key: YAML_DUPLICATE_KEY where it is, never "first on line 1"', () => {
  const [large] = read('x:\n  : 1\n  ~: 2\n' + COMMENTS);
  expect(where(large)).toBe('YAML_DUPLICATE_KEY@3:3');
  expect(large?.message).toMatch(/^this key appears twice in one mapping; remove or rename one of them;/);
  const [second] = read('x:\n  ~: 1\n  : 2\n' + COMMENTS);
  expect(where(second)).toMatch(/^YAML_DUPLICATE_KEY@3:/);
});

describe('mistakes yaml read silently, refused by both paths', () => {
  it('a list or mapping as a key (yaml made `[a]: 1` the key "[ a ]")', () => {
    expect(read('users: []\nx: {[a]: 1, {b: 1}: 2}\n').map((d) => `${where(d)} ${d.message}`)).toEqual([
      'YAML_SYNTAX@2:5 a list or mapping is used as a key here, but a key must be plain text; put the key in quotes, or write the value after its own key',
    ]);
  });

  it('a key repeated through an alias (yaml kept the last value)', () => {
    const [repeat] = read('settings:\n  &k minGlobalAdmins: 1\n  *k : 5\n');
    expect([where(repeat), repeat?.message, repeat?.related?.line]).toEqual([
      'YAML_DUPLICATE_KEY@3:3',
      'key "minGlobalAdmins" appears twice in one mapping (first on line 2); remove or rename one of them',
      2,
    ]);
  });

  it('a control character, named with the escape that writes it', () => {
    expect(read('users: []\nx: "bell\u0007"\n').map((d) => `${where(d)} ${d.message}`)).toEqual([
      'YAML_SYNTAX@2:9 the file holds the control character U+0007 here, which no YAML text may hold; remove it, or write it as the escape "\\x07" inside double quotes',
    ]);
  });
});

describe('positions and words yaml got wrong', () => {
  it('a comment right after a closed quote is not an unclosed quote', () => {
    const [problem] = read('x: a\nz: "q"#c\n');
    expect(where(problem)).toBe('YAML_SYNTAX@2:7');
    expect(problem?.message).toMatch(/^comments must be separated from other tokens by white space characters/);
  });

  it('lone-CR line ends: every line counted, in yaml problems and later ones', () => {
    expect(read('users:\r  - userPrincipalName: a@contoso.com\r    displayName: [A\r    city: B\r').map(where)).toEqual(['YAML_SYNTAX@4:5']);
    const { source } = parseYamlSource('cr.yaml', Buffer.from('users:\r  - userPrincipalName: a@contoso.com\r    bogus: 1\r'));
    const [located] = locateDiagnostics([source], [error('X', 'unknown', { file: 'cr.yaml', path: ['users', 0, 'bogus'] })], { pointAt: () => 'key' });
    expect(located?.location).toMatchObject({ line: 3, column: 5 });
  });
});
