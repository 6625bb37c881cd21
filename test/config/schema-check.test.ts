import { describe, expect, it } from 'vitest';
import { checkSchema } from '../../src/config/schema-check.js';
import { PLAN_FORMAT_VERSION } from '../../src/plan/plan-document.js';

describe('checkSchema messages', () => {
  const messages = (value: unknown) => checkSchema('plan.schema.json', 'plan.json', value, 'PLAN_FILE').map((d) => d.message);

  it('names the schema it checks against, and the value a constant must have', () => {
    const found = messages({ formatVersion: '9.9', extra: 1 });
    expect(found).toContain('unknown field "extra"; check the spelling against schemas/plan.schema.json');
    expect(found).toContain(`"formatVersion" must be ${JSON.stringify(PLAN_FORMAT_VERSION)}`);
  });
});
