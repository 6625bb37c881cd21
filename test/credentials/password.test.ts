import { randomBytes, scryptSync } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { PASSWORD_SYMBOLS, checkPasswordPolicy } from '../../src/credentials/password-policy.js';
import { generatePassword } from '../../src/credentials/generate-password.js';
import { hashPassword, verifyPassword } from '../../src/credentials/hash-password.js';

const LENGTH = /is (shorter than 8|longer than 16) characters; use 8 to 16/;
const CLASSES = /character classes; use at least 3/;
const BLANK = /blank character/;
const OUTSIDE = /outside the allowed set/;
const ACCOUNT = /contains the account name/;

describe('checkPasswordPolicy', () => {
  const cases: readonly { name: string; password: string; account?: string; problems: readonly RegExp[] }[] = [
    { name: 'all four classes', password: 'Tr0ub4dor&3x', problems: [] },
    { name: '7 characters', password: 'Ab1!xyz', problems: [LENGTH] },
    { name: '8 characters', password: 'Ab1!xyzw', problems: [] },
    { name: '16 characters', password: 'Ab1!xyzwAb1!xyzw', problems: [] },
    { name: '17 characters', password: 'Ab1!xyzwAb1!xyzwQ', problems: [LENGTH] },
    { name: 'empty', password: '', problems: [LENGTH, CLASSES] },
    { name: 'no symbol (3 of 4)', password: 'Abcdefg1', problems: [] },
    { name: 'no digit (3 of 4)', password: 'Abcdefg!', problems: [] },
    { name: 'no upper case (3 of 4)', password: 'abcdef1!', problems: [] },
    { name: 'no lower case (3 of 4)', password: 'ABCDEF1!', problems: [] },
    { name: 'lower and digits only (2 of 4)', password: 'abcdefgh12', problems: [CLASSES] },
    { name: 'upper and symbols only (2 of 4)', password: 'ABCDEFGH!?', problems: [CLASSES] },
    { name: 'lower case only (1 of 4)', password: 'abcdefghij', problems: [CLASSES] },
    { name: 'a space', password: 'Ab1! xyzw', problems: [BLANK] },
    { name: 'a tab', password: 'Ab1!\txyzw', problems: [BLANK] },
    { name: 'an accented letter', password: 'Ab1!xyzé', problems: [OUTSIDE] },
    { name: 'an emoji counted as one character', password: 'Ab1!xyz😀', problems: [OUTSIDE] },
    { name: 'a symbol not on the list', password: 'Ab1<xyzw', problems: [OUTSIDE] },
    { name: 'the account name', password: 'jdoe!Ab12', problems: [ACCOUNT] },
    { name: 'the account name in other case', password: 'xJDoE!a12', problems: [ACCOUNT] },
    { name: 'the local part of a full UPN', password: 'x1!JDOEab', account: 'jdoe@contoso.com', problems: [ACCOUNT] },
    { name: 'the domain of the UPN is not the account name', password: 'Contoso1!', account: 'jdoe@contoso.com', problems: [] },
    { name: 'every rule broken', password: 'jdoe é', problems: [LENGTH, CLASSES, BLANK, OUTSIDE, ACCOUNT] },
  ];

  it.each(cases)('$name', ({ password, account, problems }) => {
    const found = checkPasswordPolicy(password, account ?? 'jdoe');
    expect(found).toHaveLength(problems.length);
    problems.forEach((pattern, i) => expect(found[i]).toMatch(pattern));
  });

  it('never quotes the password in a message', () => {
    for (const { password, account } of cases) {
      for (const problem of checkPasswordPolicy(password, account ?? 'jdoe')) {
        if (password !== '') expect(problem).not.toContain(password);
        expect(problem).not.toMatch(/[é😀\t]/u);
      }
    }
  });

  it('reports the length without the password', () => {
    expect(checkPasswordPolicy('Ab1!xy', 'jdoe')).toEqual(['is shorter than 8 characters; use 8 to 16']);
  });

  it('accepts every listed symbol and nothing else', () => {
    expect(PASSWORD_SYMBOLS).toHaveLength(30);
    for (const symbol of PASSWORD_SYMBOLS) expect(checkPasswordPolicy(`Abcdef1${symbol}`, 'jdoe')).toEqual([]);
    for (const symbol of '<>€§°') expect(checkPasswordPolicy(`Abcdef1${symbol}`, 'jdoe')).toHaveLength(1);
  });
});

describe('generatePassword', () => {
  it('makes 1,000 distinct passwords that all pass the policy', () => {
    const passwords = Array.from({ length: 1000 }, () => generatePassword('jdoe'));
    for (const password of passwords) {
      expect(checkPasswordPolicy(password, 'jdoe')).toEqual([]);
      expect(password).toHaveLength(16);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[^A-Za-z0-9]/);
      expect(password).not.toMatch(/[Il1|O0o'"`\\]/);
    }
    expect(new Set(passwords).size).toBe(1000);
  });

  it('avoids even a one-letter account name', () => {
    for (let i = 0; i < 200; i++) expect(generatePassword('a')).not.toMatch(/a/i);
  });
});

describe('hashPassword and verifyPassword', () => {
  const password = 'Tr0ub4dor&3x';

  it('verifies the right password and rejects a wrong one', async () => {
    const encoded = await hashPassword(password);
    expect(await verifyPassword(password, encoded)).toBe(true);
    expect(await verifyPassword('Tr0ub4dor&3X', encoded)).toBe(false);
    expect(await verifyPassword('', encoded)).toBe(false);
  });

  it('salts: two hashes of one password differ', async () => {
    expect(await hashPassword(password)).not.toBe(await hashPassword(password));
  });

  it('records the parameters and never the password', async () => {
    const encoded = await hashPassword(password);
    expect(encoded).toMatch(/^scrypt\$N=32768,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(encoded).not.toContain(password);
    expect(encoded).not.toContain(Buffer.from(password).toString('base64'));
  });

  it('verifies with the parameters read from the string', async () => {
    const salt = randomBytes(16);
    const key = scryptSync(password, salt, 32, { N: 1024, r: 4, p: 2 });
    const encoded = `scrypt$N=1024,r=4,p=2$${salt.toString('base64')}$${key.toString('base64')}`;
    expect(await verifyPassword(password, encoded)).toBe(true);
    expect(await verifyPassword(password, encoded.replace('r=4', 'r=5'))).toBe(false);
  });

  const salt = Buffer.alloc(16, 1).toString('base64');
  const key = Buffer.alloc(32, 2).toString('base64');
  it.each([
    ['empty', ''],
    ['another algorithm', `bcrypt$N=1024,r=8,p=1$${salt}$${key}`],
    ['a missing part', `scrypt$N=1024,r=8,p=1$${salt}`],
    ['a missing parameter', `scrypt$N=1024,r=8$${salt}$${key}`],
    ['N not a power of two', `scrypt$N=1000,r=8,p=1$${salt}$${key}`],
    ['N of 1', `scrypt$N=1,r=8,p=1$${salt}$${key}`],
    ['an excessive cost', `scrypt$N=1048576,r=8,p=1$${salt}$${key}`],
    ['an excessive p', `scrypt$N=1024,r=8,p=1000$${salt}$${key}`],
    ['a zero r', `scrypt$N=1024,r=0,p=1$${salt}$${key}`],
    ['invalid base64', `scrypt$N=1024,r=8,p=1$${salt}$A=B${key}`],
    ['a short salt', `scrypt$N=1024,r=8,p=1$AAAA$${key}`],
    ['a short hash', `scrypt$N=1024,r=8,p=1$${salt}$AAAA`],
  ])('rejects %s', async (_name, encoded) => {
    await expect(verifyPassword(password, encoded)).rejects.toThrow(/malformed password hash/);
  });
});
