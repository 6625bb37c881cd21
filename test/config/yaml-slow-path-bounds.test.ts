// yaml finds every problem of a file js-yaml refuses, at about 2 s a megabyte
// (and 3.5 s and 450 MB a megabyte of errors on every line): a hostile pull
// request's files of syntax errors ran for minutes and ended on the heap limit
// (helper-75). Composing stops after 100 problems, only 1 MiB of the
// configuration's text goes that way (its syntax tree built once), a NUL
// character and millions of line breaks are refused first (helper-76).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_LINE_BREAKS, SLOW_PATH_LIMIT } from '../../src/config/large-file-problems.js';
import { MAX_YAML_PROBLEMS } from '../../src/config/yaml-document.js';
import { loadYamlSources, parseYamlSource } from '../../src/config/yaml-source.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';

const fromText = (text: string, file = 'inline.yaml') => parseYamlSource(file, Buffer.from(text, 'utf8'));
const where = (d: Diagnostic) => `${d.code}@${d.location?.line ?? '-'}:${d.location?.column ?? '-'}`;
/** A valid users file of about `bytes`. */
const usersOf = (bytes: number) => {
  const user = (i: number) => `  - userPrincipalName: user${i}@contoso.com\n    displayName: User ${i}\n    licenses: [O365_BUSINESS_PREMIUM]\n`;
  const count = Math.ceil(bytes / user(0).length);
  return `users:\n${Array.from({ length: count }, (_, i) => user(i)).join('')}`;
};

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-slow-path-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('the YAML slow path is bounded', () => {
  it('stops composing after MAX_YAML_PROBLEMS problems, and says so where it stopped', () => {
    const { diagnostics } = fromText('a: [\n'.repeat(200_000));
    expect(diagnostics).toHaveLength(MAX_YAML_PROBLEMS + 1);
    expect(diagnostics.every((d) => d.code === 'YAML_SYNTAX')).toBe(true);
    const last = diagnostics.at(-1)!;
    expect(last.message).toMatch(/^more than 100 YAML problems in this file, the last here; the rest were not looked for/);
    expect(last.location?.line).toBeGreaterThanOrEqual(Math.max(...diagnostics.slice(0, -1).map((d) => d.location!.line!)));
  });

  it('gives a file too large for it js-yaml\'s first problem, located', () => {
    const valid = usersOf(SLOW_PATH_LIMIT + 1000);
    const lines = valid.split('\n').length;
    const { diagnostics, source } = fromText(`${valid}  - userPrincipalName: [oops\n`);
    expect(source.value).toBeNull();
    expect(diagnostics.map(where)).toEqual([`YAML_SYNTAX@${lines + 1}:1`]);
    expect(diagnostics[0]?.message).toContain('so only the first problem of this one is shown: fix it and run again');
  });

  // js-yaml quotes what it stumbles on; a password that starts with ! or * is read as a tag or an alias.
  it.each([
    ['a tag', '!Welkom2016x', 'Unresolved tag:'],
    ['an alias', '*Welkom2016x', 'an alias'],
  ])('never quotes back a password read as %s in a file too large for yaml', (_, value, what) => {
    const valid = usersOf(SLOW_PATH_LIMIT + 1000);
    const { diagnostics } = fromText(`${valid}  - userPrincipalName: megan@contoso.com\n    password: ${value}\n`);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.message).toContain(`${what} (not shown here: it may be a password)`);
    expect(diagnostics[0]?.message).not.toContain('Welkom');
  });

  it('names a YAML 1.1 tag in a file too large for yaml as yaml\'s path does, where it is written', () => {
    const valid = usersOf(SLOW_PATH_LIMIT + 1000);
    const lines = valid.split('\n').length;
    const { diagnostics } = fromText(`${valid}  - userPrincipalName: megan@contoso.com\n    displayName: !!timestamp 2016-01-01\n`);
    const small = fromText(`users:\n  - userPrincipalName: megan@contoso.com\n    displayName: !!timestamp 2016-01-01\n`).diagnostics;
    expect(diagnostics.map(where)).toEqual([`YAML_UNKNOWN_TAG@${lines + 1}:18`]);
    expect(diagnostics[0]?.message).toBe(`${small[0]?.message}; the configuration's files with problems are over 1 MiB, so only the first problem of this one is shown: fix it and run again`);
  });

  it('words a large file that is no one mapping as yaml would: a list, two documents', () => {
    const valid = usersOf(SLOW_PATH_LIMIT + 1000);
    const list = fromText(valid.replace(/^users:\n/, '').replace(/^ {2}/gm, ''));
    expect(list.diagnostics.map(where)).toEqual(['YAML_NOT_MAPPING@1:1']);
    expect(list.diagnostics[0]?.message).toBe('the top level of the file is a list, but it must be a mapping with keys such as "users:"');
    const two = fromText(`${valid}---\nsettings: {}\n`);
    expect(two.diagnostics.map(where)).toEqual([`YAML_MULTIPLE_DOCUMENTS@${valid.split('\n').length}:1`]);
    expect(two.diagnostics[0]?.message).toMatch(/^a second YAML document starts here \("---"\); a file holds one document:/);
  });

  it('checks a large file\'s %YAML version itself, and reads a 1.2 one the fast way', () => {
    const valid = usersOf(SLOW_PATH_LIMIT + 1000);
    expect(fromText(`%YAML 1.1\n---\n${valid}`).diagnostics.map(where)).toEqual(['YAML_VERSION@1:1']);
    const read = fromText(`%YAML 1.2\n---\n${valid}`);
    expect(read.diagnostics).toEqual([]);
    expect((read.source.value as { users: unknown[] }).users.length).toBeGreaterThan(10_000);
  });

  it('shares the budget among a configuration\'s files: the first gets every problem, the next its first', () => {
    const broken = `${usersOf(SLOW_PATH_LIMIT * 0.6)}  - userPrincipalName: [oops\n  - x: ]\n`;
    for (const name of ['a.yaml', 'b.yaml']) fs.writeFileSync(path.join(scratch, name), broken);
    const { diagnostics } = loadYamlSources([path.join(scratch, 'a.yaml'), path.join(scratch, 'b.yaml')], 'configuration files');
    const [a, b] = ['a.yaml', 'b.yaml'].map((name) => diagnostics.filter((d) => d.location?.file?.endsWith(name)));
    expect(a!.length).toBeGreaterThan(0);
    expect(a!.some((d) => d.message.includes('only the first problem'))).toBe(false);
    expect(b).toHaveLength(1);
    expect(b![0]?.message).toContain('only the first problem of this one is shown');
  });

  it('takes %YAML in a comment after a U+2028 for no directive (^ with the m flag matched there, helper-76)', () => {
    const valid = usersOf(SLOW_PATH_LIMIT + 1000);
    const read = fromText(`# see the wiki\u2028%YAML 1.1 is not used here\n${valid}`);
    expect(read.diagnostics).toEqual([]);
  });

  it('refuses a file of more line breaks than any configuration has, before js-yaml records every line', () => {
    const { diagnostics } = fromText(`a: 1\n${'\n'.repeat(MAX_LINE_BREAKS)}b: [\n`);
    expect(diagnostics.map((d) => d.code)).toEqual(['CONFIG_TOO_LARGE']);
    expect(diagnostics[0]?.message).toMatch(/^the file has more than 8,000,000 line breaks/);
  });

  it('refuses a NUL character where it is, before any parser reads the file', () => {
    expect(fromText('users:\n  - userPrincipalName: a\u0000b@contoso.com\n').diagnostics.map(where)).toEqual(['YAML_SYNTAX@2:25']);
    const { diagnostics } = fromText('\u0000'.repeat(10 * 1024 * 1024));
    expect(diagnostics.map(where)).toEqual(['YAML_SYNTAX@1:1']);
    expect(diagnostics[0]?.message).toMatch(/^the file holds a NUL character \(U\+0000\) here/);
  });
});
