// passwordPolicies in every plan format: an attribute like any other where a
// user has it, and no trace of it where a user has not.
import fs from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { renderPlanHtml } from '../../src/render/plan-html.js';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { passwordPolicies } from './scenarios.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object);

describe('a plan that sets and clears passwordPolicies', () => {
  it('matches the golden files, text, markdown, HTML and JSON', async () => {
    const plan = passwordPolicies();
    await expect(renderText(plan, { color: false })).toMatchFileSnapshot('./__snapshots__/password-policies.txt');
    await expect(renderMarkdown(plan)).toMatchFileSnapshot('./__snapshots__/password-policies.md');
    await expect(renderPlanHtml(plan)).toMatchFileSnapshot('./__snapshots__/password-policies.html');
    await expect(renderJson(plan)).toMatchFileSnapshot('./__snapshots__/password-policies.json');
  });

  it('is a JSON plan the schema accepts, with the attribute only on the users who have it', () => {
    const document = JSON.parse(renderJson(passwordPolicies())) as { changes: { kind: string; userPrincipalName: string; before?: { attributes: object } | null; after?: { attributes: object } | null }[] };
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    const sanne = document.changes.find((change) => change.userPrincipalName === 'sanne@contoso.com');
    expect(sanne?.before?.attributes).not.toHaveProperty('passwordPolicies');
    expect(sanne?.after?.attributes).not.toHaveProperty('passwordPolicies');
  });
});
