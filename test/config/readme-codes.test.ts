import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_DIAGNOSTIC_CODES } from '../../src/config/diagnostic-codes.js';
import { fromRoot } from './expectations.js';

describe('README', () => {
  it('lists every diagnostic code', () => {
    const readme = fs.readFileSync(fromRoot('README.md'), 'utf8');
    const missing = CONFIG_DIAGNOSTIC_CODES.map((info) => info.code).filter((code) => !readme.includes(`| \`${code}\` |`));
    expect(missing).toEqual([]);
  });
});
