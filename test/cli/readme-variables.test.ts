// Every TENANTCTL_* environment variable tenantctl reads is one an
// administrator can find in the README, e.g. the sender of deliver's mail.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

function sources(folder: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.c?ts$/.test(file))
    .map((file) => fs.readFileSync(path.join(ROOT, folder, file), 'utf8'));
}

it('the README names every TENANTCTL_* variable the code reads', () => {
  const read = new Set([...sources('src'), ...sources('cmd')].flatMap((text) => [...text.matchAll(/\bTENANTCTL_[A-Z_]+\b/g)].map((m) => m[0])));
  expect(read.size).toBeGreaterThan(5);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  expect([...read].filter((variable) => !new RegExp(`\`${variable}(?![A-Z_])`).test(readme)).sort()).toEqual([]);
});
