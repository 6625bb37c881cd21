import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TenantctlError } from '../../src/diagnostics/tenantctl-error.js';
import { parseSavedPlan } from '../../src/workflow/saved-plan.js';

/** The message parseSavedPlan refuses `text` (written in `encoding`) with. */
function refusal(text: string, encoding: BufferEncoding = 'utf8'): string {
  try {
    parseSavedPlan('plan.json', Buffer.from(text, encoding));
  } catch (cause) {
    expect(cause).toBeInstanceOf(TenantctlError);
    return (cause as Error).message;
  }
  throw new Error('the file was taken as a plan');
}

describe('parseSavedPlan quotes a wrong formatVersion within bounds', () => {
  it('a short one whole, as before', () => {
    expect(refusal('{"formatVersion": "2.0"}')).toBe('plan.json is not a tenantctl plan of format 2.2 (formatVersion: "2.0"); make it again with `tenantctl plan --out`');
    expect(refusal('{"formatVersion": 2.2}')).toContain('(formatVersion: 2.2)');
    expect(refusal('{}')).toContain('(formatVersion: undefined)');
  });

  it('a string of 10 million characters as its first 200 and its length, not whole', () => {
    const message = refusal(`{"formatVersion": "${'A'.repeat(10_000_000)}"}`);
    expect(message).toBe(`plan.json is not a tenantctl plan of format 2.2 (formatVersion: "${'A'.repeat(200)}… (10,000,000 characters)"); make it again with \`tenantctl plan --out\``);
  });

  it('long text with spaces in it cut in the middle, what to do kept', () => {
    const message = refusal(`{"formatVersion": "${'word '.repeat(1_000_000)}"}`);
    expect(message.length).toBeLessThan(3_000);
    expect(message).toMatch(/make it again with `tenantctl plan --out`$/);
  });

  it('an array or object named, not written out', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => `"v${i}"`).join(',');
    expect(refusal(`{"formatVersion": [${items}]}`)).toContain('(formatVersion: an array)');
    expect(refusal('{"formatVersion": {"major": 2}}')).toContain('(formatVersion: an object)');
  });
});

describe('parseSavedPlan refuses a field given twice in one object', () => {
  it('at the line and column of the second, whichever value JSON.parse would keep', () => {
    const text = '{\n  "formatVersion": "2.0",\n  "formatVersion": "2.2"\n}';
    expect(refusal(text)).toBe(
      'cannot read the plan plan.json: plan.json:3:3: the field "formatVersion" is given twice in one object ' +
        '(JSON.parse keeps the last, other readers the first, so the file reads as two plans); it is not a plan tenantctl wrote: make it again with `tenantctl plan --out`',
    );
  });
});

describe('parseSavedPlan names a schema problem at its line and column', () => {
  const plan = fs.readFileSync('test/render/__snapshots__/mixed.json', 'utf8');

  it('an unknown field of the envelope at its name', () => {
    const text = plan.replace('{\n  "formatVersion"', '{\n  "__proto__": {"approvals": []},\n  "formatVersion"');
    expect(refusal(text)).toBe('plan.json is not a valid plan:\nplan.json:2:3: PLAN_FILE: unknown field "__proto__"; check the spelling against schemas/plan.schema.json');
  });

  it('a value of a change at its field', () => {
    const text = plan.replace('"forceChangePasswordNextSignIn": true', '"forceChangePasswordNextSignIn": "yes"');
    const before = text.slice(0, text.indexOf('"forceChangePasswordNextSignIn": "yes"'));
    const where = `${before.split('\n').length}:${before.length - before.lastIndexOf('\n')}`;
    const { requireValid } = parseSavedPlan('plan.json', Buffer.from(text, 'utf8'));
    expect(requireValid).toThrow(`\nplan.json:${where}: PLAN_FILE: "forceChangePasswordNextSignIn" must be boolean`);
  });
});

describe('parseSavedPlan refuses a file that is not UTF-8, as such', () => {
  const plan = fs.readFileSync('test/render/__snapshots__/mixed.json');

  it('a byte that is not UTF-8 at its line and column, not read as U+FFFD', () => {
    const at = plan.indexOf('"tenantctlVersion": "') + '"tenantctlVersion": "'.length;
    const bytes = Buffer.concat([plan.subarray(0, at), Buffer.from([0xff]), plan.subarray(at)]);
    expect(refusal(bytes.toString('latin1'), 'latin1')).toBe(
      'cannot read the plan plan.json: plan.json:3:24: not valid UTF-8 (byte 0xFF here), which `tenantctl plan --out` always writes; it is not a plan tenantctl wrote, or it was damaged: make it again with `tenantctl plan --out`',
    );
  });

  it('UTF-16, as PowerShell 5 saves `plan --format json > plan.json`, named with what to do', () => {
    expect(refusal(`\uFEFF${plan.toString('utf8')}`, 'utf16le')).toMatch(/^cannot read the plan plan\.json: plan\.json:1:1: the file is saved as UTF-16 \(little endian\), but tenantctl reads UTF-8 only: .*iconv -f UTF-16 -t UTF-8/);
  });
});
