import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listMigrations } from '../../src/db/migrate.js';
import { packageRoot } from '../../src/package-root.js';

// The README's tour says it was pasted from a real run: its init line must name the migrations a fresh database gets.
describe("the README's tour", () => {
  it('names every migration init runs on a new database', () => {
    const readme = fs.readFileSync(path.join(packageRoot(), 'README.md'), 'utf8');
    const names = listMigrations().map((m) => m.name);
    expect(readme).toContain(`Schema: migrated from version 0 to ${names.length} (${names.join(', ')}) in .tenantctl/db\n`);
  });
});
