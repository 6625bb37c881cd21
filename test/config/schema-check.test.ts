import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCatalogFile } from '../../src/catalog/catalog-file.js';
import { checkSchema } from '../../src/config/schema-check.js';
import { PLAN_FORMAT_VERSION } from '../../src/plan/plan-document.js';

describe('checkSchema messages', () => {
  const messages = (value: unknown) => checkSchema('plan.schema.json', 'plan.json', value, 'PLAN_FILE').map((d) => d.message);

  it('names the schema it checks against, and the value a constant must have', () => {
    const found = messages({ formatVersion: '9.9', extra: 1 });
    expect(found).toContain('unknown field "extra"; check the spelling against schemas/plan.schema.json');
    expect(found).toContain(`"formatVersion" must be ${JSON.stringify(PLAN_FORMAT_VERSION)}`);
  });

  it('calls "<<" in a saved plan an unknown field: JSON has no merge keys', () => {
    expect(messages({ '<<': 1 })).toContain('unknown field "<<"; check the spelling against schemas/plan.schema.json');
  });
});

describe('the catalog file: a mistyped key', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantctl-catalog-key-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const example = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'examples', 'contoso', 'catalog.yaml'), 'utf8');

  function problems(edit: (text: string) => string): string[] {
    const file = path.join(dir, `catalog-${Math.random().toString(36).slice(2)}.yaml`);
    fs.writeFileSync(file, edit(example));
    return readCatalogFile(file).diagnostics.map((d) => `${d.location?.line}:${d.location?.column}: ${d.message}`);
  }

  it('is located at the key and suggests the field meant', () => {
    const line = example.split('\n').findIndex((l) => l.includes('seats: 5')) + 1;
    expect(problems((text) => text.replace('    seats: 5', '    seat: 5'))).toContain(`${line}:5: unknown field "seat" (did you mean seats?)`);
    const top = example.split('\n').indexOf('subscriptions:') + 1;
    expect(problems((text) => text.replace('\nsubscriptions:', '\nsubscriptons:'))).toContain(`${top}:1: unknown field "subscriptons" (did you mean subscriptions?)`);
  });

  it('says a problem in service plans two subscriptions share through an alias once', () => {
    const first = '    servicePlans: [EXCHANGE_S_STANDARD, SHAREPOINTSTANDARD, SHAREPOINTWAC, MCOSTANDARD, YAMMER_ENTERPRISE, SWAY,\n                   PROJECTWORKMANAGEMENT]';
    const second = '    servicePlans: [EXCHANGE_S_STANDARD, SHAREPOINTSTANDARD, SHAREPOINTWAC, MCOSTANDARD, YAMMER_ENTERPRISE, SWAY,\n                   PROJECTWORKMANAGEMENT, OFFICE_BUSINESS]';
    expect(example).toContain(first);
    expect(example).toContain(second);
    const line = example.split('\n').findIndex((l) => l.includes('servicePlans:')) + 1;
    const found = problems((text) => text.replace(first, '    servicePlans: &plans [EXCHANGE_S_STANDARD, Bad Plan!]').replace(second, '    servicePlans: *plans'));
    expect(found).toEqual([`${line}:48: item 2 of "servicePlans" has an invalid format (must match pattern "^[A-Za-z0-9_]+$") (found 2 times here: the value is reached through aliases)`]);
  });

  it('says a YAML merge key merges nothing', () => {
    const line = example.split('\n').findIndex((l) => l.includes('seats: 5')) + 1;
    expect(problems((text) => text.replace('    seats: 5', '    seats: 5\n    <<: {currency: EUR}'))).toContain(
      `${line + 1}:5: "<<" is a YAML merge key, which tenantctl does not read: it reads YAML 1.2, where "<<" is a field like any other, so nothing is merged into an entry of "subscriptions" here; write the fields out`,
    );
  });

  it('says a merge key in planDependencies, whose keys are plan names, merges nothing, and says no more of what is under it', () => {
    const line = example.split('\n').indexOf('    planDependencies:') + 1;
    const found = problems((text) => text.replace('    planDependencies:\n', '    planDependencies:\n      <<: {SWAY: [SHAREPOINTSTANDARD]}\n      bad-name: [SWAY]\n'));
    expect(found).toEqual([
      `${line + 1}:7: "<<" is a YAML merge key, which tenantctl does not read: it reads YAML 1.2, where "<<" is a field like any other, so nothing is merged into "planDependencies" here; write the fields out`,
      `${line + 2}:7: "bad-name" in "planDependencies" must match pattern "^[A-Za-z0-9_]+$"`,
    ]);
  });

  it('says a subscription merged from an anchor lacks what the merge was meant to bring in', () => {
    const found = problems((text) => text.replace('subscriptions:\n', 'subscriptions:\n  - <<: {productName: Shared}\n    sku: MERGED\n'));
    expect(found).toContainEqual(expect.stringMatching(/: missing required field "productName" \(the "<<" merge key brings nothing in\)$/));
  });

  it('lists what the place takes when nothing is close', () => {
    expect(problems((text) => text.replace('    seats: 5', '    seats: 5\n    zzqq: 1'))).toContainEqual(
      expect.stringMatching(/: unknown field "zzqq"; allowed here: sku, productName, seats, unitPrice, currency, purchasable, servicePlans, planDependencies, unavailableIn$/),
    );
  });
});
