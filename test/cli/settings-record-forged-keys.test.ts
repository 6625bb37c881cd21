// The settings the latest apply recorded are the writer role's to append
// (sql/roles.sql): a per-subscription entry named `constructor` or
// `toString` was read as what every object inherits, and the plan showed
// `settings.maxSeats.toString: 1 → function toString() { [native code] }`,
// held the limit to NaN, and wrote a plan JSON whose settingsToRecord broke
// its schema (no `after`, or `{}`, and a setting not named by a part number).
// No configuration can hold an entry not named by a part number, nor one of
// a subscription the catalog does not have: such entries are not read (a
// writer's thousands of them cut the pull-request comment's approvals off);
// the others are.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { startPGlite } from '../../src/db/embedded-database.js';
import { ROOT, runCli, tempDir } from '../support/cli.js';
import { contosoFolder } from '../support/contoso-database.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const validatePlan = addFormats(new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true })).compile(
  JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'plan.schema.json'), 'utf8')) as object,
);

/** Caps of subscriptions the catalog does not have: each was a setting to record and a warning on every plan. */
const thousands = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`NO_SUCH_SKU_${i}`, 1]));

/** The contoso example's settings, as its apply recorded them, with entries the writer added by hand. */
const FORGED = {
  minGlobalAdmins: 2,
  adminEmail: 'it-desk@contoso.com',
  maxDeletions: 5,
  maxDeletionPercent: 25,
  maxMonthlyPurchaseCost: 250,
  maxSeats: { constructor: 5, toString: 1, ['__proto__']: 3, 'visioclient\u001b[2J': 4, VISIOCLIENT: 3, ...thousands },
  spareSeats: { hasOwnProperty: 2 },
  maxGlobalAdmins: 4,
};

describe('settings recorded by hand under the names every object inherits', { timeout: 120_000 }, () => {
  it('are not read, and the part numbers beside them are, in text and in a plan JSON that keeps its schema', async () => {
    const database = contosoFolder('applied', path.join(tempDir('tenantctl-forged-settings-'), 'db'));
    const db = startPGlite(database);
    try {
      await db.query(
        `INSERT INTO tenantctl.applies (actor, host, plan_hash, tool_version, summary, changes, settings) VALUES ('by-hand', 'x', 'sha256:x', 'x', '{}', '[]', $1::jsonb)`,
        [JSON.stringify(FORGED)],
      );
    } finally {
      await db.close();
    }
    const env = { TENANTCTL_DATABASE_URL: database };
    const config = path.join(ROOT, 'examples', 'contoso');
    const text = await runCli(['plan', '-c', config, '--detailed-exitcode'], { env });
    expect(text.code, text.stderr).toBe(2);
    expect(text.stdout).not.toContain('native code');
    expect(text.stdout).not.toContain('NaN');
    expect(text.stdout).not.toContain('NO_SUCH_SKU');
    expect(text.stdout).toContain('Settings to record:\n    - settings.maxSeats.VISIOCLIENT: 3 → none\n\nPlan: no change to users; 1 setting to record.\n');
    const json = await runCli(['plan', '-c', config, '--format', 'json'], { env });
    const document = JSON.parse(json.stdout) as { settingsToRecord: unknown };
    expect(validatePlan(document), JSON.stringify(validatePlan.errors)).toBe(true);
    expect(document.settingsToRecord).toEqual([{ setting: 'maxSeats.VISIOCLIENT', before: 3, after: null }]);
  });
});
