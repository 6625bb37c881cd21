// The validators compiled at build time (scripts/compile-schemas.mjs) must
// report exactly what ajv compiling the schema at run time reports.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { appliedSourceTexts, compileAppliedValidators, prebuiltAppliedValidators } from '../../src/audit/applied-shapes.js';
import { compileValidator, prebuiltValidator } from '../../src/config/schema-check.js';
import { fromRoot } from './expectations.js';

const schemaText = (name: string) => fs.readFileSync(fromRoot(path.join('schemas', name)), 'utf8');

describe('prebuilt schema validators', () => {
  it('exist for the current schemas, and none for a changed schema', () => {
    for (const name of ['tenant.schema.json', 'plan.schema.json', 'catalog.schema.json']) {
      expect(prebuiltValidator(name, schemaText(name)), name).not.toBeNull();
      expect(prebuiltValidator(name, `${schemaText(name)} `), name).toBeNull();
    }
  });

  it('give the same errors as the schema compiled at run time, for every example configuration', () => {
    const text = schemaText('tenant.schema.json');
    const prebuilt = prebuiltValidator('tenant.schema.json', text)!;
    const compiled = compileValidator(text);
    const dir = fromRoot('examples/invalid');
    const files = [...fs.readdirSync(dir).map((f) => path.join(dir, f)), fromRoot('examples/contoso/users.yaml'), fromRoot('examples/contoso/tenant.yaml')];
    for (const file of files.filter((f) => /\.ya?ml$/.test(f))) {
      let value: unknown;
      try {
        value = load(fs.readFileSync(file, 'utf8'));
      } catch {
        continue;
      }
      // verbose errors also carry the schema and the data, the same objects either way.
      const errors = (validate: typeof prebuilt) =>
        validate(value) ? [] : (validate.errors ?? []).map(({ instancePath, schemaPath, keyword, params, message }) => ({ instancePath, schemaPath, keyword, params, message }));
      expect(errors(prebuilt), file).toEqual(errors(compiled));
    }
  });

  // compile-schemas.mjs asks a string's length before counting its code points: the same answers at the edges.
  it('count characters as ajv does: astral ones are one, an empty string is too short', () => {
    const text = schemaText('tenant.schema.json');
    const prebuilt = prebuiltValidator('tenant.schema.json', text)!;
    const compiled = compileValidator(text);
    const emoji = '\u{1F600}';
    const names = ['', 'a', emoji, emoji.repeat(256), emoji.repeat(257), 'a'.repeat(256), 'a'.repeat(257), `${'a'.repeat(255)}${emoji}`, '\uD800'];
    const errors = (validate: typeof prebuilt, value: unknown) =>
      validate(value) ? [] : (validate.errors ?? []).map(({ instancePath, keyword, params }) => ({ instancePath, keyword, params }));
    const verdicts = names.map((displayName) => {
      const value = { users: [{ userPrincipalName: 'a@contoso.com', displayName, city: displayName.slice(0, 300) }] };
      expect(errors(prebuilt, value), JSON.stringify(displayName.slice(0, 12))).toEqual(errors(compiled, value));
      return errors(prebuilt, value).some((e) => e.instancePath === '/users/0/displayName' && /Length$/.test(e.keyword));
    });
    // '' too short, 256 emoji within the limit though 512 UTF-16 units, 257 of either too long.
    expect(verdicts).toEqual([true, false, false, false, true, false, true, false, false]);
  });

  it('give the same errors for a plan document', () => {
    const text = schemaText('plan.schema.json');
    const bad = { formatVersion: '2.0', changes: [{ kind: 'user.create', userPrincipalName: 7 }], extra: true };
    const prebuilt = prebuiltValidator('plan.schema.json', text)!;
    const compiled = compileValidator(text);
    expect(prebuilt(bad)).toBe(false);
    expect(compiled(bad)).toBe(false);
    const essential = (validate: typeof prebuilt) => (validate.errors ?? []).map(({ instancePath, schemaPath, keyword, params }) => ({ instancePath, schemaPath, keyword, params }));
    expect(essential(prebuilt).length).toBeGreaterThan(0);
    expect(essential(prebuilt)).toEqual(essential(compiled));
  });

  it('give the same errors for the example catalog and for a broken one', () => {
    const text = schemaText('catalog.schema.json');
    const prebuilt = prebuiltValidator('catalog.schema.json', text)!;
    const compiled = compileValidator(text);
    const good = load(fs.readFileSync(fromRoot('examples/contoso/catalog.yaml'), 'utf8'));
    expect(prebuilt(good)).toBe(true);
    expect(compiled(good)).toBe(true);
    const bad = { domains: [{ name: 7, verified: 'yes' }], subscriptions: [{ sku: 'X', seats: -1, servicePlans: 'ALL' }], extra: 1 };
    const errors = (validate: typeof prebuilt) => {
      validate(bad);
      return (validate.errors ?? []).map(({ instancePath, schemaPath, keyword, params, message }) => ({ instancePath, schemaPath, keyword, params, message }));
    };
    expect(errors(prebuilt).length).toBeGreaterThan(2);
    expect(errors(prebuilt)).toEqual(errors(compiled));
  });

  // history's checks of an apply row's parts (src/audit/applied-shapes.ts): prebuilt, and judging as ajv does at run time.
  it('exist for history\'s checks of an apply row, agree with them compiled at run time, and none for a changed schema', () => {
    const texts = appliedSourceTexts();
    const prebuilt = prebuiltAppliedValidators(texts)!;
    expect(prebuilt).not.toBeNull();
    expect(prebuiltAppliedValidators([texts[0] ?? '', `${texts[1]} `])).toBeNull();
    const compiled = compileAppliedValidators(texts);
    const samples: [keyof typeof compiled, unknown][] = [
      ['change', { kind: 'role.grant', userPrincipalName: 'x@contoso.com', userId: null, role: 'Global administrator', roleTemplateId: '62e90394-69f5-4237-9190-012177145e10', risks: ['privileged'] }],
      ['change', { kind: 'role.grant', userPrincipalName: 'x@contoso.com' }],
      ['change', { kind: 'user.frobnicate', userPrincipalName: 'x@contoso.com' }],
      ['summary', { create: 1, update: 0, delete: 0, seatsToPurchase: 0, byKind: {} }],
      ['summary', null],
      ['summary', { purchases: [{}] }],
      ['approvals', null],
      ['approvals', [1]],
    ];
    for (const [shape, value] of samples) expect(prebuilt[shape](value), `${shape} ${JSON.stringify(value)}`).toBe(compiled[shape](value));
    expect(samples.some(([shape, value]) => prebuilt[shape](value))).toBe(true);
  });
});
